package io.heatlab.query;

import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingIndex;
import io.heatlab.olap.ClickHouseReader;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.olap.Retention;
import io.heatlab.rollup.RollupRuns;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is rolled up, as a snapshot at most {@code maxAge} old. Refreshed either by the query that
 * finds it expired, or — the service's way, {@link #refreshInBackground} — by a background thread
 * that also refreshes it within a poll interval of any run's state change (a publish by any
 * process: the CLI, the console, the scheduler), so a query never waits for storage listings or
 * {@code rollup_runs} once the first snapshot exists:
 *
 * <ul>
 *   <li>the hours holding landed objects (within {@code lookback}), and the last successful run of
 *       each hourly, daily and weekly window (from {@code rollup_runs});
 *   <li>{@link #missingHours}: landed hours of a range with no successful hourly rollup yet;
 *   <li>{@link #usable}: a daily (weekly) window may answer for its hours (days) only when it was
 *       rolled up after each of them — otherwise the query reads the finer windows, so that the
 *       answer always equals the sum of {@code heatmap_hourly};
 *   <li>{@link #expired}: the windows of a plan that retention dropped (or will drop) — an answer
 *       never comes back short without saying so.
 * </ul>
 *
 * Landed hours are those of every landing format (a switch of {@code landing.format} keeps the
 * earlier ones).
 */
public final class RollupCoverage implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RollupCoverage.class);

  /** One refresh's view. */
  record Snapshot(
      Instant takenAt,
      Set<Instant> landedHours,
      Map<Granularity, Map<Instant, Instant>> finished,
      Map<Granularity, Map<Instant, Long>> published) {}

  private final RollupRuns runs;
  private final LandingIndex landing;
  private final Retention retention;
  private final Duration maxAge;
  private final Duration lookback;
  private final Clock clock;
  private final List<Consumer<Map<HeatmapQuery.Window, Instant>>> published =
      new CopyOnWriteArrayList<>();
  private volatile Snapshot snapshot;
  private ClickHouseReader marks;
  private Duration poll;
  private volatile ScheduledExecutorService background;
  private volatile String runsSeen = "";
  private boolean backgroundFailing;

  public RollupCoverage(
      RollupRuns runs,
      LandingIndex landing,
      Retention retention,
      Duration maxAge,
      Duration lookback,
      Clock clock) {
    this.runs = runs;
    this.landing = landing;
    this.retention = retention;
    this.maxAge = maxAge;
    this.lookback = lookback;
    this.clock = clock;
  }

  /** Takes a new snapshot now (tests, and after a rollup the caller knows of). */
  public synchronized void refresh() throws IOException, SQLException {
    Instant now = clock.instant();
    LocalDate last = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Set<Instant> hours = new TreeSet<>();
    for (HourPartition h :
        landing.hours(LocalDate.ofInstant(now.minus(lookback), ZoneOffset.UTC), last)) {
      hours.add(h.dt().atTime(h.hour(), 0).toInstant(ZoneOffset.UTC));
    }
    Map<Granularity, Map<Instant, Instant>> finished =
        Map.of(
            Granularity.HOURLY,
            runs.lastFinished(Granularity.HOURLY),
            Granularity.DAILY,
            runs.lastFinished(Granularity.DAILY),
            Granularity.WEEKLY,
            runs.lastFinished(Granularity.WEEKLY));
    Map<Granularity, Map<Instant, Long>> versions = new EnumMap<>(Granularity.class);
    for (Granularity g : Granularity.values()) {
      versions.put(g, runs.publishVersions(g));
    }
    Snapshot before = snapshot;
    snapshot = new Snapshot(now, Collections.unmodifiableSet(hours), finished, versions);
    if (before != null && !published.isEmpty()) {
      Map<HeatmapQuery.Window, Instant> fresh = new HashMap<>();
      versions.forEach(
          (g, windows) ->
              windows.forEach(
                  (start, version) -> {
                    if (!version.equals(before.published().get(g).get(start))
                        && !retention.expired(g, start, now)) {
                      HeatmapQuery.Window w = new HeatmapQuery.Window(g, start);
                      fresh.put(w, versionInstant(version));
                    }
                  }));
      if (!fresh.isEmpty()) {
        Map<HeatmapQuery.Window, Instant> windows = Map.copyOf(fresh);
        for (Consumer<Map<HeatmapQuery.Window, Instant>> listener : published) {
          try {
            listener.accept(windows);
          } catch (RuntimeException e) {
            LOG.warn("A listener of published windows failed: {}", e.toString());
          }
        }
      }
    }
  }

  /**
   * Calls {@code listener} after each refresh that finds windows published anew (a run finished
   * since the snapshot before: new windows, reruns), with their versions; windows past their
   * retention are left out. Called on the refreshing thread, under this coverage's lock: queue the
   * work, do not do it there.
   */
  public void onPublished(Consumer<Map<HeatmapQuery.Window, Instant>> listener) {
    published.add(listener);
  }

  /**
   * From the next query on, the snapshot is kept fresh by a daemon thread: every {@code poll} it
   * reads {@code rollup_runs}' change mark over {@code reader} (one cheap query) and refreshes when
   * the mark moved or the snapshot is older than {@code maxAge}. Queries then never refresh it
   * themselves (but the first, which takes the first snapshot). {@link #close} stops the thread; a
   * later query starts it again.
   */
  public synchronized void refreshInBackground(ClickHouseReader reader, Duration poll) {
    this.marks = reader;
    this.poll = poll;
  }

  private synchronized void startBackground() {
    if (background != null || marks == null) {
      return;
    }
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heatmap-coverage");
              t.setDaemon(true);
              return t;
            });
    background = s;
    ClickHouseReader reader = marks;
    s.scheduleWithFixedDelay(
        () -> tick(reader), poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick(ClickHouseReader reader) {
    try {
      String mark = RollupRuns.changeMark(reader);
      Snapshot s = snapshot;
      if (s == null || !mark.equals(runsSeen) || expired(s)) {
        refresh();
        runsSeen = mark;
      }
      if (backgroundFailing) {
        LOG.info("Heatmap coverage refreshes again");
        backgroundFailing = false;
      }
    } catch (IOException | SQLException | RuntimeException e) {
      if (!backgroundFailing) {
        LOG.warn("Cannot refresh the heatmap coverage (retrying): {}", e.getMessage());
        backgroundFailing = true;
      }
    }
  }

  /** Stops the background refresh, if any. */
  @Override
  public synchronized void close() {
    if (background != null) {
      background.shutdownNow();
      background = null;
    }
  }

  private boolean expired(Snapshot s) {
    return s.takenAt().plus(maxAge).isBefore(clock.instant());
  }

  private Snapshot current() throws IOException, SQLException {
    if (background == null && marks != null) {
      startBackground();
    }
    Snapshot s = snapshot;
    if (s == null || (background == null && expired(s))) {
      synchronized (this) {
        if (snapshot == s) {
          refresh();
        }
      }
      s = snapshot;
    }
    return s;
  }

  /**
   * The landed hours of [from, to), within the hourly retention, that no successful hourly rollup
   * covers yet.
   */
  public List<Instant> missingHours(Instant from, Instant to) throws IOException, SQLException {
    Snapshot s = current();
    Map<Instant, Instant> hourly = s.finished().get(Granularity.HOURLY);
    Instant kept = retention.cutoff(Granularity.HOURLY, clock.instant());
    List<Instant> missing = new ArrayList<>();
    for (Instant h : s.landedHours()) {
      if (!h.isBefore(from) && !h.isBefore(kept) && h.isBefore(to) && !hourly.containsKey(h)) {
        missing.add(h);
      }
    }
    return missing;
  }

  /**
   * A run of consecutive windows of one granularity past its retention: their counts are no longer
   * kept.
   */
  public record Expired(Granularity granularity, Instant from, Instant to) {}

  /**
   * The windows of {@code plan} past their granularity's retention, merged into consecutive runs.
   */
  public List<Expired> expired(List<HeatmapQuery.Window> plan) {
    Instant now = clock.instant();
    List<Expired> expired = new ArrayList<>();
    for (HeatmapQuery.Window w : plan) {
      if (retention.expired(w.granularity(), w.start(), now)) {
        Instant end = w.granularity().end(w.start());
        Expired last = expired.isEmpty() ? null : expired.get(expired.size() - 1);
        if (last != null && last.granularity() == w.granularity() && last.to().equals(w.start())) {
          expired.set(expired.size() - 1, new Expired(last.granularity(), last.from(), end));
        } else {
          expired.add(new Expired(w.granularity(), w.start(), end));
        }
      }
    }
    return expired;
  }

  /**
   * Whether a daily or weekly window holds the sum of the hours below it as they are now: it was
   * rolled up after each finer window it covers, each of those is itself usable, and no finer
   * window holds data that was never rolled up into it.
   */
  public boolean usable(HeatmapQuery.Window w) throws IOException, SQLException {
    return usable(current(), w.granularity(), w.start());
  }

  /**
   * What identifies the published content of a window: the last write of its latest successful run
   * (rollup_runs.updated_at, microseconds: every publish records one, and two runs never share it —
   * a run's start, whole seconds, could), the epoch for a window never published (ClickHouse holds
   * rows of a window only through a run); empty — no identity — for a window past its retention (a
   * retention drop changes it without a run).
   */
  public Optional<Instant> version(HeatmapQuery.Window w) throws IOException, SQLException {
    if (retention.expired(w.granularity(), w.start(), clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(
        versionInstant(current().published().get(w.granularity()).getOrDefault(w.start(), 0L)));
  }

  /** A publish's version (microseconds, rollup_runs.updated_at) as an instant. */
  private static Instant versionInstant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  private static boolean usable(Snapshot s, Granularity g, Instant start) {
    if (g == Granularity.HOURLY) {
      return true;
    }
    Instant own = s.finished().get(g).get(start);
    if (own == null) {
      return false;
    }
    Granularity finer = g.finer().orElseThrow();
    for (Instant f : finer.windows(start, g.end(start))) {
      Instant t = s.finished().get(finer).get(f);
      if (t != null ? t.isAfter(own) || !usable(s, finer, f) : hasData(s, finer, f)) {
        return false;
      }
    }
    return true;
  }

  /** Landed hours, or rolled-up hours, below a window that itself has no successful run. */
  private static boolean hasData(Snapshot s, Granularity g, Instant start) {
    if (g == Granularity.HOURLY) {
      return s.landedHours().contains(start);
    }
    Instant end = g.end(start);
    return s.landedHours().stream().anyMatch(h -> !h.isBefore(start) && h.isBefore(end))
        || s.finished().get(Granularity.HOURLY).keySet().stream()
            .anyMatch(h -> !h.isBefore(start) && h.isBefore(end));
  }
}
