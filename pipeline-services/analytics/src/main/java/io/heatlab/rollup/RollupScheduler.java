package io.heatlab.rollup;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.olap.Retention;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls windows up by itself. Each pass (every {@code rollup.scheduler.interval.ms}):
 *
 * <ol>
 *   <li><b>hours</b> that ended at least {@code grace} ago, within the lookback, that hold landed
 *       objects and either were never rolled up or received an object at or after their last
 *       successful run started (late data: the landing manifests name the hours written since the
 *       previous pass) — one Spark application;
 *   <li><b>days</b> that ended at least {@code grace} ago and have an hour rolled up after the
 *       day's last successful run (or never ran);
 *   <li><b>ISO weeks</b> likewise from their days;
 *   <li><b>retention</b>: whole partitions older than each granularity's retention are dropped;
 *   <li><b>storage retention</b> (embedded profile), at the first pass of each hour: raw events and
 *       landing manifests of hours past {@code retention.raw.days} and lake aggregates past {@code
 *       retention.aggregates.days} are deleted ({@link StorageRetention}).
 * </ol>
 *
 * A window whose run failed is retried with backoff (doubling from {@code retry.backoff}, at most
 * an hour). Passes never overlap; {@link #close()} stops the running application.
 */
public final class RollupScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RollupScheduler.class);
  private static final Duration MAX_BACKOFF = Duration.ofHours(1);

  /**
   * The scheduler's settings; {@code storage} is empty where object storage expires objects itself
   * (compose: MinIO's lifecycle rules).
   */
  public record Settings(
      Duration interval,
      Duration grace,
      Duration lookback,
      Duration backoff,
      Retention retention,
      Optional<StorageRetention.Kept> storage) {
    public static Settings of(HeatlabConfig c) {
      return new Settings(
          Duration.ofMillis(c.getLong(HeatlabConfig.ROLLUP_SCHEDULER_INTERVAL_MS)),
          Duration.ofMillis(c.getLong(HeatlabConfig.ROLLUP_SCHEDULER_GRACE_MS)),
          Duration.ofHours(c.getInt(HeatlabConfig.ROLLUP_SCHEDULER_LOOKBACK_HOURS)),
          Duration.ofMillis(c.getLong(HeatlabConfig.ROLLUP_RETRY_BACKOFF_MS)),
          Retention.of(c),
          StorageRetention.Kept.of(c));
    }
  }

  /**
   * What one pass did: the runs it made, per granularity, the partitions retention dropped, and
   * what storage retention deleted ({@link StorageRetention.Summary#NOTHING} when it did not run).
   */
  public record Pass(
      Map<Granularity, RollupRun.Result> runs,
      Map<Granularity, List<Long>> dropped,
      StorageRetention.Summary storage) {
    public List<Instant> windows(Granularity g) {
      RollupRun.Result r = runs.get(g);
      return r == null ? List.of() : List.copyOf(r.windows().keySet());
    }
  }

  private record Failure(int attempts, Instant retryAt) {}

  private final Rollups rollups;
  private final HeatmapWindows windows;
  private final Settings settings;
  private final Clock clock;
  private final RollupRun.Listener listener;
  private final Optional<StorageRetention> storage;
  private final Map<String, Failure> failures = new HashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "heatlab-rollup-scheduler");
            t.setDaemon(true);
            return t;
          });
  private Instant previousPass;

  /** The hour of the last storage retention that completed (its cutoffs move by whole hours). */
  private Instant storageSwept;

  private volatile RollupRun current;
  private volatile boolean closed;

  public RollupScheduler(
      Rollups rollups,
      HeatmapWindows windows,
      Settings settings,
      Clock clock,
      RollupRun.Listener listener) {
    this.rollups = rollups;
    this.windows = windows;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.storage = settings.storage().map(k -> rollups.storageRetention(k, settings.retention()));
  }

  /** Runs a pass now and then every interval, in the background. */
  public void start() {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            pass();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (Exception e) {
            LOG.warn(
                "rollup scheduler pass failed (next in {} s): {}",
                settings.interval().toSeconds(),
                e.toString());
          }
        },
        0,
        settings.interval().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** One pass, in the caller's thread. */
  public synchronized Pass pass() throws IOException, SQLException, InterruptedException {
    Instant passStart = Instant.now();
    Instant now = clock.instant();
    Instant oldest = now.minus(settings.lookback());
    Map<Granularity, RollupRun.Result> runs = new LinkedHashMap<>();

    List<Instant> hours = new ArrayList<>(dueHours(now, oldest, previousPass == null).keySet());
    run(Granularity.HOURLY, hours, runs);
    for (Granularity g : List.of(Granularity.DAILY, Granularity.WEEKLY)) {
      run(g, new ArrayList<>(dueAbove(g, now, oldest).keySet()), runs);
    }
    Map<Granularity, List<Long>> dropped = new LinkedHashMap<>();
    List<HeatmapWindows.Replaced> drops = new ArrayList<>();
    for (Granularity g : Granularity.values()) {
      List<HeatmapWindows.Replaced> gone =
          windows.dropBefore(g, settings.retention().cutoff(g, now));
      if (!gone.isEmpty()) {
        drops.addAll(gone);
        dropped.put(g, gone.stream().map(HeatmapWindows.Replaced::partition).toList());
        LOG.info(
            "retention dropped {} {} partition(s) older than {}",
            gone.size(),
            g.table(),
            settings.retention().kept().get(g));
      }
    }
    if (!windows
        .awaitGone(drops, RunPublisher.FINAL_WITHIN)
        .isEmpty()) { // a restart must not bring them back
      LOG.warn(
          "retention: ClickHouse still keeps dropped parts on disk after {} s",
          RunPublisher.FINAL_WITHIN.toSeconds());
    }
    StorageRetention.Summary deleted = storageRetention(now);
    previousPass = passStart;
    return new Pass(runs, dropped, deleted);
  }

  /**
   * Storage retention at the first pass of each hour; a failure is logged and retried at the next
   * pass (the rollups and ClickHouse retention of this pass stand).
   */
  private StorageRetention.Summary storageRetention(Instant now) {
    Instant hour = Granularity.HOURLY.windowOf(now);
    if (storage.isEmpty() || closed || hour.equals(storageSwept)) {
      return StorageRetention.Summary.NOTHING;
    }
    try {
      StorageRetention.Summary s = storage.get().apply(now);
      storageSwept = hour;
      if (s.deleted() > 0) {
        LOG.info(
            "storage retention {} (raw events kept {} days, aggregates {} days)",
            s.line(),
            storage.get().kept().raw().toDays(),
            storage.get().kept().aggregates().toDays());
      }
      return s;
    } catch (IOException e) {
      LOG.warn("storage retention failed (retried at the next pass): {}", e.toString());
      return StorageRetention.Summary.NOTHING;
    }
  }

  private void run(Granularity g, List<Instant> due, Map<Granularity, RollupRun.Result> runs)
      throws InterruptedException {
    Instant now = clock.instant();
    List<Instant> ready =
        due.stream()
            .filter(
                w -> {
                  Failure f = failures.get(key(g, w));
                  return f == null || !f.retryAt().isAfter(now);
                })
            .toList();
    if (ready.isEmpty() || closed) {
      return;
    }
    current = rollups.start(g, ready, listener);
    RollupRun.Result result = current.await();
    current = null;
    runs.put(g, result);
    for (RollupRun.WindowResult w : result.windows().values()) {
      String k = key(g, w.window());
      if (w.state() == RunState.FINISHED) {
        failures.remove(k);
      } else {
        int attempts = failures.containsKey(k) ? failures.get(k).attempts() + 1 : 1;
        Duration wait = settings.backoff().multipliedBy(1L << Math.min(attempts - 1, 20));
        wait = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
        failures.put(k, new Failure(attempts, now.plus(wait)));
        LOG.warn(
            "{} {} failed (attempt {}), retry after {} s: {}",
            g.name().toLowerCase(),
            g.label(w.window()),
            attempts,
            wait.toSeconds(),
            w.error());
      }
    }
  }

  /** A window a pass would roll up, and why. */
  public record Due(Granularity granularity, Instant window, String why) {}

  /**
   * What a pass would roll up now — every hour checked, as a first pass does — and why, without
   * running anything: the scheduler's plan (the console's Rollups view, {@code heatlab rollup
   * schedule --plan}). A window that failed waits for its retry time, which its reason says.
   */
  public synchronized List<Due> plan() throws IOException, SQLException {
    Instant now = clock.instant();
    Instant oldest = now.minus(settings.lookback());
    List<Due> plan = new ArrayList<>();
    dueHours(now, oldest, true)
        .forEach(
            (w, why) ->
                plan.add(new Due(Granularity.HOURLY, w, why(Granularity.HOURLY, w, why, now))));
    for (Granularity g : List.of(Granularity.DAILY, Granularity.WEEKLY)) {
      dueAbove(g, now, oldest).forEach((w, why) -> plan.add(new Due(g, w, why(g, w, why, now))));
    }
    return plan;
  }

  /** {@code why}, and the retry time of a window that failed. */
  private String why(Granularity g, Instant w, String why, Instant now) {
    Failure f = failures.get(key(g, w));
    return f == null || !f.retryAt().isAfter(now)
        ? why
        : why + "; waiting to retry at " + f.retryAt().truncatedTo(ChronoUnit.SECONDS);
  }

  /**
   * Closed hours with landed objects that were never rolled up, or got objects since their last run
   * started (every hour when {@code everyHour}, else those written to since the previous pass), and
   * why each is due.
   */
  private Map<Instant, String> dueHours(Instant now, Instant oldest, boolean everyHour)
      throws IOException, SQLException {
    Map<Instant, Instant> lastRun = rollups.runs().lastFinished(Granularity.HOURLY);
    Set<HourPartition> written =
        everyHour
            ? null
            : rollups.landing().hoursChangedSince(previousPass.minus(Duration.ofMinutes(2)));
    SortedMap<Instant, String> due = new TreeMap<>();
    failures.forEach(
        (k, f) -> {
          if (k.startsWith(Granularity.HOURLY.name() + "@")) { // failed: due until they succeed
            due.put(
                Instant.parse(k.substring(k.indexOf('@') + 1)),
                "its last run failed (" + f.attempts() + "×)");
          }
        });
    for (HourPartition h : rollups.landing().hours()) {
      Instant start = h.dt().atTime(h.hour(), 0).toInstant(ZoneOffset.UTC);
      if (start.isBefore(oldest)
          || Granularity.HOURLY.end(start).plus(settings.grace()).isAfter(now)) {
        continue;
      }
      Instant last = lastRun.get(start);
      if (last == null) {
        due.putIfAbsent(start, "landed data, never rolled up");
      } else if (written == null
          || written.contains(h)) { // first pass: check every hour; later: those written to
        // Both times are whole seconds (S3 Last-Modified; rollup_runs.started_at, truncated). An
        // object stamped
        // in the run's start second was written less than a second after the start, and the job
        // lists its input
        // seconds later (driver JVM + Spark session): it was read. So only a later second is new
        // data. (Storage
        // and heatlab must share a clock: NTP in production.)
        for (ObjectStore.Entry o : rollups.landing().objects(h)) {
          if (o.lastModified().isAfter(last)) {
            due.putIfAbsent(
                start,
                "objects written after its last run started ("
                    + o.lastModified().truncatedTo(ChronoUnit.SECONDS)
                    + " > "
                    + last
                    + "): late data");
            break;
          }
        }
      }
    }
    return due;
  }

  /**
   * Closed windows of {@code g} whose finer windows were rolled up after the window's last run (or
   * it never ran).
   */
  private Map<Instant, String> dueAbove(Granularity g, Instant now, Instant oldest)
      throws SQLException {
    Granularity finer = g.finer().orElseThrow();
    Map<Instant, Instant> finerRuns = rollups.runs().lastFinished(finer);
    Map<Instant, Instant> ownRuns = rollups.runs().lastFinished(g);
    SortedMap<Instant, String> due = new TreeMap<>();
    for (Map.Entry<Instant, Instant> f : finerRuns.entrySet()) {
      Instant w = g.windowOf(f.getKey());
      if (g.end(w).isBefore(oldest) || g.end(w).plus(settings.grace()).isAfter(now)) {
        continue;
      }
      Instant own = ownRuns.get(w);
      if (own == null) {
        due.putIfAbsent(
            w, "closed, its " + finer.name().toLowerCase() + " windows rolled up, never itself");
      } else if (f.getValue().isAfter(own)) {
        due.putIfAbsent(
            w,
            finer.name().toLowerCase()
                + " "
                + finer.label(f.getKey())
                + " rolled up again after its last run ("
                + f.getValue()
                + " > "
                + own
                + ")");
      }
    }
    return due;
  }

  private static String key(Granularity g, Instant w) {
    return g.name() + "@" + w;
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    RollupRun r = current;
    if (r != null) {
      r.cancel();
    }
  }
}
