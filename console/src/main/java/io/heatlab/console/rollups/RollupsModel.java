package io.heatlab.console.rollups;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Background;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.Refresher;
import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.rollup.RollupScheduler;
import io.heatlab.rollup.RunState;
import io.heatlab.rollup.SparkEventLogs;
import io.heatlab.rollup.SparkHistory;
import io.heatlab.rollup.SparkSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Rollups view's state and commands: run hourly / daily / weekly over a window or a range
 * (finer windows that hold data but were never rolled up run first, as on the CLI), a row per run
 * with live state, progress and log, cancel (stops the Spark application: stop → 3 s → kill), the
 * history from {@code rollup_runs}, and the rollup scheduler on or off in this console.
 */
public final class RollupsModel {
  private static final Logger LOG = LoggerFactory.getLogger(RollupsModel.class);

  /** What the Rollups view drives: the rollup launcher, its history, the scheduler. */
  public interface Source {
    /** Finer windows under {@code windows} that hold data but were never rolled up. */
    Map<Granularity, List<Instant>> missingBelow(Granularity g, List<Instant> windows)
        throws Exception;

    /** Launches a run; reports go to {@code listener}. */
    RollupRun start(Granularity g, List<Instant> windows, RollupRun.Listener listener);

    /** The newest runs of {@code rollup_runs}, newest first. */
    List<RollupRuns.Run> history(int limit) throws Exception;

    /** Starts the rollup scheduler, its runs reported to {@code listener}; closing stops it. */
    AutoCloseable startScheduler(RollupRun.Listener listener);

    /** How often the scheduler looks for windows to roll up. */
    Duration schedulerInterval();

    /** Where runs execute, in words (the warm driver's state); empty when unknown. */
    default String sparkState() {
      return "";
    }

    /** What the scheduler would roll up now, and why (nothing runs). */
    default List<RollupScheduler.Due> plan() throws Exception {
      return List.of();
    }

    /**
     * Where Spark shows application {@code appId}'s history: the history server's page when one
     * answers, else empty. Blocking (a probe).
     */
    default Optional<String> sparkHistory(String appId) {
      return Optional.empty();
    }

    /** Where application {@code appId}'s event log lies, in words (for when no server answers). */
    default String eventLog(String appId) {
      return "";
    }

    /** The console's rollup launcher. */
    static Source of(ConsoleContext context) {
      return new Source() {
        @Override
        public Map<Granularity, List<Instant>> missingBelow(Granularity g, List<Instant> windows)
            throws Exception {
          return context.rollups().missingBelow(g, windows);
        }

        @Override
        public RollupRun start(Granularity g, List<Instant> windows, RollupRun.Listener listener) {
          return context.rollups().start(g, windows, listener);
        }

        @Override
        public List<RollupRuns.Run> history(int limit) throws Exception {
          return context.rollups().runs().history(limit);
        }

        private volatile RollupScheduler running; // the console's scheduler, while on

        private RollupScheduler scheduler(RollupRun.Listener listener) {
          return new RollupScheduler(
              context.rollups(),
              context.windows(),
              RollupScheduler.Settings.of(context.config()),
              Clock.systemUTC(),
              listener);
        }

        @Override
        public AutoCloseable startScheduler(RollupRun.Listener listener) {
          RollupScheduler s = scheduler(listener);
          s.start();
          running = s;
          return () -> {
            running = null;
            s.close();
          };
        }

        @Override
        public List<RollupScheduler.Due> plan() throws Exception {
          RollupScheduler s = running; // its retries' back-off included
          if (s != null) {
            return s.plan();
          }
          try (RollupScheduler fresh = scheduler(new RollupRun.Listener() {})) {
            return fresh.plan();
          }
        }

        @Override
        public String sparkState() {
          return context.sparkDriverState();
        }

        @Override
        public Optional<String> sparkHistory(String appId) {
          return SparkHistory.answers(context.config())
              ? Optional.of(SparkHistory.appUrl(context.config(), appId))
              : Optional.empty();
        }

        @Override
        public String eventLog(String appId) {
          Path dir = SparkSettings.eventLogDir(context.config());
          return SparkEventLogs.of(dir, appId)
              .map(Path::toString)
              .orElse(
                  "no event log of " + appId + " in " + dir + " (pruned, or launched elsewhere)");
        }

        @Override
        public Duration schedulerInterval() {
          return RollupScheduler.Settings.of(context.config()).interval();
        }
      };
    }
  }

