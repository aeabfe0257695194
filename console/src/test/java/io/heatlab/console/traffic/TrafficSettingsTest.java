package io.heatlab.console.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.assets.ScreenCatalog;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrafficSettingsTest {
  private final ScreenCatalog screens = ScreenCatalog.load();

  @Test
  void buildsAPlanWithTheClientsWriteKeyAndBurst() {
    var plan = new TrafficSettings("demo", 10, 2000, "3x10s/60s", 2).plan("http://127.0.0.1:1", Optional.of("k"), screens.screens(), 1);
    assertThat(plan.writeKey()).isEqualTo("k");
    assertThat(plan.eventsPerSecond()).isEqualTo(2000);
    assertThat(plan.burst().every()).isEqualTo(Duration.ofSeconds(60));
    assertThat(plan.backfillHours()).isEqualTo(2.0);
    assertThat(plan.duration()).isNull();
  }

  @Test
  void saysWhatToFix() {
    assertThatThrownBy(() -> new TrafficSettings("acme", 10, 100, "", 0).plan("u", Optional.empty(), screens.screens(), 1))
        .hasMessageContaining("no write key").hasMessageContaining("HEATLAB_INGEST_WRITE_KEYS");
    assertThatThrownBy(() -> new TrafficSettings("demo", 10, 100, "3 times", 0).plan("u", Optional.of("k"), screens.screens(), 1))
        .hasMessageContaining("3x10s/60s");
    assertThatThrownBy(() -> new TrafficSettings("demo", 10, 0, "", 0).plan("u", Optional.of("k"), screens.screens(), 1))
        .hasMessageContaining("at least 1");
  }
}
