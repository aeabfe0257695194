package io.heatlab.rollup;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.CellCount;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.SparkAppHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rollups: plans a Spark application over windows of one granularity, launches it ({@link SparkApp}),
 * then publishes each window — the Parquet the job wrote to the lake ({@link Aggregates}) replaces the window
 * in ClickHouse atomically ({@link HeatmapWindows}) and becomes the window's current aggregate — and records
 * every state change in {@code rollup_runs} ({@link RollupRuns}). A failed or killed run publishes nothing:
 * ClickHouse and the lake's current aggregates keep the window's previous data.
 *
 * <p>One application runs at a time per data directory — a lock in this process and a file lock
 * ({@code run/rollup.lock}) across processes — because runs of a window share its staging partition, and two
 * cores gain nothing from two Spark drivers; later runs wait in SUBMITTED.
 */
public final class Rollups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);
  private static final String JOB_CLASS = "io.heatlab.rollup.job.RollupJob";
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
  /** How long a publish waits at most for ClickHouse to delete the parts it replaced (it takes tens of ms). */
  static final Duration FINAL_WITHIN = Duration.ofSeconds(60);

  private final SparkSettings spark;
  private final ObjectStore store;
  private final LandingLayout layout;
  private final LandingIndex landing;
  private final Aggregates aggregates;
  private final HeatmapWindows windows;
  private final RollupRuns runs;
  private final Set<RollupRun> active = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "heatlab-rollup");
    t.setDaemon(true);
    return t;
  });

  public Rollups(HeatlabConfig config, StackEndpoints endpoints) {
    this(SparkSettings.of(config, endpoints), endpoints.objectStore(config), new LandingLayout(LandingLayout.DEFAULT_PREFIX),
        config.getString(HeatlabConfig.ROLLUP_AGGREGATES_PREFIX), new ClickHouseJdbc(config, endpoints));
  }

  /** Rollups of the events landed under {@code layout} (every format present), lake aggregates under the prefix. */
  public Rollups(SparkSettings spark, ObjectStore store, LandingLayout layout, String aggregatesPrefix, ClickHouseJdbc jdbc) {
    this.spark = spark;
    this.layout = layout;
    this.store = store;
    this.landing = new LandingIndex(store, layout);
    this.aggregates = new Aggregates(store, aggregatesPrefix);
    this.windows = new HeatmapWindows(jdbc);
    this.runs = new RollupRuns(jdbc);
  }

  public RollupRuns runs() {
    return runs;
  }

  public Aggregates aggregates() {
    return aggregates;
  }

  public LandingIndex landing() {
    return landing;
  }

  /** The runs this instance started that have not ended yet (a snapshot). */
  public List<RollupRun> inFlight() {
    return List.copyOf(active);
  }

  /**
   * Starts a run over {@code windowStarts} of {@code g} in the background. A window that holds events and for
   * which the run finds none is left as it is and FAILED (its input is gone or unreadable: replacing a published
   * window with nothing would lose its counts).
   */
  public RollupRun start(Granularity g, List<Instant> windowStarts, RollupRun.Listener listener) {
    return start(g, windowStarts, false, listener);
  }

  /**
   * Same; with {@code replaceWithEmpty}, a window for which the run finds no events is emptied even if it held
   * some (the operator's explicit choice, e.g. after deleting landed objects on purpose).
   */
  public RollupRun start(Granularity g, List<Instant> windowStarts, boolean replaceWithEmpty, RollupRun.Listener listener) {
    if (windowStarts.isEmpty()) {
      throw new IllegalArgumentException("no window to roll up");
    }
    String id = RUN_ID.format(LocalDateTime.now(ZoneOffset.UTC)) + "-" + g.name().toLowerCase() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    RollupRun run = new RollupRun(id, g, windowStarts, replaceWithEmpty);
    active.add(run);
    executor.execute(() -> {
      try {
        run.result.complete(execute(run, listener));
      } catch (InterruptedException e) {
        LOG.info("rollup run {} abandoned: heatlab is shutting down", id);
        run.result.completeExceptionally(e);
      } catch (Throwable t) {
        LOG.error("rollup run {} crashed", id, t);
        run.result.completeExceptionally(t);
      } finally {
        active.remove(run);
      }
    });
    return run;
  }

  /** Runs and waits. */
  public RollupRun.Result run(Granularity g, List<Instant> windowStarts, RollupRun.Listener listener) throws InterruptedException {
    return start(g, windowStarts, listener).await();
  }

  /**
   * The finer windows below {@code windowStarts} of {@code g} that hold data but were never rolled up
   * (hours with landed objects and no current hourly aggregate; days with such hours or hourly aggregates and
   * no current daily aggregate), per granularity, finest first — what must run before {@code g} can be exact.
   */
  public Map<Granularity, List<Instant>> missingBelow(Granularity g, List<Instant> windowStarts) throws IOException {
    Map<Granularity, List<Instant>> missing = new LinkedHashMap<>();
    if (g == Granularity.HOURLY) {
      return missing;
    }
    Instant from = windowStarts.get(0);
    Instant to = g.end(windowStarts.get(windowStarts.size() - 1));
    SortedSet<Instant> landedHours = new TreeSet<>();
    for (HourPartition h : landing.hours()) {
      Instant start = h.dt().atTime(h.hour(), 0).toInstant(ZoneOffset.UTC);
      if (!start.isBefore(from) && start.isBefore(to)) {
        landedHours.add(start);
      }
    }
    List<Instant> hours = new ArrayList<>();
    for (Instant h : landedHours) {
      if (aggregates.current(Granularity.HOURLY, h).isEmpty()) {
        hours.add(h);
      }
    }
    if (!hours.isEmpty()) {
      missing.put(Granularity.HOURLY, hours);
    }
    if (g == Granularity.WEEKLY) {
      List<Instant> days = new ArrayList<>();
      for (Instant d : Granularity.DAILY.windows(from, to)) {
        boolean hasData = landedHours.stream().anyMatch(h -> Granularity.DAILY.windowOf(h).equals(d));
        if (hasData && (aggregates.current(Granularity.DAILY, d).isEmpty() || hours.stream().anyMatch(
            h -> Granularity.DAILY.windowOf(h).equals(d)))) {
          days.add(d);
        }
      }
      if (!days.isEmpty()) {
        missing.put(Granularity.DAILY, days);
      }
    }
    return missing;
  }

  private RollupRun.Result execute(RollupRun run, RollupRun.Listener listener) throws Exception {
    Granularity g = run.granularity();
    Instant started = Instant.now();
    Map<Instant, RollupRuns.Run> records = new LinkedHashMap<>();
    for (Instant w : run.windows()) {
      records.put(w, new RollupRuns.Run(run.id(), g, w, RunState.SUBMITTED, 0, 0, started, null, "", ""));
    }
    try {
      record(records.values());
    } catch (RuntimeException e) {
      return finish(run, listener, records, started, RunState.FAILED, "ClickHouse unreachable: " + e.getMessage(), Map.of());
    }
    listener.state(run, RunState.SUBMITTED);
    // one at a time on this machine: the CLI, the console and ./heatlab up's scheduler may all run rollups
    try (PublishLock lock = PublishLock.acquire(spark.lockFile())) {
      sweepOrphans(run.id());
      if (run.cancelled()) {
        return finish(run, listener, records, started, RunState.KILLED, "cancelled before it started", Map.of());
      }
      Plan plan;
      try {
        plan = plan(run);
      } catch (IOException e) {
        return finish(run, listener, records, started, RunState.FAILED, "planning failed: " + e.getMessage(), Map.of());
      }
      SparkApp app = SparkApp.launch(spark, run.id(), JOB_CLASS, plan.args(), new SparkApp.Events() {
        private boolean running;

        @Override
        public void state(SparkAppHandle.State s, String appId) {
          run.sparkAppId(appId);
          if (s == SparkAppHandle.State.RUNNING && !running) {
            running = true;
            run.state(RunState.RUNNING);
            listener.state(run, RunState.RUNNING);
            records.replaceAll((w, r) -> r.with(RunState.RUNNING, 0, 0, run.sparkAppId(), ""));
            try {
              record(records.values());
            } catch (RuntimeException e) {
              LOG.warn("rollup run {}: could not record RUNNING: {}", run.id(), e.getMessage());
            }
          }
        }

        @Override
        public void progress(double fraction) {
          run.progress(fraction);
          listener.progress(run, fraction);
        }

        @Override
        public void line(String line) {
          listener.line(run, line);
        }
      });
      run.attach(app);
      SparkApp.Verdict verdict = app.await(spark.timeout());
      run.sparkAppId(verdict.appId());
      if (!verdict.succeeded() || run.cancelled()) {
        RunState end = run.cancelled() || verdict.state() == SparkAppHandle.State.KILLED ? RunState.KILLED : RunState.FAILED;
        run.windows().forEach(w -> discardQuietly(g, run.id(), w));
        return finish(run, listener, records, started, end, end == RunState.KILLED ? "stopped by request" : verdict.error(), Map.of());
      }
      return publish(run, listener, records, started, verdict, plan);
    }
  }

  /**
   * Holding the lock, no other run of this data directory is in progress: a run still recorded as
   * SUBMITTED/RUNNING/PUBLISHING (other than {@code current}) lost its process or could not record its end (e.g.
   * ClickHouse was down then). Record it FAILED, so history tells the truth.
   */
  private void sweepOrphans(String current) {
    try {
      List<RollupRuns.Run> orphans = runs.unfinished().stream().filter(r -> !r.runId().equals(current))
          .map(r -> r.with(RunState.FAILED, r.rowsIn(), r.rowsOut(), r.sparkAppId(),
              "orphaned: its process stopped, or could not record the end, before the run finished"))
          .toList();
      if (!orphans.isEmpty()) {
        runs.record(orphans);
        LOG.info("recorded {} orphaned rollup run window(s) as FAILED", orphans.size());
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("could not sweep orphaned rollup runs: {}", e.toString());
    }
  }

  /**
   * A run's plan: the job's arguments (every window with its input paths; none: an empty window) and, for
   * daily/weekly windows, what their inputs hold (rows, events) by the finer windows' pointers.
   */
  private record Plan(List<String> args, Map<Instant, long[]> inputs) {}

  private Plan plan(RollupRun run) throws IOException {
    Map<Instant, long[]> inputs = new LinkedHashMap<>();
    Granularity g = run.granularity();
    List<String> args = new ArrayList<>(List.of("--granularity", g.name().toLowerCase(),
        "--output", spark.s3a(aggregates.runPrefix(g, run.id()))));
    for (Instant w : run.windows()) {
      String label = String.valueOf(g.partition(w));
      args.add("--window");
      args.add(label);
      Optional<Granularity> finer = g.finer();
      if (finer.isEmpty()) {
        // every format present: hours landed before a switch of landing.format count as much as those after it
        HourPartition hour = HourPartition.of(w.toEpochMilli());
        for (String format : ObjectFormat.NAMES) {
          String suffix = "." + ObjectFormat.reader(format).extension();
          if (store.list(layout.hourPrefix(format, hour)).stream().anyMatch(o -> o.key().endsWith(suffix))) {
            args.add("--input");
            args.add(label + "=" + spark.s3a(layout.hourPrefix(format, hour)));
          }
        }
        continue;
      }
      long[] expected = new long[2];
      inputs.put(w, expected);
      for (Instant f : finer.get().windows(w, g.end(w))) {
        Optional<Aggregates.Pointer> current = aggregates.current(finer.get(), f);
        if (current.isPresent() && current.get().rowsOut() > 0) {
          expected[0] += current.get().rowsOut();
          expected[1] += current.get().events();
          args.add("--input");
          args.add(label + "=" + spark.s3a(aggregates.windowPrefix(finer.get(), current.get().runId(), f)));
        }
      }
    }
    return new Plan(args, inputs);
  }

  /**
   * Reads back every window the job wrote, checks it against the job's totals (and, for daily/weekly, against
   * the finer windows it summed), then replaces each window in ClickHouse and moves its pointer.
   */
  private RollupRun.Result publish(RollupRun run, RollupRun.Listener listener, Map<Instant, RollupRuns.Run> records,
      Instant started, SparkApp.Verdict verdict, Plan plan) {
    Granularity g = run.granularity();
    run.state(RunState.PUBLISHING);
    listener.state(run, RunState.PUBLISHING);
    Map<Instant, List<CellCount>> cells = new LinkedHashMap<>();
    try {
      if (verdict.totals() == null) {
        throw new IOException("the job printed no totals");
      }
      long rows = 0;
      long events = 0;
      for (Instant w : run.windows()) {
        List<CellCount> c = aggregates.cells(g, run.id(), w);
        long sum = c.stream().mapToLong(CellCount::count).sum();
        long[] expected = plan.inputs().get(w);
        if (expected != null && sum != expected[1]) {
          throw new IOException(g.label(w) + " sums to " + sum + " events, its finer windows to " + expected[1]);
        }
        cells.put(w, c);
        rows += c.size();
        events += sum;
      }
      if (rows != verdict.totals().rowsOut() || events != verdict.totals().events()) {
        throw new IOException("the lake holds " + rows + " rows / " + events + " events, the job wrote "
            + verdict.totals().rowsOut() + " / " + verdict.totals().events());
      }
    } catch (Exception e) {
      run.windows().forEach(w -> discardQuietly(g, run.id(), w));
      return finish(run, listener, records, started, RunState.FAILED, "checking the job's output failed: " + e.getMessage(), Map.of());
    }
    Map<Instant, RollupRun.WindowResult> results = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    List<HeatmapWindows.Replaced> replaced = new ArrayList<>();
    for (Map.Entry<Instant, List<CellCount>> e : cells.entrySet()) {
      Instant w = e.getKey();
      long events = e.getValue().stream().mapToLong(CellCount::count).sum();
      long rowsIn = plan.inputs().containsKey(w) ? plan.inputs().get(w)[0] : events; // hourly: one raw row per event
      long rowsOut = e.getValue().size();
      try {
        Optional<Aggregates.Pointer> published = aggregates.current(g, w);
        if (events == 0 && !run.replaceWithEmpty() && published.isPresent() && published.get().events() > 0) {
          throw new IOException("the run found no events, the window holds " + published.get().events() + " (run "
              + published.get().runId() + "): left as it was — are its inputs gone? To empty it anyway, rerun with"
              + " --replace-with-empty");
        }
        replaced.add(windows.replace(g, w, e.getValue()));
        aggregates.publish(g, w, new Aggregates.Pointer(run.id(), rowsIn, rowsOut, events, started.toEpochMilli(),
            System.currentTimeMillis()));
        records.put(w, records.get(w).with(RunState.FINISHED, rowsIn, rowsOut, run.sparkAppId(), ""));
        results.put(w, new RollupRun.WindowResult(w, RunState.FINISHED, rowsIn, rowsOut, events, ""));
      } catch (Exception ex) {
        String error = "publishing " + g.label(w) + " failed: " + ex.getMessage();
        errors.add(error);
        records.put(w, records.get(w).with(RunState.FAILED, 0, 0, run.sparkAppId(), error));
        results.put(w, new RollupRun.WindowResult(w, RunState.FAILED, 0, 0, 0, error));
        discardQuietly(g, run.id(), w);
      }
    }
    awaitFinal(run, replaced);
    RunState end = errors.isEmpty() ? RunState.FINISHED : RunState.FAILED;
    run.progress(end == RunState.FINISHED ? 1.0 : run.progress());
    return finish(run, listener, records, started, end, String.join("; ", errors), results);
  }

  /**
   * Waits until the parts the publish replaced are deleted from ClickHouse's disk, so that a restart cannot bring
   * them back (HeatmapWindows); a run is reported done only then — tens of milliseconds, longer while a query still
   * reads the old parts. Past {@link #FINAL_WITHIN} it says so: the next start's self-check repairs a window that a
   * restart doubled.
   */
  private void awaitFinal(RollupRun run, List<HeatmapWindows.Replaced> replaced) {
    try {
      List<HeatmapWindows.Replaced> left = windows.awaitGone(replaced, FINAL_WITHIN);
      if (!left.isEmpty()) {
        LOG.warn("rollup run {}: ClickHouse still keeps {} replaced part(s) on disk after {} s ({}; a long query still"
            + " reading them?): a restart before it deletes them would count those windows twice until the next start's"
            + " self-check repairs them", run.id(), left.stream().mapToInt(r -> r.oldParts().size()).sum(),
            FINAL_WITHIN.toSeconds(), left.get(0).table() + " " + left.get(0).partition());
      }
    } catch (SQLException e) {
      LOG.warn("rollup run {}: could not check that the replaced parts are gone: {}", run.id(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void discardQuietly(Granularity g, String runId, Instant w) {
    try {
      aggregates.discard(g, runId, w);
    } catch (IOException e) {
      LOG.debug("rollup run {}: leftovers of {} stay: {}", runId, w, e.getMessage());
    }
  }

  private RollupRun.Result finish(RollupRun run, RollupRun.Listener listener, Map<Instant, RollupRuns.Run> records,
      Instant started, RunState end, String error, Map<Instant, RollupRun.WindowResult> results) {
    Map<Instant, RollupRun.WindowResult> all = new LinkedHashMap<>();
    for (Instant w : run.windows()) {
      RollupRun.WindowResult r = results.get(w);
      if (r == null) {
        r = new RollupRun.WindowResult(w, end, 0, 0, 0, error);
        records.put(w, records.get(w).with(end, 0, 0, run.sparkAppId(), error));
      }
      all.put(w, r);
    }
    String recordError = "";
    try {
      record(records.values());
    } catch (RuntimeException e) {
      recordError = " (and rollup_runs could not be written: " + e.getMessage() + ")";
    }
    run.state(end);
    listener.state(run, end);
    if (end != RunState.FINISHED) {
      LOG.warn("rollup run {} {}: {}{}", run.id(), end, error, recordError);
    }
    return new RollupRun.Result(run.id(), run.granularity(), end, run.sparkAppId(), Duration.between(started, Instant.now()),
        all, error + recordError);
  }

  private void record(Iterable<RollupRuns.Run> rows) {
    List<RollupRuns.Run> list = new ArrayList<>();
    rows.forEach(list::add);
    try {
      runs.record(list);
    } catch (SQLException e) {
      throw new IllegalStateException("rollup_runs: " + e.getMessage(), e);
    }
  }

  @Override
  /**
   * Stops the runs still going — each Spark application stopped (stop → 3 s → kill) and its windows recorded
   * KILLED, as a Cancel does — then the executor.
   */
  public void close() {
    for (RollupRun run : active) {
      run.cancel();
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
