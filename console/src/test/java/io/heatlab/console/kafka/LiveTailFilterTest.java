package io.heatlab.console.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.contract.LandedEvent;
import org.junit.jupiter.api.Test;

class LiveTailFilterTest {
  private static LandedEvent event(String client, String screen, String type) {
    return new LandedEvent(
        client,
        screen,
        "s-1",
        "b-1",
        type,
        1_764_000_000_000L,
        0.5,
        0.5,
        1440,
        900,
        1_764_000_000_100L);
  }

  @Test
  void anyMatchesEverything() {
    assertThat(LiveTail.Filter.ANY.matches(event("acme", "pricing", "move"))).isTrue();
  }

  @Test
  void clientAndScreenMatchBySubstringAndTypeByTheContractsName() {
    LiveTail.Filter clicksOnPricing = new LiveTail.Filter(" acm ", "pric", "click");
    assertThat(clicksOnPricing.matches(event("acme-web", "pricing", "click"))).isTrue();
    assertThat(clicksOnPricing.matches(event("acme-web", "pricing", "move"))).isFalse();
    assertThat(clicksOnPricing.matches(event("other", "pricing", "click"))).isFalse();
    assertThat(clicksOnPricing.matches(event("acme-web", "checkout", "click"))).isFalse();
  }
}
