package io.heatlab.rollup;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.CellCount;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.olap.Retention;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.SparkAppHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rollups: plans a Spark application over windows of one granularity ({@link RunPlanner}),
 * launches it ({@link SparkApp}), then publishes each window ({@link RunPublisher}) — the Parquet
 * the job wrote to the lake ({@link Aggregates}) replaces the window in ClickHouse atomically
 * ({@link HeatmapWindows}) and becomes the window's current aggregate — and records every state
 * change in {@code rollup_runs} ({@link RunLedger}). A failed or killed run publishes nothing:
 * ClickHouse and the lake's current aggregates keep the window's previous data.
 *
 * <p>One application runs at a time per data directory ({@link PublishLock}) because runs of a
 * window share its staging partition, and two cores gain nothing from two Spark drivers; later runs
 * wait in SUBMITTED.
 */
public final class Rollups implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);
  private static final String JOB_CLASS = "io.heatlab.rollup.job.RollupJob";

  /** How long a run waits for a warm driver that is still warming up. */
  private static final Duration WARMING_UP = Duration.ofMinutes(3);

  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private final SparkSettings spark;
  private final ObjectStore store;
  private final LandingLayout layout;
  private final String aggregatesPrefix;
  private final LandingIndex landing;
  private final Aggregates aggregates;
  private final RollupRuns runs;
  private final RunPlanner planner;
  private final RunPublisher publisher;
  private final Set<RollupRun> active = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "heatlab-rollup");
            t.setDaemon(true);
            return t;
          });

  public Rollups(HeatlabConfig config, StackEndpoints endpoints) {
    this(
        SparkSettings.of(config, endpoints),
        endpoints.objectStore(config),
        new LandingLayout(LandingLayout.DEFAULT_PREFIX),
        config.getString(HeatlabConfig.ROLLUP_AGGREGATES_PREFIX),
        new ClickHouseJdbc(config, endpoints));
  }

  /**
   * Rollups of the events landed under {@code layout} (every format present), lake aggregates under
   * the prefix.
   */
  public Rollups(
      SparkSettings spark,
      ObjectStore store,
      LandingLayout layout,
      String aggregatesPrefix,
      ClickHouseJdbc jdbc) {
    this.spark = spark;
    this.store = store;
    this.layout = layout;
    this.aggregatesPrefix = aggregatesPrefix;
    this.landing = new LandingIndex(store, layout);
    this.aggregates = new Aggregates(store, aggregatesPrefix);
    this.runs = new RollupRuns(jdbc);
    this.planner = new RunPlanner(spark, store, layout, landing, aggregates);
    this.publisher = new RunPublisher(aggregates, new HeatmapWindows(jdbc));
  }

  /** The Spark master this service's runs go to (local[*], or a spark:// master). */
  public String sparkMaster() {
    return spark.master();
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

  /**
   * The storage retention of what these rollups read (raw events, landing manifests) and write
   * (aggregates); {@code clickhouse} is the retention whose windows' aggregates are always kept.
   */
  public StorageRetention storageRetention(StorageRetention.Kept kept, Retention clickhouse) {
    return new StorageRetention(store, layout, aggregatesPrefix, kept, clickhouse);
  }

  /** The runs this instance started that have not ended yet (a snapshot). */
  public List<RollupRun> inFlight() {
    return List.copyOf(active);
  }

  /**
   * Starts a run over {@code windowStarts} of {@code g} in the background. A window that holds
   * events and for which the run finds none is left as it is and FAILED (its input is gone or
   * unreadable: replacing a published window with nothing would lose its counts).
   */
  public RollupRun start(Granularity g, List<Instant> windowStarts, RollupRun.Listener listener) {
    return start(g, windowStarts, false, listener);
  }

  /**
   * Same; with {@code replaceWithEmpty}, a window for which the run finds no events is emptied even
   * if it held some (the operator's explicit choice, e.g. after deleting landed objects on
   * purpose).
   */
  public RollupRun start(
      Granularity g,
      List<Instant> windowStarts,
      boolean replaceWithEmpty,
      RollupRun.Listener listener) {
    if (windowStarts.isEmpty()) {
      throw new IllegalArgumentException("no window to roll up");
    }
    String id =
        RUN_ID.format(LocalDateTime.now(ZoneOffset.UTC))
            + "-"
            + g.name().toLowerCase()
            + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    RollupRun run = new RollupRun(id, g, windowStarts, replaceWithEmpty);
    active.add(run);
    executor.execute(
        () -> {
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
  public RollupRun.Result run(
      Granularity g, List<Instant> windowStarts, RollupRun.Listener listener)
      throws InterruptedException {
    return start(g, windowStarts, listener).await();
  }

  /**
   * The finer windows below {@code windowStarts} of {@code g} that hold data but were never rolled
   * up, per granularity, finest first — what must run before {@code g} can be exact.
   */
  public Map<Granularity, List<Instant>> missingBelow(Granularity g, List<Instant> windowStarts)
      throws IOException {
    return planner.missingBelow(g, windowStarts);
  }

  /**
   * One run, in call order: record, lock, sweep orphans, plan, launch Spark, check, publish, record
   * the end.
   */
  private RollupRun.Result execute(RollupRun run, RollupRun.Listener listener) throws Exception {
    RunLedger ledger = new RunLedger(runs, run, Instant.now(), spark.master());
    try {
      ledger.write();
    } catch (RuntimeException e) {
      return finish(
          run,
          listener,
          ledger,
          RunState.FAILED,
          "ClickHouse unreachable: " + e.getMessage(),
          Map.of());
    }
    listener.state(run, RunState.SUBMITTED);
    // one at a time on this machine: the CLI, the console and ./heatlab up's scheduler may all run
    // rollups
    try (PublishLock lock = PublishLock.acquire(spark.lockFile())) {
      sweepOrphans(run.id());
      if (run.cancelled()) {
        return finish(
            run, listener, ledger, RunState.KILLED, "cancelled before it started", Map.of());
      }
      RunPlan plan;
      try {
        plan = planner.plan(run);
      } catch (IOException e) {
        return finish(
            run, listener, ledger, RunState.FAILED, "planning failed: " + e.getMessage(), Map.of());
      }
      RollupApp app = launch(run, plan, events(run, listener, ledger));
      run.attach(app);
      SparkApp.Verdict verdict = app.await(spark.timeout());
      run.sparkAppId(verdict.appId());
      if (!verdict.succeeded() || run.cancelled()) {
        RunState end =
            run.cancelled() || verdict.state() == SparkAppHandle.State.KILLED
                ? RunState.KILLED
                : RunState.FAILED;
        publisher.discardAll(run);
        return finish(
            run,
            listener,
            ledger,
            end,
            end == RunState.KILLED ? "stopped by request" : verdict.error(),
            Map.of());
      }
      run.state(RunState.PUBLISHING);
      listener.state(run, RunState.PUBLISHING);
      Map<Instant, List<CellCount>> cells;
      try {
        cells = publisher.checked(run, verdict.totals(), plan);
      } catch (Exception e) {
        publisher.discardAll(run);
        return finish(
            run,
            listener,
            ledger,
            RunState.FAILED,
            "checking the job's output failed: " + e.getMessage(),
            Map.of());
      }
      Map<Instant, RollupRun.WindowResult> results = publisher.publish(run, ledger, plan, cells);
      String errors =
          String.join(
              "; ",
              results.values().stream()
                  .map(RollupRun.WindowResult::error)
                  .filter(e -> !e.isEmpty())
                  .toList());
      RunState end = errors.isEmpty() ? RunState.FINISHED : RunState.FAILED;
      if (end == RunState.FINISHED) {
        run.progress(1.0);
      }
      return finish(run, listener, ledger, end, errors, results);
    }
  }

  /**
   * The run in Spark: on the warm driver when one is running (waiting for one still warming up,
   * which is faster than a cold launch beside it on two cores), else in an application of its own
   * (cold launch: the fallback, e.g. while the driver restarts, or with {@code
   * rollup.driver.warm=false}).
   */
  private RollupApp launch(RollupRun run, RunPlan plan, SparkApp.Events events) throws Exception {
    if (spark.warmDriver()) {
      Optional<WarmDriver> warm = WarmDriver.await(spark.driverFiles(), WARMING_UP);
      if (warm.isPresent()) {
        try {
          run.sparkUi(warm.get().ui());
          return warm.get()
              .submit(run.id(), plan.args(), events, spark.logDir().resolve(run.id() + ".log"));
        } catch (IOException | IllegalArgumentException e) {
          LOG.warn("rollup run {}: the warm driver refused it ({}); launching cold", run.id(), e);
          run.sparkUi("");
        }
      } else {
        LOG.info("rollup run {}: no warm Spark driver answers; launching an application", run.id());
      }
    }
    return SparkApp.launch(spark, run.id(), JOB_CLASS, plan.args(), events);
  }

  /**
   * The Spark application's reports, passed on to the run and its listener; RUNNING is recorded
   * once.
   */
  private SparkApp.Events events(RollupRun run, RollupRun.Listener listener, RunLedger ledger) {
    return new SparkApp.Events() {
      private boolean running;

      @Override
      public void state(SparkAppHandle.State s, String appId) {
        run.sparkAppId(appId);
        if (s == SparkAppHandle.State.RUNNING && !running) {
          running = true;
          run.state(RunState.RUNNING);
          listener.state(run, RunState.RUNNING);
          ledger.all(RunState.RUNNING, "");
          try {
            ledger.write();
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
    };
  }

  /**
   * Holding the lock, no other run of this data directory is in progress: a run still recorded as
   * SUBMITTED/RUNNING/PUBLISHING (other than {@code current}) lost its process or could not record
   * its end (e.g. ClickHouse was down then). Record it FAILED, so history tells the truth.
   */
  private void sweepOrphans(String current) {
    try {
      int orphans = runs.failOrphans(current);
      if (orphans > 0) {
        LOG.info("recorded {} orphaned rollup run window(s) as FAILED", orphans);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("could not sweep orphaned rollup runs: {}", e.toString());
    }
  }

  /**
   * The run's end: windows without a result of their own take {@code end}; recorded, reported,
   * returned.
   */
  private RollupRun.Result finish(
      RollupRun run,
      RollupRun.Listener listener,
      RunLedger ledger,
      RunState end,
      String error,
      Map<Instant, RollupRun.WindowResult> results) {
    Map<Instant, RollupRun.WindowResult> all = new LinkedHashMap<>();
    for (Instant w : run.windows()) {
      all.put(w, results.getOrDefault(w, new RollupRun.WindowResult(w, end, 0, 0, 0, error)));
    }
    ledger.all(end, error);
    String recordError = "";
    try {
      ledger.write();
    } catch (RuntimeException e) {
      recordError = " (and rollup_runs could not be written: " + e.getMessage() + ")";
    }
    run.state(end);
    listener.state(run, end);
    if (end != RunState.FINISHED) {
      LOG.warn("rollup run {} {}: {}{}", run.id(), end, error, recordError);
    }
    return new RollupRun.Result(
        run.id(),
        run.granularity(),
        end,
        run.sparkAppId(),
        Duration.between(ledger.started(), Instant.now()),
        all,
        error + recordError);
  }

  /**
   * Stops the runs still going — each Spark application stopped (stop → 3 s → kill) and its windows
   * recorded KILLED, as a Cancel does — then the executor.
   */
  @Override
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
