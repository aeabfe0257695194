package io.heatlab.olap;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * The rollup granularities, their tables and windows: an hour, a UTC day, an ISO week (Monday 00:00 UTC).
 * Each window is one partition of its table (see db/clickhouse/V0001__heatmap_tables.sql).
 */
public enum Granularity {
  HOURLY("heatmap_hourly"), DAILY("heatmap_daily"), WEEKLY("heatmap_weekly");

  private static final DateTimeFormatter CLICKHOUSE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private final String table;

  Granularity(String table) {
    this.table = table;
  }

  public String table() {
    return table;
  }

  /** The table a window is built in before it replaces the live one. */
  public String staging() {
    return table + "_staging";
  }

  /** The start of the window holding {@code t}. */
  public Instant windowOf(Instant t) {
    LocalDateTime utc = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    return switch (this) {
      case HOURLY -> utc.truncatedTo(ChronoUnit.HOURS).toInstant(ZoneOffset.UTC);
      case DAILY -> utc.truncatedTo(ChronoUnit.DAYS).toInstant(ZoneOffset.UTC);
      case WEEKLY -> utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
          .toInstant(ZoneOffset.UTC);
    };
  }

  /** The partition value of a window: YYYYMMDDHH for hours, YYYYMMDD (the Monday's, for weeks) otherwise. */
  public long partition(Instant windowStart) {
    if (!windowOf(windowStart).equals(windowStart)) {
      throw new IllegalArgumentException(windowStart + " is not the start of a " + name().toLowerCase() + " window");
    }
    LocalDateTime t = LocalDateTime.ofInstant(windowStart, ZoneOffset.UTC);
    long day = t.getYear() * 10_000L + t.getMonthValue() * 100L + t.getDayOfMonth();
    return this == HOURLY ? day * 100 + t.getHour() : day;
  }

  /** A DateTime literal ClickHouse parses in a UTC column: {@code 2026-11-23 10:00:00}. */
  public static String dateTime(Instant t) {
    return CLICKHOUSE.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
  }
}
