package io.heatlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
    assertThat(config.secret(HeatlabConfig.INGEST_WRITE_KEYS))
        .isEqualTo("demo=demo-write-key,drill=drill-write-key");
    assertThat(config.sparkMaster()).isEqualTo("local[*]");
    assertThat(config.dedupRedisUrl()).isEmpty();
    assertThat(config.portBlock(HeatlabConfig.KAFKA_PORT)).isEqualTo(1);
    assertThat(StackEndpoints.of(config).kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
  }

  @Test
  void clusterProfileRunsSeveralNodesOfEachEngineOnItsOwnPorts() {
    HeatlabConfig config = ConfigLoader.load("cluster", null, Map.of());
    assertThat(config.embedded()).isTrue();
    assertThat(config.getInt(HeatlabConfig.KAFKA_BROKERS)).isEqualTo(3);
    assertThat(config.portBlock(HeatlabConfig.KAFKA_PORT)).isEqualTo(3);
    assertThat(config.portBlock(HeatlabConfig.CONNECT_PORT)).isEqualTo(2);
    assertThat(config.portBlock(HeatlabConfig.INGEST_PORT)).isEqualTo(2);
    assertThat(config.portBlock(HeatlabConfig.HTTP_PORT)).isEqualTo(1);
    assertThat(StackEndpoints.of(config).kafkaBootstrap())
        .isEqualTo("127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094");
    assertThat(StackEndpoints.loopbacks(config, HeatlabConfig.CONNECT_PORT, "http://"))
        .containsExactly("http://127.0.0.1:28083", "http://127.0.0.1:28084");
    assertThat(config.sparkMaster()).isEqualTo("spark://127.0.0.1:27077");
    assertThat(config.sparkMasterUiUrl()).isEqualTo("http://127.0.0.1:28090");
    assertThat(config.dedupRedisUrl()).isEqualTo("redis://127.0.0.1:26379");
    assertThat(config.dataDir().toString()).endsWith("var/cluster");
    // the same settings where the stack is someone else's: one external cluster, nothing derived
    HeatlabConfig external = config.with(Map.of(HeatlabConfig.STACK_EMBEDDED, "false"));
    assertThat(external.sparkMaster()).isEqualTo("local[*]");
    assertThat(external.dedupRedisUrl()).isEmpty();
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
    assertThat(config.getString(HeatlabConfig.KAFKA_BOOTSTRAP))
        .isEqualTo("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9095");
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
        .hasMessageContaining("embedded, cluster or compose");
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
  void aComposeProfileWithPlaceholderOrShortSecretsIsWeakAndTheMessagesHoldNoValue() {
    HeatlabConfig weak =
        ConfigLoader.load(
            "compose",
            null,
            Map.of(
                "HEATLAB_STORAGE_SECRET_KEY", "change-me-minio-secret",
                "HEATLAB_CLICKHOUSE_PASSWORD", "short-pw",
                "HEATLAB_QUERY_CLICKHOUSE_USER", "heatlab_reader",
                "HEATLAB_API_READ_KEYS", "demo=change-me-demo-read-key",
                "HEATLAB_INGEST_DEDUP_REDIS_URL", "redis://redis:6379"));
    assertThat(weak.weakSecrets())
        .containsExactly(
            "storage.secret.key is still a placeholder",
            "clickhouse.password is shorter than 16 characters",
            "query.clickhouse.password is empty",
            "api.read.keys of 'demo' is still a placeholder",
            "ingest.dedup.redis.url's password is empty");
    assertThat(weak.weakIngestSecrets())
        .containsExactly("ingest.dedup.redis.url's password is empty");
    assertThat(String.join(" ", weak.weakSecrets())).doesNotContain("short-pw");
    String strong = "0123456789abcdef0123";
    HeatlabConfig fine =
        ConfigLoader.load(
            "compose",
            null,
            Map.of(
                "HEATLAB_STORAGE_SECRET_KEY",
                strong,
                "HEATLAB_CLICKHOUSE_PASSWORD",
                strong,
                "HEATLAB_API_READ_KEYS",
                "demo=" + strong,
                "HEATLAB_INGEST_DEDUP_REDIS_URL",
                "redis://:" + strong + "@redis:6379"));
    assertThat(fine.weakSecrets()).isEmpty();
    assertThat(ConfigLoader.load(null, null, Map.of()).weakSecrets())
        .as("the embedded profile's local defaults are not checked")
        .isEmpty();
  }

  @Test
  void aRoleUsesItsOwnCredentialsWhereSetAndTheSharedOnesOtherwise() {
    HeatlabConfig shared =
        ConfigLoader.load(null, null, Map.of("HEATLAB_STORAGE_SECRET_KEY", "shared-secret"));
    assertThat(
            shared.credentials(
                HeatlabConfig.LANDING_STORAGE_ACCESS_KEY,
                HeatlabConfig.LANDING_STORAGE_SECRET_KEY,
                HeatlabConfig.STORAGE_ACCESS_KEY,
                HeatlabConfig.STORAGE_SECRET_KEY))
        .isEqualTo(new HeatlabConfig.Credentials("heatlab", "shared-secret"));
    HeatlabConfig own =
        ConfigLoader.load(
            null,
            null,
            Map.of(
                "HEATLAB_LANDING_STORAGE_ACCESS_KEY", "heatlab-landing",
                "HEATLAB_LANDING_STORAGE_SECRET_KEY", "landing-secret"));
    HeatlabConfig.Credentials landing =
        own.credentials(
            HeatlabConfig.LANDING_STORAGE_ACCESS_KEY,
            HeatlabConfig.LANDING_STORAGE_SECRET_KEY,
            HeatlabConfig.STORAGE_ACCESS_KEY,
            HeatlabConfig.STORAGE_SECRET_KEY);
    assertThat(landing)
        .isEqualTo(new HeatlabConfig.Credentials("heatlab-landing", "landing-secret"));
    assertThat(landing.toString()).doesNotContain("landing-secret");
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

  @Test
  void anInstalledHeatlabKeepsItsDataUnderTheUsersDataDirectory() {
    assertThat(HeatlabConfig.installedDataHome(Map.of())).as("a checkout or an archive").isNull();
    withProperties(
        Map.of("heatlab.installed", "true", "heatlab.home", "/opt/heatlab"),
        () -> {
          assertThat(HeatlabConfig.installedDataHome(Map.of("XDG_DATA_HOME", "/srv/u/data")))
              .isEqualTo(Path.of("/srv/u/data/heatlab"));
          Path fallback = Path.of(System.getProperty("user.home"), ".local", "share", "heatlab");
          assertThat(HeatlabConfig.installedDataHome(Map.of())).isEqualTo(fallback);
          assertThat(HeatlabConfig.installedDataHome(Map.of("XDG_DATA_HOME", "relative/dir")))
              .as("XDG: a relative path is ignored")
              .isEqualTo(fallback);
          Path userData = HeatlabConfig.installedDataHome(System.getenv());
          assertThat(ConfigLoader.load(null, null, Map.of()).dataDir())
              .as("never the package's read-only directory")
              .isEqualTo(userData);
          assertThat(ConfigLoader.load(null, null, Map.of("HEATLAB_DATA_DIR", "second")).dataDir())
              .isEqualTo(userData.resolve("second"));
          assertThat(
                  ConfigLoader.load(null, null, Map.of("HEATLAB_DATA_DIR", "/var/lib/heatlab"))
                      .dataDir())
              .isEqualTo(Path.of("/var/lib/heatlab"));
        });
  }

  @Test
  void anInstalledHeatlabRunsTheServersAndSparkJobInsideItsDirectory(@TempDir Path home)
      throws Exception {
    Files.createDirectories(home.resolve("stack"));
    Files.createDirectories(home.resolve("spark/jars"));
    Files.writeString(home.resolve("stack/s3proxy.jar"), "");
    Files.writeString(home.resolve("spark/heatlab-rollup-job.jar"), "");
    String built = BuildArtifacts.path("rollup.job.jar");
    withProperties(
        Map.of("heatlab.home", home.toString()),
        () -> {
          assertThat(BuildArtifacts.path("s3proxy.jar"))
              .isEqualTo(home.resolve("stack/s3proxy.jar").toString());
          assertThat(BuildArtifacts.path("rollup.job.jar"))
              .isEqualTo(home.resolve("spark/heatlab-rollup-job.jar").toString());
          assertThat(BuildArtifacts.path("spark.home.classpath"))
              .isEqualTo(home.resolve("spark/jars").toString());
        });
    withProperties(
        Map.of("heatlab.home", home.resolve("elsewhere").toString()),
        () ->
            assertThat(BuildArtifacts.path("rollup.job.jar"))
                .as("a checkout: what the build recorded")
                .isEqualTo(built));
  }

  private static void withProperties(Map<String, String> properties, Runnable body) {
    Map<String, String> previous = new HashMap<>();
    properties.keySet().forEach(k -> previous.put(k, System.getProperty(k)));
    properties.forEach(System::setProperty);
    try {
      body.run();
    } finally {
      previous.forEach(
          (k, v) -> {
            if (v == null) {
              System.clearProperty(k);
            } else {
              System.setProperty(k, v);
            }
          });
    }
  }

  @Test
  void messagesNameTheCommandTheWayTheLauncherWasRun() {
    withProperties(
        Map.of("heatlab.command", ""),
        () -> assertThat(HeatlabCommand.name()).isEqualTo("./heatlab"));
    withProperties(
        Map.of("heatlab.command", "heatlab"),
        () -> assertThat(HeatlabCommand.name()).isEqualTo("heatlab"));
  }
}
