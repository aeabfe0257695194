package io.heatlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void embeddedProfileIsTheDefault() {
    HeatlabConfig config = ConfigLoader.load(null, null, Map.of());
    assertThat(config.profile()).isEqualTo("embedded");
    assertThat(config.embedded()).isTrue();
    assertThat(config.getInt(HeatlabConfig.KAFKA_PORT)).isEqualTo(19092);
    assertThat(config.secret(HeatlabConfig.INGEST_WRITE_KEYS)).isEqualTo("demo=demo-write-key");
  }

  @Test
  void environmentOverridesTheProfile() {
    HeatlabConfig config =
        ConfigLoader.load(
            null,
            null,
            Map.of("HEATLAB_KAFKA_PORT", "29092", "HEATLAB_CLICKHOUSE_HTTP_PORT", "28123"));
    assertThat(config.getInt(HeatlabConfig.KAFKA_PORT)).isEqualTo(29092);
    assertThat(config.getInt(HeatlabConfig.CLICKHOUSE_HTTP_PORT)).isEqualTo(28123);
  }

  @Test
  void profileComesFromTheEnvironmentWhenNotGiven() {
    HeatlabConfig config = ConfigLoader.load(null, null, Map.of("HEATLAB_PROFILE", "compose"));
    assertThat(config.embedded()).isFalse();
    assertThat(config.getString(HeatlabConfig.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:9092");
  }

  @Test
  void userFileSitsBetweenProfileAndEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.properties");
    Files.writeString(file, "kafka.port=30000\nconnect.port=30001\n");
    HeatlabConfig config =
        ConfigLoader.load("embedded", file, Map.of("HEATLAB_CONNECT_PORT", "30002"));
    assertThat(config.getInt(HeatlabConfig.KAFKA_PORT)).isEqualTo(30000);
    assertThat(config.getInt(HeatlabConfig.CONNECT_PORT)).isEqualTo(30002);
  }

  @Test
  void unknownProfileIsRejectedWithTheChoices() {
    assertThatThrownBy(() -> ConfigLoader.load("prod", null, Map.of()))
        .hasMessageContaining("Unknown profile 'prod'")
        .hasMessageContaining("embedded or compose");
  }

  @Test
  void invalidValueIsRejectedWithTheSettingName() {
    assertThatThrownBy(() -> ConfigLoader.load(null, null, Map.of("HEATLAB_KAFKA_PORT", "seventy")))
        .hasMessageContaining("kafka.port");
  }

  @Test
  void secretsAreHiddenWhenPrinted() {
    HeatlabConfig config =
        ConfigLoader.load(null, null, Map.of("HEATLAB_STORAGE_SECRET_KEY", "s3cr3t-value"));
    assertThat(config.secret(HeatlabConfig.STORAGE_SECRET_KEY)).isEqualTo("s3cr3t-value");
    assertThat(config.values().toString())
        .doesNotContain("s3cr3t-value")
        .doesNotContain("demo-write-key");
  }

  @Test
  void relativeDataDirResolvesAgainstHeatlabHome() {
    String previous = System.getProperty("heatlab.home");
    System.setProperty("heatlab.home", "/opt/heatlab");
    try {
      assertThat(ConfigLoader.load(null, null, Map.of()).dataDir())
          .isEqualTo(Path.of("/opt/heatlab/var"));
    } finally {
      if (previous == null) {
        System.clearProperty("heatlab.home");
      } else {
        System.setProperty("heatlab.home", previous);
      }
    }
  }
}
