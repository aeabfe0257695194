package io.heatlab.rollup;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.CellCount;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import java.io.IOException;
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
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>One application runs at a time (runs of a window share its staging partition, and two cores gain nothing
 * from two Spark drivers); later runs wait in SUBMITTED.
 */
public final class Rollups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);
  private static final String JOB_CLASS = "io.heatlab.rollup.job.RollupJob";
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private final SparkSettings spark;
  private final ObjectStore store;
  private final LandingLayout layout = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private final LandingIndex landing;
  private final String format;
  private final Aggregates aggregates;
  private final HeatmapWindows windows;
  private final RollupRuns runs;
  private final ReentrantLock oneAtATime = new ReentrantLock(true);
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "heatlab-rollup");
    t.setDaemon(true);
    return t;
  });

  public Rollups(HeatlabConfig config, StackEndpoints endpoints) {
    this(SparkSettings.of(config, endpoints), ObjectStore.connect(endpoints.storageEndpoint(),
            config.getString(HeatlabConfig.STORAGE_REGION), config.getString(HeatlabConfig.STORAGE_ACCESS_KEY),
            config.secret(HeatlabConfig.STORAGE_SECRET_KEY), config.getString(HeatlabConfig.STORAGE_BUCKET)),
        config.getString(HeatlabConfig.LANDING_FORMAT), config.getString(HeatlabConfig.ROLLUP_AGGREGATES_PREFIX),
        new ClickHouseJdbc(config, endpoints));
  }

  public Rollups(SparkSettings spark, ObjectStore store, String format, String aggregatesPrefix, ClickHouseJdbc jdbc) {
    this.spark = spark;
    this.store = store;
    this.landing = new LandingIndex(store, layout);
    this.format = format;
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

  public String format() {
    return format;
  }

  /** Starts a run over {@code windowStarts} of {@code g} in the background. */
  public RollupRun start(Granularity g, List<Instant> windowStarts, RollupRun.Listener listener) {
    if (windowStarts.isEmpty()) {
      throw new IllegalArgumentException("no window to roll up");
    }
    String id = RUN_ID.format(LocalDateTime.now(ZoneOffset.UTC)) + "-" + g.name().toLowerCase() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    RollupRun run = new RollupRun(id, g, windowStarts);
    executor.execute(() -> {
      try {
        run.result.complete(execute(run, listener));
      } catch (Throwable t) {
        LOG.error("rollup run {} crashed", id, t);
        run.result.completeExceptionally(t);
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
    for (HourPartition h : landing.hours(format)) {
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
    oneAtATime.lockInterruptibly();
    try {
      if (run.cancelled()) {
        return finish(run, listener, records, started, RunState.KILLED, "cancelled before it started", Map.of());
      }
      List<String> args;
      try {
        args = jobArgs(run);
      } catch (IOException e) {
        return finish(run, listener, records, started, RunState.FAILED, "planning failed: " + e.getMessage(), Map.of());
      }
      SparkApp app = SparkApp.launch(spark, run.id(), JOB_CLASS, args, new SparkApp.Events() {
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
        for (Instant w : run.windows()) {
          try {
            aggregates.discard(g, run.id(), w);
          } catch (IOException e) {
            LOG.debug("rollup run {}: leftovers of {} stay: {}", run.id(), w, e.getMessage());
          }
        }
        return finish(run, listener, records, started, end, end == RunState.KILLED ? "stopped by request" : verdict.error(), Map.of());
      }
      return publish(run, listener, records, started, verdict);
    } finally {
      oneAtATime.unlock();
    }
  }

  /** The job's arguments: every window, with its input paths (none: an empty window). */
  private List<String> jobArgs(RollupRun run) throws IOException {
    Granularity g = run.granularity();
    List<String> args = new ArrayList<>(List.of("--granularity", g.name().toLowerCase(), "--format", format,
        "--output", spark.s3a(aggregates.runPrefix(g, run.id()))));
    for (Instant w : run.windows()) {
      String label = String.valueOf(g.partition(w));
      args.add("--window");
      args.add(label);
      Optional<Granularity> finer = g.finer();
      if (finer.isEmpty()) {
        HourPartition hour = HourPartition.of(w.toEpochMilli());
        String suffix = "." + (format.equals("parquet") ? "parquet" : "jsonl.gz");
        if (landing.objects(format, hour).stream().anyMatch(o -> o.key().endsWith(suffix))) {
          args.add("--input");
          args.add(label + "=" + spark.s3a(layout.hourPrefix(format, hour)));
        }
        continue;
      }
      for (Instant f : finer.get().windows(w, g.end(w))) {
        Optional<Aggregates.Pointer> current = aggregates.current(finer.get(), f);
        if (current.isPresent() && current.get().rowsOut() > 0) {
          args.add("--input");
          args.add(label + "=" + spark.s3a(aggregates.windowPrefix(finer.get(), current.get().runId(), f)));
        }
      }
    }
    return args;
  }

  private RollupRun.Result publish(RollupRun run, RollupRun.Listener listener, Map<Instant, RollupRuns.Run> records,
      Instant started, SparkApp.Verdict verdict) {
    Granularity g = run.granularity();
    run.state(RunState.PUBLISHING);
    listener.state(run, RunState.PUBLISHING);
    Map<Instant, RollupRun.WindowResult> results = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (Instant w : run.windows()) {
      SparkApp.WindowStats stats = verdict.windows().get(String.valueOf(g.partition(w)));
      try {
        if (stats == null) {
          throw new IOException("the job reported no figures for window " + g.label(w));
        }
        List<CellCount> cells = aggregates.cells(g, run.id(), w);
        long events = cells.stream().mapToLong(CellCount::count).sum();
        if (cells.size() != stats.rowsOut() || events != stats.events()) {
          throw new IOException("window " + g.label(w) + ": the lake holds " + cells.size() + " rows / " + events
              + " events, the job wrote " + stats.rowsOut() + " / " + stats.events());
        }
        windows.replace(g, w, cells);
        aggregates.publish(g, w, new Aggregates.Pointer(run.id(), stats.rowsIn(), stats.rowsOut(), stats.events(),
            started.toEpochMilli(), System.currentTimeMillis()));
        records.put(w, records.get(w).with(RunState.FINISHED, stats.rowsIn(), stats.rowsOut(), run.sparkAppId(), ""));
        results.put(w, new RollupRun.WindowResult(w, RunState.FINISHED, stats.rowsIn(), stats.rowsOut(), stats.events(), ""));
      } catch (Exception e) {
        String error = "publishing " + g.label(w) + " failed: " + e.getMessage();
        errors.add(error);
        records.put(w, records.get(w).with(RunState.FAILED, 0, 0, run.sparkAppId(), error));
        results.put(w, new RollupRun.WindowResult(w, RunState.FAILED, 0, 0, 0, error));
        try {
          aggregates.discard(g, run.id(), w);
        } catch (IOException ignored) {
          // storage may be what failed; the run directory is never read again
        }
      }
    }
    RunState end = errors.isEmpty() ? RunState.FINISHED : RunState.FAILED;
    run.progress(end == RunState.FINISHED ? 1.0 : run.progress());
    return finish(run, listener, records, started, end, String.join("; ", errors), results);
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
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("rollup_runs: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