  /** Where a run's Spark history is: the server's page, else its event log. */
  private record History(Optional<String> url, String eventLog) {}

  /** One sample of the history refresh. */
  private record Sampled(List<RollupRuns.Run> runs, String spark) {}

  private final Source source;
  private final Executor background;
  private final ObservableList<RunRow> runs = FXCollections.observableArrayList();
  private final ObservableList<RollupRuns.Run> history = FXCollections.observableArrayList();
  private final ObservableList<RollupScheduler.Due> plan = FXCollections.observableArrayList();
  private final Map<String, RunRow> byId = new ConcurrentHashMap<>();
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private final BooleanProperty schedulerOn = new SimpleBooleanProperty(false);
  private final Failure failure;
  private final ReadOnlyStringWrapper spark = new ReadOnlyStringWrapper("");
  private final Refresher<Sampled> historyRefresher;
  private final ScheduledFuture<?> flusher;
  private AutoCloseable scheduler;

  public RollupsModel(ConsoleContext context) {
    this(Source.of(context), context.timers(), context.background());
  }

  /** A model over {@code source}: history sampled and rows flushed on {@code timers}. */
  RollupsModel(Source source, ScheduledExecutorService timers, ExecutorService background) {
    this.source = source;
    this.background = background;
    this.failure = new Failure(this::refreshHistory);
    this.historyRefresher =
        new Refresher<>(
            timers,
            background,
            Duration.ofSeconds(10),
            "rollup history",
            () -> new Sampled(source.history(300), source.sparkState()),
            s -> {
              history.setAll(s.runs());
              spark.set(s.spark());
            },
            failure);
    this.flusher =
        timers.scheduleAtFixedRate(
            () -> Platform.runLater(this::flush), 250, 250, TimeUnit.MILLISECONDS);
    schedulerOn.addListener((o, was, on) -> scheduler(on));
  }

  /**
   * Runs {@code g} over the windows from {@code fromLabel} to {@code toLabel} inclusive (labels as
   * on the CLI: 2026-11-25T10, 2026-11-25, 2026-W48; an empty "to" means the one window). Bad input
   * is answered in {@link #message()}, nothing is started.
   */
  public void run(Granularity g, String fromLabel, String toLabel) {
    List<Instant> windows;
    try {
      Instant from = g.parse(fromLabel.strip());
      Instant to = toLabel == null || toLabel.isBlank() ? from : g.parse(toLabel.strip());
      if (to.isBefore(from)) {
        throw new IllegalArgumentException(
            "'to' (" + toLabel + ") is before 'from' (" + fromLabel + ")");
      }
      windows = g.windows(from, g.end(to));
    } catch (IllegalArgumentException e) {
      message.set("Not started: " + e.getMessage());
      return;
    }
    message.set(
        "starting "
            + g.name().toLowerCase()
            + " "
            + fromLabel
            + (toLabel == null || toLabel.isBlank() ? "" : " … " + toLabel));
    background.execute(() -> runWithFinerFirst(g, windows));
  }

  /** An hourly rollup of one hour (the Storage view's "Roll up this hour"). */
  public void runHour(Instant hour) {
    run(Granularity.HOURLY, Granularity.HOURLY.label(hour), "");
  }

  private void runWithFinerFirst(Granularity g, List<Instant> windows) {
    try {
      for (var finer : source.missingBelow(g, windows).entrySet()) {
        RollupRun.Result r = start(finer.getKey(), finer.getValue()).await();
        if (!r.succeeded()) {
          Platform.runLater(
              () ->
                  message.set(
                      g.name().toLowerCase()
                          + " not started: its "
                          + finer.getKey().name().toLowerCase()
                          + " windows ended "
                          + r.state()));
          return;
        }
      }
      start(g, windows);
      Platform.runLater(() -> message.set(""));
    } catch (Exception e) {
      failure.report("starting the rollup", e);
    }
  }

