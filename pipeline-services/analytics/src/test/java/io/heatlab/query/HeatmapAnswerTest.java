package io.heatlab.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.contract.ViewportClass;
import io.heatlab.olap.Granularity;
import io.heatlab.render.HeatmapGrid;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeatmapAnswerTest {
  private static final Instant FROM = Instant.parse("2026-12-06T10:00:00Z");
  private static final Instant TO = Instant.parse("2026-12-06T12:00:00Z");

  private static HeatmapService.Request request(ViewportClass viewport) {
    return new HeatmapService.Request("acme", "pricing", List.of("move"), viewport, FROM, TO);
  }

  @Test
  void anEmptyAnswerNamesTheViewportClassesThatHaveEvents() {
    HeatmapService.Answer empty =
        new HeatmapService.Answer(
            request(ViewportClass.DESKTOP),
            HeatmapGrid.empty(HeatmapGrid.SIZE, HeatmapGrid.SIZE),
            List.of(),
            List.of(),
            Map.of(Granularity.HOURLY, 2),
            Map.of(ViewportClass.UNKNOWN, 12_345L));
    assertThat(empty.gaps())
        .isEqualTo("no desktop events; other viewport classes have some: unknown 12,345");
    assertThat(HeatmapHandler.body(empty).get("other_viewports"))
        .isEqualTo(Map.of("unknown", 12_345L));
    assertThat(HeatmapHandler.body(empty).get("viewport")).isEqualTo("desktop");
  }

  @Test
  void aRequestIsOfOneViewportClass() {
    assertThat(request(ViewportClass.MOBILE).wholeHours().viewport())
        .isEqualTo(ViewportClass.MOBILE);
    assertThatThrownBy(() -> request(null))
        .hasMessage("viewport: name a viewport class (desktop, tablet, mobile, unknown)");
  }
}
