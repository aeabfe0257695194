package io.heatlab.landing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** One event-time hour (UTC) of the landing layout: {@code dt=YYYY-MM-DD/hour=HH}. */
public record HourPartition(LocalDate dt, int hour) implements Comparable<HourPartition> {

  public static HourPartition of(long epochMillis) {
    ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
    return new HourPartition(t.toLocalDate(), t.getHour());
  }

  /** The hour's first instant. */
  public Instant start() {
    return dt.atStartOfDay(ZoneOffset.UTC).plusHours(hour).toInstant();
  }

  /** {@code dt=2026-11-23/hour=10}. */
  public String path() {
    return "dt=" + dt + "/hour=" + (hour < 10 ? "0" : "") + hour;
  }

  /** Parses {@code 2026-11-23T10} (as the CLI takes hours). */
  public static HourPartition parse(String isoHour) {
    String[] parts = isoHour.split("T");
    return new HourPartition(LocalDate.parse(parts[0]), Integer.parseInt(parts[1]));
  }

  @Override
  public String toString() {
    return dt + "T" + (hour < 10 ? "0" : "") + hour;
  }

  @Override
  public int compareTo(HourPartition o) {
    int c = dt.compareTo(o.dt);
    return c != 0 ? c : Integer.compare(hour, o.hour);
  }
}