  private RollupRun start(Granularity g, List<Instant> windows) {
    RollupRun run = source.start(g, windows, listener);
    row(run);
    return run;
  }

  private final RollupRun.Listener listener =
      new RollupRun.Listener() {
        @Override
        public void state(RollupRun run, RunState state) {
          row(run).state(state);
        }

        @Override
        public void progress(RollupRun run, double fraction) {
          row(run).progress(fraction);
        }

        @Override
        public void line(RollupRun run, String line) {
          row(run).line(line);
        }
      };

  private RunRow row(RollupRun run) {
    return byId.computeIfAbsent(
        run.id(),
        id -> {
          RunRow row = new RunRow(run);
          Platform.runLater(() -> runs.add(0, row));
          background.execute(
              () -> {
                try {
                  row.ended(run.await());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  LOG.warn("rollup run {} ended abnormally", id, e);
                }
                refreshHistory();
              });
          return row;
        });
  }

  /** Cancels a run off the FX thread (stopping a Spark application can take a few seconds). */
  public void cancel(RunRow row) {
    background.execute(row::cancel);
  }

  private void flush() {
    runs.forEach(RunRow::flush);
  }

  private void scheduler(boolean on) {
    if (on && scheduler == null) {
      scheduler = source.startScheduler(listener);
      message.set("scheduler on: every " + source.schedulerInterval().toSeconds() + " s");
    } else if (!on && scheduler != null) {
      AutoCloseable s = scheduler;
      scheduler = null;
      background.execute(() -> closeQuietly(s));
      message.set("scheduler off");
    }
  }

  /** The scheduler's plan: what a pass would roll up now, and why. */
  public ObservableList<RollupScheduler.Due> plan() {
    return plan;
  }

  /** Opens Spark's UI of the driver running {@code row} (the warm driver's), or says why not. */
  public void openSparkUi(RunRow row, Consumer<String> open) {
    if (row.sparkUi().isEmpty()) {
      message.set(
          "run "
              + row.id()
              + " has no live Spark UI: it is not on the warm driver (launched as its own"
              + " application, UI off) or has not started — see its history once it ends");
      return;
    }
    message.set("");
    open.accept(row.sparkUi() + "/jobs/");
  }

  /**
   * Opens a finished run in Spark's history server ({@code open} gets its URL on the FX thread);
   * without one answering, says where the event log lies and how to browse it.
   */
  public void openInSparkHistory(RollupRuns.Run run, Consumer<String> open) {
    String app = run.sparkAppId();
    if (app == null || app.isBlank()) {
      message.set("run " + run.runId() + " has no Spark application recorded (it never started)");
      return;
    }
    Background.run(
        background,
        failure,
        "finding the Spark history of " + app,
        () -> {
          Optional<String> url = source.sparkHistory(app);
          return new History(url, url.isPresent() ? "" : source.eventLog(app));
        },
        found -> {
          found.url().ifPresent(open);
          message.set(
              found.url().isPresent()
                  ? ""
                  : "Spark history server not running — start it with "
                      + HeatlabCommand.name()
                      + " spark-history;"
                      + " event log: "
                      + found.eventLog());
        });
  }

  /** Asks the scheduler for its plan again (off the FX thread). */
  public void refreshPlan() {
    Background.run(background, failure, "the scheduler's plan", source::plan, plan::setAll);
  }

  public void refreshHistory() {
    historyRefresher.now();
  }

  public void start() {
    historyRefresher.start();
  }

  public void close() {
    historyRefresher.stop();
    flusher.cancel(false);
    if (scheduler != null) {
      closeQuietly(scheduler);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("stopping the rollup scheduler failed", e);
    }
  }

  public ObservableList<RunRow> runs() {
    return runs;
  }

  public ObservableList<RollupRuns.Run> history() {
    return history;
  }

  /** Where runs execute: the warm driver's state (refreshed with the history). */
  public ReadOnlyStringProperty spark() {
    return spark.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty message() {
    return message.getReadOnlyProperty();
  }

  public BooleanProperty schedulerOn() {
    return schedulerOn;
  }

  public Failure failure() {
    return failure;
  }
}
