package io.heatlab.olap;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rollup granularities, their tables and windows: an hour, a UTC day, an ISO week (Monday 00:00
 * UTC). Each window is one partition of its table (see db/clickhouse/V0001__heatmap_tables.sql).
 */
public enum Granularity {
  HOURLY("heatmap_hourly"),
  DAILY("heatmap_daily"),
  WEEKLY("heatmap_weekly");

  private static final DateTimeFormatter CLICKHOUSE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
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
      case WEEKLY ->
          utc.truncatedTo(ChronoUnit.DAYS)
              .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
              .toInstant(ZoneOffset.UTC);
    };
  }

  /**
   * The partition value of a window: YYYYMMDDHH for hours, YYYYMMDD (the Monday's, for weeks)
   * otherwise.
   */
  public long partition(Instant windowStart) {
    if (!windowOf(windowStart).equals(windowStart)) {
      throw new IllegalArgumentException(
          windowStart + " is not the start of a " + name().toLowerCase() + " window");
    }
    LocalDateTime t = LocalDateTime.ofInstant(windowStart, ZoneOffset.UTC);
    long day = t.getYear() * 10_000L + t.getMonthValue() * 100L + t.getDayOfMonth();
    return this == HOURLY ? day * 100 + t.getHour() : day;
  }

  /**
   * The window whose {@link #partition} is {@code partition} (the inverse of {@link #partition}).
   */
  public Instant windowOfPartition(long partition) {
    long day = this == HOURLY ? partition / 100 : partition;
    int hour = this == HOURLY ? (int) (partition % 100) : 0;
    Instant start =
        LocalDate.of((int) (day / 10_000), (int) (day / 100 % 100), (int) (day % 100))
            .atTime(hour, 0)
            .toInstant(ZoneOffset.UTC);
    if (partition(start) != partition) {
      throw new IllegalArgumentException(
          partition + " is not a " + name().toLowerCase() + " partition");
    }
    return start;
  }

  /** The first instant after the window that starts at {@code windowStart}. */
  public Instant end(Instant windowStart) {
    return switch (this) {
      case HOURLY -> windowStart.plus(1, ChronoUnit.HOURS);
      case DAILY -> windowStart.plus(1, ChronoUnit.DAYS);
      case WEEKLY -> windowStart.plus(7, ChronoUnit.DAYS);
    };
  }

  /**
   * The granularity a window of this one is summed from (hourly: none, it is read from raw events).
   */
  public Optional<Granularity> finer() {
    return switch (this) {
      case HOURLY -> Optional.empty();
      case DAILY -> Optional.of(HOURLY);
      case WEEKLY -> Optional.of(DAILY);
    };
  }

  /** The windows of {@code g} that touch {@code [from, to)}, oldest first. */
  public List<Instant> windows(Instant from, Instant to) {
    List<Instant> windows = new ArrayList<>();
    for (Instant w = windowOf(from); w.isBefore(to); w = end(w)) {
      windows.add(w);
    }
    return windows;
  }

  /**
   * The name of a window as a user writes it: {@code 2026-11-23T10}, {@code 2026-11-23}, {@code
   * 2026-W48}.
   */
  public String label(Instant windowStart) {
    LocalDateTime t = LocalDateTime.ofInstant(windowStart, ZoneOffset.UTC);
    return switch (this) {
      case HOURLY -> t.toLocalDate() + "T" + String.format("%02d", t.getHour());
      case DAILY -> t.toLocalDate().toString();
      case WEEKLY ->
          String.format(
              "%d-W%02d",
              t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    };
  }

  /** Parses a {@link #label}; throws IllegalArgumentException with the expected form. */
  public Instant parse(String label) {
    try {
      return switch (this) {
        case HOURLY -> {
          String[] p = label.split("T");
          if (p.length != 2 || p[1].length() != 2) {
            throw new IllegalArgumentException();
          }
          yield LocalDate.parse(p[0]).atTime(Integer.parseInt(p[1]), 0).toInstant(ZoneOffset.UTC);
        }
        case DAILY -> LocalDate.parse(label).atStartOfDay().toInstant(ZoneOffset.UTC);
        case WEEKLY -> {
          Matcher m = Pattern.compile("(\\d{4})-W(\\d{2})").matcher(label);
          if (!m.matches()) {
            throw new IllegalArgumentException();
          }
          LocalDate monday =
              LocalDate.of(Integer.parseInt(m.group(1)), 1, 4)
                  .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, Long.parseLong(m.group(2)))
                  .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
          yield monday.atStartOfDay().toInstant(ZoneOffset.UTC);
        }
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + label + "' is not " + example(), e);
    }
  }

  private String example() {
    return switch (this) {
      case HOURLY -> "an hour (UTC), e.g. 2026-11-23T10";
      case DAILY -> "a day (UTC), e.g. 2026-11-23";
      case WEEKLY -> "an ISO week, e.g. 2026-W48";
    };
  }

  /** A DateTime literal ClickHouse parses in a UTC column: {@code 2026-11-23 10:00:00}. */
  public static String dateTime(Instant t) {
    return CLICKHOUSE.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
  }
}
