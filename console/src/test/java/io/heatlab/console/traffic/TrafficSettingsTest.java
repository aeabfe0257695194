package io.heatlab.console.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.assets.Screen;
import io.heatlab.assets.ScreenCatalog;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficSettingsTest {
  private final ScreenCatalog screens = ScreenCatalog.load();
  private final Set<String> all = Set.copyOf(screens.ids());

  @Test
  void buildsAPlanWithTheClientsWriteKeyAndBurst() {
    var plan =
        new TrafficSettings("demo", 10, 2000, "3x10s/60s", 2, Set.copyOf(screens.ids()))
            .plan("http://127.0.0.1:1", Optional.of("k"), screens.screens(), 1);
    assertThat(plan.writeKey()).isEqualTo("k");
    assertThat(plan.eventsPerSecond()).isEqualTo(2000);
    assertThat(plan.burst().every()).isEqualTo(Duration.ofSeconds(60));
    assertThat(plan.backfillHours()).isEqualTo(2.0);
    assertThat(plan.duration()).isNull();
    assertThat(plan.screens()).extracting(Screen::id).containsExactlyElementsOf(screens.ids());
  }

  @Test
  void sendsOnlyToTheChosenScreens() {
    String last = screens.ids().get(screens.ids().size() - 1);
    var plan =
        new TrafficSettings("demo", 10, 100, "", 0, Set.of(last, "no-such-screen"))
            .plan("u", Optional.of("k"), screens.screens(), 1);
    assertThat(plan.screens()).extracting(Screen::id).containsExactly(last);
    assertThatThrownBy(
            () ->
                new TrafficSettings("demo", 10, 100, "", 0, Set.of())
                    .plan("u", Optional.of("k"), screens.screens(), 1))
        .hasMessageContaining("pick at least one screen");
  }

  @Test
  void saysWhatToFix() {
    assertThatThrownBy(
            () ->
                new TrafficSettings("acme", 10, 100, "", 0, all)
                    .plan("u", Optional.empty(), screens.screens(), 1))
        .hasMessageContaining("no write key")
        .hasMessageContaining("HEATLAB_INGEST_WRITE_KEYS");
    assertThatThrownBy(
            () ->
                new TrafficSettings("demo", 10, 100, "3 times", 0, all)
                    .plan("u", Optional.of("k"), screens.screens(), 1))
        .hasMessageContaining("3x10s/60s");
    assertThatThrownBy(
            () ->
                new TrafficSettings("demo", 10, 0, "", 0, all)
                    .plan("u", Optional.of("k"), screens.screens(), 1))
        .hasMessageContaining("at least 1");
  }
}
