package io.heatlab.console.storage;

import io.heatlab.landing.HourPartition;
import java.time.Instant;

/**
 * A node of the storage tree: bucket → format → day → hour → object. Hours carry their summary from
 * the listing (objects, bytes, newest object) and whether they received objects after their last
 * successful hourly rollup ({@link Rollup}).
 */
public record StorageNode(
    Kind kind,
    String label,
    String prefix,
    String format,
    HourPartition hour,
    long objects,
    long bytes,
    Instant lastModified,
    Rollup rollup) {

  public enum Kind {
    BUCKET,
    FORMAT,
    DAY,
    HOUR,
    OBJECT
  }

  /** An hour's state against its hourly rollups. */
  public enum Rollup {
    NONE,
    ROLLED_UP,
    NOT_ROLLED_UP,
    CHANGED_SINCE;

    public String describe() {
      return switch (this) {
        case NONE -> "";
        case ROLLED_UP -> "rolled up";
        case NOT_ROLLED_UP -> "not rolled up";
        case CHANGED_SINCE -> "new objects since its rollup";
      };
    }

    /** Whether the hour needs a (re)run. */
    public boolean stale() {
      return this == NOT_ROLLED_UP || this == CHANGED_SINCE;
    }
  }

  /**
   * The rule for an hour: never rolled up → NOT_ROLLED_UP; an object modified at or after its last
   * successful run started (late data) → CHANGED_SINCE; else ROLLED_UP.
   */
  public static Rollup judge(Instant newestObject, Instant lastSuccessfulRunStarted) {
    if (lastSuccessfulRunStarted == null) {
      return Rollup.NOT_ROLLED_UP;
    }
    return newestObject != null && !newestObject.isBefore(lastSuccessfulRunStarted)
        ? Rollup.CHANGED_SINCE
        : Rollup.ROLLED_UP;
  }

  static StorageNode dir(Kind kind, String label, String prefix, String format) {
    return new StorageNode(kind, label, prefix, format, null, 0, 0, null, Rollup.NONE);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case HOUR ->
          String.format(
              "%s   %,d objects · %s%s",
              label, objects, bytes(bytes), rollup.stale() ? " · ⚠ " + rollup.describe() : "");
      case OBJECT -> String.format("%s   %s", label, bytes(bytes));
      default -> label;
    };
  }

  public static String bytes(long n) {
    if (n >= 1L << 30) {
      return String.format("%.1f GiB", n / (double) (1L << 30));
    }
    if (n >= 1L << 20) {
      return String.format("%.1f MiB", n / (double) (1L << 20));
    }
    if (n >= 1024) {
      return String.format("%.1f KiB", n / 1024.0);
    }
    return n + " B";
  }
}
