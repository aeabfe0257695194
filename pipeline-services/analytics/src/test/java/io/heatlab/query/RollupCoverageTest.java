package io.heatlab.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.ConfigLoader;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.olap.Retention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollupCoverageTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:30:00Z");

  /** The defaults: hours 30 days, days 400, weeks 1830. */
  private static final Retention RETENTION =
      Retention.of(ConfigLoader.load("embedded", null, Map.of()));

  private final RollupCoverage coverage =
      new RollupCoverage(
          null,
          null,
          RETENTION,
          Duration.ofSeconds(10),
          Duration.ofDays(400),
          Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void hoursPastTheHourlyRetentionAreExpiredAndMergedIntoOneRange() {
    Instant cutoff =
        Instant.parse("2026-11-06T10:00:00Z"); // 30 days before 10:30 → the window of 10:00
    List<HeatmapQuery.Window> plan =
        HeatmapQuery.plan(cutoff.minus(Duration.ofHours(3)), cutoff.plus(Duration.ofHours(2)));

    assertThat(coverage.expired(plan))
        .containsExactly(
            new RollupCoverage.Expired(
                Granularity.HOURLY, cutoff.minus(Duration.ofHours(3)), cutoff));
  }

  @Test
  void aRangeWithinEveryRetentionHasNothingExpired() {
    Instant from = Instant.parse("2026-12-01T00:00:00Z");
    assertThat(coverage.expired(HeatmapQuery.plan(from, from.plus(Duration.ofDays(3))))).isEmpty();
  }

  @Test
  void dailyWindowsAreKeptLongerThanHoursSoAnOldRangeReadFromDaysIsNotExpired() {
    Instant from =
        Instant.parse("2026-10-01T00:00:00Z"); // a Thursday, 66 days ago: hours expired, days kept
    List<HeatmapQuery.Window> plan =
        HeatmapQuery.plan(
            from.minus(Duration.ofHours(2)),
            from.plus(Duration.ofDays(2)),
            w -> w.granularity() == Granularity.DAILY);

    assertThat(coverage.expired(plan))
        .containsExactly(
            new RollupCoverage.Expired(Granularity.HOURLY, from.minus(Duration.ofHours(2)), from));
  }
}
