package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.ConfigLoader;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionTest {
  /** The defaults: hours 30 days, days 400, weeks 1830. */
  private static final Retention RETENTION =
      Retention.of(ConfigLoader.load("embedded", null, Map.of()));

  @Test
  void theCutoffIsTheWindowHoldingNowMinusTheRetention() {
    Instant now = Instant.parse("2026-12-06T10:30:00Z");
    assertThat(RETENTION.cutoff(Granularity.HOURLY, now))
        .isEqualTo(Instant.parse("2026-11-06T10:00:00Z"));
    assertThat(RETENTION.cutoff(Granularity.DAILY, now))
        .isEqualTo(Instant.parse("2025-11-01T00:00:00Z"));
    assertThat(RETENTION.expired(Granularity.HOURLY, Instant.parse("2026-11-06T09:00:00Z"), now))
        .isTrue();
    assertThat(RETENTION.expired(Granularity.HOURLY, Instant.parse("2026-11-06T10:00:00Z"), now))
        .isFalse();
  }
}
