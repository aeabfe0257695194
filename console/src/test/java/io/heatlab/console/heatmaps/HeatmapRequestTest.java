package io.heatlab.console.heatmaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.contract.ViewportClass;
import io.heatlab.olap.Granularity;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.render.HeatmapRenderer;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeatmapRequestTest {

  private static HeatmapRequest request(
      boolean moves, boolean clicks, String from, String to, String compareFrom) {
    return new HeatmapRequest(
        "demo",
        "pricing",
        moves,
        clicks,
        ViewportClass.DESKTOP,
        from,
        to,
        2.5,
        HeatmapRenderer.Scale.LINEAR,
        0.75,
        compareFrom,
        "",
        null);
  }

  @Test
  void hoursAreInclusiveAndTypesMapToTheApi() {
    var r = request(true, false, "2026-11-25T10", "2026-11-25T12", null).a();
    assertThat(r.from()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(r.to()).isEqualTo(Instant.parse("2026-11-25T13:00:00Z"));
    assertThat(r.types()).containsExactly("move");
  }

  @Test
  void compareWithOneHourOfB() {
    HeatmapRequest r = request(true, true, "2026-11-25T10", "2026-11-25T12", "2026-11-18T10");
    assertThat(r.comparing()).isTrue();
    assertThat(r.b().to()).isEqualTo(Instant.parse("2026-11-18T11:00:00Z"));
  }

  @Test
  void compareByTypeOverTheSameHours() {
    HeatmapRequest moves = request(true, false, "2026-11-25T10", "2026-11-25T12", null);
    HeatmapRequest r =
        new HeatmapRequest(
            moves.client(),
            moves.screen(),
            true,
            false,
            moves.viewport(),
            moves.from(),
            moves.to(),
            2.5,
            HeatmapRenderer.Scale.LINEAR,
            0.75,
            null,
            "",
            "click");
    assertThat(r.comparing()).isTrue();
    assertThat(r.a().types()).containsExactly("move");
    assertThat(r.b().types()).containsExactly("click");
    assertThat(r.b().from()).isEqualTo(r.a().from());
    assertThat(r.b().to()).isEqualTo(r.a().to());
    assertThat(r.bLabel()).isEqualTo("click events");
    assertThatThrownBy(
            () ->
                new HeatmapRequest(
                        "demo",
                        "pricing",
                        true,
                        false,
                        ViewportClass.DESKTOP,
                        "2026-11-25T10",
                        "2026-11-25T10",
                        2.5,
                        HeatmapRenderer.Scale.LINEAR,
                        0.75,
                        null,
                        "",
                        "scroll")
                    .b())
        .hasMessageContaining("compare with move or click events, not scroll");
  }

  @Test
  void rejectsNoTypeAndBadHoursWithTheFix() {
    assertThatThrownBy(() -> request(false, false, "2026-11-25T10", "2026-11-25T10", null).a())
        .hasMessageContaining("tick at least one event type");
    assertThatThrownBy(() -> request(true, true, "yesterday", "2026-11-25T10", null).a())
        .hasMessageContaining("e.g. 2026-11-23T10");
    assertThatThrownBy(() -> request(true, true, "2026-11-25T12", "2026-11-25T10", null).a())
        .hasMessageContaining("from must be before to");
  }

  @Test
  void cellUnderThePointerScalesWithTheShownImage() {
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    assertThat(HeatmapRequest.cellAt(grid, 0, 0, 640, 400)).containsExactly(0, 0);
    assertThat(HeatmapRequest.cellAt(grid, 639.9, 399.9, 640, 400)).containsExactly(99, 99);
    assertThat(HeatmapRequest.cellAt(grid, 320, 100, 640, 400)).containsExactly(50, 25);
    assertThat(HeatmapRequest.cellAt(grid, 640, 10, 640, 400)).isNull();
  }

  @Test
  void coverageMarksTheMissingHours() {
    Instant from = Instant.parse("2026-11-25T10:00:00Z");
    var hours =
        HeatmapRequest.coverage(from, from.plusSeconds(3 * 3600), Set.of(from.plusSeconds(3600)));
    assertThat(hours)
        .extracting(HeatmapRequest.CoverageHour::rolledUp)
        .containsExactly(true, false, true);
  }

  @Test
  void theWindowsReadAreNamedCoarsestFirst() {
    assertThat(HeatmapRequest.describeWindows(Map.of(Granularity.HOURLY, 24)))
        .isEqualTo("24 hourly windows");
    assertThat(
            HeatmapRequest.describeWindows(
                Map.of(Granularity.HOURLY, 5, Granularity.WEEKLY, 1, Granularity.DAILY, 3)))
        .isEqualTo("1 weekly, 3 daily and 5 hourly windows");
    assertThat(HeatmapRequest.describeWindows(Map.of(Granularity.DAILY, 1)))
        .isEqualTo("1 daily window");
    assertThat(HeatmapRequest.describeWindows(Map.of())).isEqualTo("no window");
  }
}
