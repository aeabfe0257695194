package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeatmapQueryTest {
  @Test
  void plansWeeksDaysAndEdgeHours() {
    // Sun 22 Nov 22:00 → Wed 2 Dec 03:00: two hours, the ISO week of Mon 23 Nov, Mon 30 Nov and Tue
    // 1 Dec, three hours
    List<HeatmapQuery.Window> plan =
        HeatmapQuery.plan(
            Instant.parse("2026-11-22T22:00:00Z"), Instant.parse("2026-12-02T03:00:00Z"));
    assertThat(plan)
        .extracting(HeatmapQuery.Window::granularity)
        .containsExactly(
            Granularity.HOURLY,
            Granularity.HOURLY,
            Granularity.WEEKLY,
            Granularity.DAILY,
            Granularity.DAILY,
            Granularity.HOURLY,
            Granularity.HOURLY,
            Granularity.HOURLY);
    assertThat(plan.get(2).start()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(plan.get(7).start()).isEqualTo(Instant.parse("2026-12-02T02:00:00Z"));
  }

  @Test
  void rejectsPartialHoursAndEmptyRanges() {
    assertThatThrownBy(
            () ->
                HeatmapQuery.plan(
                    Instant.parse("2026-11-22T22:30:00Z"), Instant.parse("2026-11-23T00:00:00Z")))
        .hasMessageContaining("whole hours");
    assertThatThrownBy(
            () ->
                HeatmapQuery.plan(
                    Instant.parse("2026-11-23T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z")))
        .hasMessageContaining("before");
  }
}
