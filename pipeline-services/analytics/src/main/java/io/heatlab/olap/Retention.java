package io.heatlab.olap;

import io.heatlab.config.HeatlabConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * How long ClickHouse keeps each granularity's windows ({@code retention.<g>.days}): the scheduler
 * drops older partitions, the heatmap coverage reports windows before the cutoff as expired, and
 * the start-up self-check leaves them alone. A window is kept while its start is at or after {@link
 * #cutoff}'s window.
 */
public record Retention(Map<Granularity, Duration> kept) {
  public Retention {
    kept = Map.copyOf(kept);
  }

  public static Retention of(HeatlabConfig c) {
    Map<Granularity, Duration> kept = new EnumMap<>(Granularity.class);
    kept.put(Granularity.HOURLY, Duration.ofDays(c.getInt(HeatlabConfig.RETENTION_HOURLY_DAYS)));
    kept.put(Granularity.DAILY, Duration.ofDays(c.getInt(HeatlabConfig.RETENTION_DAILY_DAYS)));
    kept.put(Granularity.WEEKLY, Duration.ofDays(c.getInt(HeatlabConfig.RETENTION_WEEKLY_DAYS)));
    return new Retention(kept);
  }

  /**
   * The first window of {@code g} that is kept at {@code now}: every window starting before it is
   * dropped.
   */
  public Instant cutoff(Granularity g, Instant now) {
    return g.windowOf(now.minus(kept.get(g)));
  }

  /** Whether window {@code start} of {@code g} is past its retention at {@code now}. */
  public boolean expired(Granularity g, Instant start, Instant now) {
    return start.isBefore(cutoff(g, now));
  }
}
