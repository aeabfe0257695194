package io.heatlab.console.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineStatusTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:30:00Z");
  private static final Duration STUCK = Duration.ofMinutes(2);
  private static final Duration FRESH = Duration.ofHours(2);

  @Test
  void consistentCountsWithLagAndRecentRollupsAreOk() {
    PipelineStatus s =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0, 900L, 1_000, 950, 50, 800, List.of(), Instant.parse("2026-11-25T12:00:00Z")),
            null,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(s.ok()).isTrue();
    assertThat(s.lag()).isEqualTo(50);
    assertThat(s.freshness()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void acceptedBatchesMissingFromKafkaTurnRed() {
    PipelineStatus s =
        PipelineStatus.judge(
            new PipelineStatus.Sample(T0, 1_001L, 1_000, 1_000, 0, 0, List.of(), null),
            null,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(s.problems())
        .singleElement()
        .asString()
        .contains("accepted 1,001 batches > in Kafka 1,000 records");
  }

  @Test
  void anHourCountingMoreThanItsRunReadMeansDoubleCounting() {
    PipelineStatus s =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0,
                null,
                1_000,
                1_000,
                0,
                1_200,
                List.of(new PipelineStatus.HourCheck("2026-11-25 10:00:00", 1_200, 1_000)),
                null),
            null,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(s.problems())
        .singleElement()
        .asString()
        .isEqualTo(
            "hour 2026-11-25 10:00:00 counts 1,200 events but its rollup read 1,000 rows: events are counted twice");
  }

  @Test
  void landingThatDoesNotMoveForTheStuckPeriodTurnsRed() {
    PipelineStatus first =
        PipelineStatus.judge(
            new PipelineStatus.Sample(T0, null, 1_000, 500, 500, 0, List.of(), null),
            null,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    PipelineStatus later =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0.plus(Duration.ofMinutes(1)), null, 1_200, 500, 700, 0, List.of(), null),
            first,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(later.ok()).isTrue();
    PipelineStatus stuck =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0.plus(Duration.ofMinutes(2)), null, 1_400, 500, 900, 0, List.of(), null),
            later,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(stuck.problems())
        .singleElement()
        .asString()
        .contains("landing stuck: 900 records behind");
    PipelineStatus moving =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0.plus(Duration.ofMinutes(3)), null, 1_400, 1_400, 0, 0, List.of(), null),
            stuck,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(moving.ok()).isTrue();
  }

  @Test
  void aCaughtUpConnectorBelowTheLogEndByTransactionMarkersIsNotStuck() {
    PipelineStatus first =
        PipelineStatus.judge(
            new PipelineStatus.Sample(T0, null, 1_004, 1_000, 0, 0, List.of(), null),
            null,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    PipelineStatus later =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0.plus(Duration.ofMinutes(5)), null, 1_004, 1_000, 0, 0, List.of(), null),
            first,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(later.ok()).isTrue();
  }

  @Test
  void staleRollupsPastTheThresholdTurnRed() {
    PipelineStatus s =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0, null, 10, 10, 0, 5, List.of(), T0.minus(Duration.ofHours(3))),
            null,
            new PipelineStatus.Thresholds(STUCK, FRESH));
    assertThat(s.problems())
        .singleElement()
        .asString()
        .startsWith("freshness 3 h 00 min is past the 2 h 00 min threshold");
  }

  @Test
  void humanDurations() {
    assertThat(PipelineStatus.human(Duration.ofSeconds(12))).isEqualTo("12 s");
    assertThat(PipelineStatus.human(Duration.ofSeconds(190))).isEqualTo("3 min 10 s");
    assertThat(PipelineStatus.human(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
  }

  @Test
  void freshnessStopsAtTheOldestHourNeverRolledUp() {
    Instant h9 = Instant.parse("2026-11-25T09:00:00Z");
    Instant h10 = Instant.parse("2026-11-25T10:00:00Z");
    Instant h11 = Instant.parse("2026-11-25T11:00:00Z");
    Map<Instant, Instant> runs = Map.of(h9, h10.plusSeconds(60), h11, T0.minusSeconds(600));
    // 10:00 landed but has no run; 9:00 was rolled up after its last write
    assertThat(
            PipelineStatus.freshThrough(
                T0, runs, Map.of(h9, h9.plusSeconds(3000), h10, h10.plusSeconds(60))))
        .isEqualTo(h10);
  }

  @Test
  void freshnessStopsAtAnHourThatReceivedObjectsSinceItsRollup() {
    Instant h11 = Instant.parse("2026-11-25T11:00:00Z");
    Instant h12 = Instant.parse("2026-11-25T12:00:00Z");
    Map<Instant, Instant> runs = Map.of(h11, h12.plusSeconds(300), h12, T0.minusSeconds(300));
    // 11:00 was rolled up after its last write; 12:00 is still being written after its run began
    Map<Instant, Instant> writes = Map.of(h11, h12.plusSeconds(10), h12, T0.minusSeconds(5));
    assertThat(PipelineStatus.freshThrough(T0, runs, writes)).isEqualTo(h12);
    // a late object for 11:00 after its run moves freshness back to 11:00
    Map<Instant, Instant> late = Map.of(h11, T0.minusSeconds(30), h12, T0.minusSeconds(5));
    assertThat(PipelineStatus.freshThrough(T0, runs, late)).isEqualTo(h11);
  }

  @Test
  void freshnessOfAllRolledUpHoursIsTheNewestHourEndButNeverAfterNow() {
    Instant h11 = Instant.parse("2026-11-25T11:00:00Z");
    Instant h12 = Instant.parse("2026-11-25T12:00:00Z");
    assertThat(
            PipelineStatus.freshThrough(
                T0, Map.of(h11, h12.plusSeconds(60)), Map.of(h11, h11.plusSeconds(5))))
        .isEqualTo(h12);
    assertThat(
            PipelineStatus.freshThrough(
                T0, Map.of(h12, T0.minusSeconds(60)), Map.of(h12, T0.minusSeconds(120))))
        .isEqualTo(T0);
    assertThat(PipelineStatus.freshThrough(T0, Map.of(), Map.of())).isNull();
  }
}
