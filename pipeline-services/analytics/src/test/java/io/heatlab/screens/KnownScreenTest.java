package io.heatlab.screens;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.contract.ViewportClass;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnownScreenTest {
  private static final Instant SEEN = Instant.parse("2026-12-06T10:00:00Z");
  private static final ScreenRegistry.Shot SHOT =
      new ScreenRegistry.Shot(1440, 2400, 10, "png", "2026-12-06T09:00:00Z", "upload");

  @Test
  void everyScreenWithTrafficOrRegisteredOnceSortedByClientThenScreen() {
    List<KnownScreen> screens =
        KnownScreen.join(
            List.of(
                new ScreenTraffic.Row("beta", "home", 5, SEEN),
                new ScreenTraffic.Row("acme", "pricing", 7, SEEN)),
            List.of(
                new ScreenRegistry.Screen(
                    "acme", "pricing", "https://acme.com/p", Map.of("desktop", SHOT)),
                new ScreenRegistry.Screen("acme", "docs", null, Map.of())));

    assertThat(screens)
        .extracting(s -> s.client() + "/" + s.screen())
        .containsExactly("acme/docs", "acme/pricing", "beta/home");
    KnownScreen pricing = screens.get(1);
    assertThat(pricing.events()).isEqualTo(7);
    assertThat(pricing.lastSeen()).contains(SEEN);
    assertThat(pricing.url()).contains("https://acme.com/p");
    assertThat(pricing.shot(ViewportClass.DESKTOP)).contains(SHOT);
    assertThat(pricing.shot(ViewportClass.MOBILE)).isEmpty();
    KnownScreen docs = screens.get(0);
    assertThat(docs.events()).isZero();
    assertThat(docs.lastSeen()).isEmpty();
    assertThat(docs.url()).isEmpty();
    KnownScreen home = screens.get(2);
    assertThat(home.registered()).isNull();
    assertThat(home.shots()).isEmpty();
    assertThat(home.shot(ViewportClass.DESKTOP)).isEmpty();
  }

  @Test
  void aClientWhoseIdStartsAnotherSortsFirst() {
    assertThat(
            KnownScreen.join(
                List.of(
                    new ScreenTraffic.Row("a.b", "home", 1, SEEN),
                    new ScreenTraffic.Row("a", "x", 1, SEEN)),
                List.of()))
        .extracting(KnownScreen::client)
        .containsExactly("a", "a.b");
  }
}
