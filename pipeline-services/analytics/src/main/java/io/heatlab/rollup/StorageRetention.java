package io.heatlab.rollup;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.Retention;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What object storage keeps, so it does not grow for ever ({@code retention.raw.days}, {@code
 * retention.aggregates.days}; the embedded profile — in compose MinIO's lifecycle rules do the
 * same, compose/minio/init.sh). One {@link #apply} deletes, in order:
 *
 * <ol>
 *   <li><b>raw events</b> of whole event-time hours that start before the raw cutoff (the hour of
 *       now minus {@code raw}), found a directory level at a time: each format's {@code dt=}
 *       directories, and the {@code hour=} directories of the cutoff's day only;
 *   <li><b>landing manifests</b> of the writing hours ({@code _landing/manifests/written=<hour>/},
 *       {@link LandingLayout}) that ended at least an hour before the raw cutoff: a manifest names
 *       objects of event hours up to its writing time plus the clock skew ingestion accepts, so
 *       these name deleted hours only (and the rollup scheduler reads the last 8 days of them);
 *   <li><b>aggregates</b> ({@link Aggregates}) of the windows whose whole ISO week ended by both
 *       the aggregates cutoff (now minus {@code aggregates}) and their granularity's ClickHouse
 *       retention cutoff: the published run's window and then its {@code current} pointer, and the
 *       directories of runs that started in such a week.
 * </ol>
 *
 * Never deleted: {@code _landing/state/} (the connector's exactly-once state), a key it cannot
 * parse, and the aggregate or pointer of a window still within its ClickHouse retention (the
 * start-up self-check compares those windows with their pointers and repairs them from the
 * aggregates). Whole weeks go together, so a coarser window is never rolled up again from a part of
 * its finer windows: either all of them are there or none (and a run that finds none leaves the
 * window as it is). Idempotent: what it deleted is gone, so a second apply deletes nothing.
 */
public final class StorageRetention {
  private static final Logger LOG = LoggerFactory.getLogger(StorageRetention.class);

  /**
   * Manifests of a writing hour are kept until this long after the hour ended, past the raw cutoff.
   */
  private static final Duration MANIFEST_MARGIN = Duration.ofHours(1);

  private static final Pattern DAY = Pattern.compile(".*/dt=(\\d{4}-\\d{2}-\\d{2})/");
  private static final Pattern WRITTEN =
      Pattern.compile(
          Pattern.quote(LandingLayout.MANIFEST_PREFIX)
              + "written=(\\d{4}-\\d{2}-\\d{2})T(\\d{2})/");
  private static final Pattern POINTER = Pattern.compile("window=(\\d+)\\.json");
  private static final Pattern RUN = Pattern.compile("run=(\\d{8}T\\d{6})-[^/]+/");
  private static final Pattern WINDOW = Pattern.compile(".*/window=(\\d+)/[^/]+");
  private static final DateTimeFormatter RUN_STARTED =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  /** How long storage keeps raw events (and landing manifests) and rollup aggregates. */
  public record Kept(Duration raw, Duration aggregates) {
    /**
     * The settings of the embedded profile; empty otherwise, where the storage's own lifecycle
     * rules expire objects (compose: MinIO, compose/minio/init.sh) and heatlab's key may not delete
     * them.
     */
    public static Optional<Kept> of(HeatlabConfig c) {
      return c.embedded()
          ? Optional.of(
              new Kept(
                  Duration.ofDays(c.getInt(HeatlabConfig.RETENTION_RAW_DAYS)),
                  Duration.ofDays(c.getInt(HeatlabConfig.RETENTION_AGGREGATES_DAYS))))
          : Optional.empty();
    }
  }

  /**
   * What one {@link #apply} deleted: objects per kind, and the oldest event-time hour that still
   * holds raw events (empty when none does).
   */
  public record Summary(
      int rawObjects, int manifests, int aggregates, Optional<HourPartition> oldestHourKept) {
    public static final Summary NOTHING = new Summary(0, 0, 0, Optional.empty());

    public int deleted() {
      return rawObjects + manifests + aggregates;
    }

    /** One line for a log or a terminal. */
    public String line() {
      return String.format(
          "deleted %d raw object(s), %d landing manifest(s), %d aggregate object(s);"
              + " oldest hour kept %s",
          rawObjects,
          manifests,
          aggregates,
          oldestHourKept.map(HourPartition::toString).orElse("none"));
    }
  }

  private final ObjectStore store;
  private final LandingLayout layout;
  private final Aggregates aggregates;
  private final String aggregatesPrefix;
  private final Kept kept;
  private final Retention clickhouse;

  /**
   * Retention of the raw events under {@code layout} and the aggregates under {@code
   * aggregatesPrefix}; {@code clickhouse} names the windows whose aggregates are always kept.
   */
  public StorageRetention(
      ObjectStore store,
      LandingLayout layout,
      String aggregatesPrefix,
      Kept kept,
      Retention clickhouse) {
    this.store = store;
    this.layout = layout;
    this.aggregates = new Aggregates(store, aggregatesPrefix);
    this.aggregatesPrefix =
        aggregatesPrefix.endsWith("/")
            ? aggregatesPrefix.substring(0, aggregatesPrefix.length() - 1)
            : aggregatesPrefix;
    this.kept = kept;
    this.clickhouse = clickhouse;
  }

  public Kept kept() {
    return kept;
  }

  /**
   * Deletes what is past retention at {@code now}; see the class comment for what and in which
   * order.
   */
  public Summary apply(Instant now) throws IOException {
    HourPartition rawCutoff = HourPartition.of(now.minus(kept.raw()).toEpochMilli());
    int raw = 0;
    Optional<HourPartition> oldest = Optional.empty();
    for (String format : ObjectFormat.NAMES) {
      RawSweep sweep = deleteRawBefore(format, rawCutoff);
      raw += sweep.deleted();
      Optional<HourPartition> first = sweep.oldestKept();
      if (first.isPresent() && (oldest.isEmpty() || first.get().compareTo(oldest.get()) < 0)) {
        oldest = first;
      }
    }
    int manifests = deleteManifestsBefore(rawCutoff.start().minus(MANIFEST_MARGIN));
    Instant aggregatesCutoff = now.minus(kept.aggregates());
    int aggregateObjects = 0;
    for (Granularity g : Granularity.values()) {
      Instant clickhouseCutoff = clickhouse.cutoff(g, now);
      Instant keepFrom =
          aggregatesCutoff.isBefore(clickhouseCutoff) ? aggregatesCutoff : clickhouseCutoff;
      aggregateObjects += deleteAggregatesBefore(g, keepFrom);
    }
    return new Summary(raw, manifests, aggregateObjects, oldest);
  }

  /** The raw objects of one format deleted, and the oldest hour of it left. */
  private record RawSweep(int deleted, Optional<HourPartition> oldestKept) {}

  /**
   * Deletes the hours of {@code format} before {@code cutoff}: whole days before the cutoff's, then
   * that day's hours before it. Stops at the first hour kept (listings come in order).
   */
  private RawSweep deleteRawBefore(String format, HourPartition cutoff) throws IOException {
    int deleted = 0;
    for (String day : store.children(layout.formatPrefix(format))) {
      Matcher m = DAY.matcher(day);
      Optional<LocalDate> dt = m.matches() ? date(m.group(1)) : Optional.empty();
      if (dt.isEmpty()) {
        continue;
      }
      if (dt.get().isBefore(cutoff.dt())) {
        deleted += deleteAll(day);
        continue;
      }
      for (String hourPrefix : store.children(day)) {
        Optional<HourPartition> hour = LandingLayout.parseHourPrefix(hourPrefix);
        if (hour.isPresent() && hour.get().compareTo(cutoff) >= 0) {
          return new RawSweep(deleted, hour);
        }
        if (hour.isPresent()) {
          deleted += deleteAll(hourPrefix);
        }
      }
    }
    return new RawSweep(deleted, Optional.empty());
  }

  /** Deletes the manifests of the writing hours that ended at or before {@code end}. */
  private int deleteManifestsBefore(Instant end) throws IOException {
    int deleted = 0;
    for (String writingHour : store.children(LandingLayout.MANIFEST_PREFIX)) {
      Matcher m = WRITTEN.matcher(writingHour);
      Optional<LocalDate> dt = m.matches() ? date(m.group(1)) : Optional.empty();
      if (dt.isEmpty()) {
        continue;
      }
      HourPartition written = new HourPartition(dt.get(), Integer.parseInt(m.group(2)));
      if (!written.start().plus(Duration.ofHours(1)).isAfter(end)) {
        deleted += deleteAll(writingHour);
      }
    }
    return deleted;
  }

  /**
   * Deletes the aggregates of {@code g} whose ISO week ended at or before {@code keepFrom}: each
   * such published window (the run's window, then the pointer), then the runs started in such a
   * week (objects of a window kept, and the run's own files with them, stay).
   */
  private int deleteAggregatesBefore(Granularity g, Instant keepFrom) throws IOException {
    int deleted = 0;
    String dir = aggregatesPrefix + "/" + g.name().toLowerCase() + "/"; // Aggregates' layout
    String current = dir + "current/";
    for (ObjectStore.Entry e : store.list(current)) {
      Matcher m = POINTER.matcher(e.key().substring(current.length()));
      Optional<Instant> window = m.matches() ? window(g, m.group(1)) : Optional.empty();
      if (window.isEmpty() || !weekEndedBy(window.get(), keepFrom)) {
        continue;
      }
      Optional<Aggregates.Pointer> pointer;
      try {
        pointer = aggregates.current(g, window.get());
      } catch (IOException ex) {
        LOG.warn("storage retention: kept the unreadable pointer {}: {}", e.key(), ex.toString());
        continue;
      }
      if (pointer.isPresent()) {
        deleted += deleteAll(aggregates.windowPrefix(g, pointer.get().runId(), window.get()));
      }
      if (delete(e.key())) {
        deleted++;
      }
    }
    for (String run : store.children(dir)) {
      Optional<Instant> started = runStarted(run.substring(dir.length()));
      if (started.isPresent() && weekEndedBy(started.get(), keepFrom)) {
        deleted += deleteRun(g, run, keepFrom);
      }
    }
    return deleted;
  }

  /**
   * Deletes a run's objects of expired windows, and its own files (e.g. Spark's {@code _SUCCESS})
   * when no window of it is kept. A run started at T wrote windows starting before T, so normally
   * all of them are expired; checked anyway.
   */
  private int deleteRun(Granularity g, String run, Instant keepFrom) throws IOException {
    List<String> expired = new ArrayList<>();
    List<String> own = new ArrayList<>();
    boolean keptWindow = false;
    for (ObjectStore.Entry e : store.list(run)) {
      Matcher m = WINDOW.matcher(e.key());
      if (!m.matches()) {
        own.add(e.key());
        continue;
      }
      Optional<Instant> window = window(g, m.group(1));
      if (window.isPresent() && weekEndedBy(window.get(), keepFrom)) {
        expired.add(e.key());
      } else {
        keptWindow = true;
      }
    }
    if (!keptWindow) {
      expired.addAll(own);
    }
    int deleted = 0;
    for (String key : expired) {
      if (delete(key)) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes every object under {@code prefix}; returns how many. */
  private int deleteAll(String prefix) throws IOException {
    int deleted = 0;
    for (ObjectStore.Entry e : store.list(prefix)) {
      if (delete(e.key())) {
        deleted++;
      }
    }
    return deleted;
  }

  private boolean delete(String key) throws IOException {
    if (key.startsWith(LandingLayout.STATE_PREFIX)) {
      return false; // the connector's exactly-once state, whatever the prefixes are set to
    }
    store.delete(key);
    return true;
  }

  /** Whether the ISO week holding {@code t} ended at or before {@code keepFrom}. */
  private static boolean weekEndedBy(Instant t, Instant keepFrom) {
    return !Granularity.WEEKLY.end(Granularity.WEEKLY.windowOf(t)).isAfter(keepFrom);
  }

  /** The date {@code text} names, if it is one (else the directory is not ours to judge). */
  private static Optional<LocalDate> date(String text) {
    try {
      return Optional.of(LocalDate.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The window of {@code g} whose partition is {@code digits}, if it is one. */
  private static Optional<Instant> window(Granularity g, String digits) {
    try {
      return Optional.of(g.windowOfPartition(Long.parseLong(digits)));
    } catch (RuntimeException e) { // not a partition of g: not ours to judge
      return Optional.empty();
    }
  }

  /**
   * When a run started, from its directory {@code run=<yyyyMMdd'T'HHmmss>-…/} (Rollups' run ids).
   */
  private static Optional<Instant> runStarted(String name) {
    Matcher m = RUN.matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(m.group(1), RUN_STARTED).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
