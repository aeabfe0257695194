package io.heatlab.console.rollups;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.testing.FxTesting;
import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.rollup.RunState;
import io.heatlab.rollup.ScriptedRuns;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Rollups view's model over a scripted launcher: what it starts for a form's input, finer
 * windows first, rows that follow their runs, history refreshed when a run ends, the scheduler.
 */
class RollupsModelTest {
  private static final Instant H10 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant H11 = Instant.parse("2026-11-25T11:00:00Z");
  private static final Instant H12 = Instant.parse("2026-11-25T12:00:00Z");
  private static final Instant DAY = Instant.parse("2026-11-25T00:00:00Z");

  /** A run the model started, with the listener it gave. */
  record Started(RollupRun run, RollupRun.Listener listener) {
    void end(RunState state) {
      ScriptedRuns.end(run, state, listener);
    }
  }

  private final LinkedBlockingQueue<Started> started = new LinkedBlockingQueue<>();
  private final AtomicInteger historyReads = new AtomicInteger();
  private final AtomicBoolean schedulerRunning = new AtomicBoolean();
  private volatile Map<Granularity, List<Instant>> missing = Map.of();
  private volatile boolean historyServer;
  private volatile List<RollupRuns.Run> historyRows = List.of();
  @TempDir Path prefsDir;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService background = Executors.newCachedThreadPool();
  private RollupsModel model;

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @BeforeEach
  void model() {
    AtomicInteger ids = new AtomicInteger();
    model =
        new RollupsModel(
            new RollupsModel.Source() {
              @Override
              public Map<Granularity, List<Instant>> missingBelow(
                  Granularity g, List<Instant> windows) {
                return missing;
              }

              @Override
              public RollupRun start(
                  Granularity g, List<Instant> windows, RollupRun.Listener listener) {
                RollupRun run = ScriptedRuns.submitted("run-" + ids.incrementAndGet(), g, windows);
                started.add(new Started(run, listener));
                return run;
              }

              @Override
              public List<RollupRuns.Run> history(int limit) {
                historyReads.incrementAndGet();
                return historyRows;
              }

              @Override
              public AutoCloseable startScheduler(RollupRun.Listener listener) {
                schedulerRunning.set(true);
                return () -> schedulerRunning.set(false);
              }

              @Override
              public Duration schedulerInterval() {
                return Duration.ofMinutes(5);
              }

              @Override
              public Optional<String> sparkHistory(String appId) {
                return historyServer
                    ? Optional.of("http://127.0.0.1:18090/history/" + appId + "/jobs/")
                    : Optional.empty();
              }

              @Override
              public String eventLog(String appId) {
                return "/data/spark/events/eventlog_v2_" + appId;
              }
            },
            timers,
            background);
  }

  @AfterEach
  void close() {
    model.close();
    timers.shutdownNow();
    background.shutdownNow();
  }

  @Test
  void aLabelThatIsNoWindowStartsNothingAndSaysWhy() throws Exception {
    FxTesting.run(() -> model.run(Granularity.HOURLY, "yesterday", ""));
    assertThat(model.message().get()).startsWith("Not started: ");
    FxTesting.run(() -> model.run(Granularity.HOURLY, "2026-11-25T12", "2026-11-25T10"));
    assertThat(model.message().get()).contains("'to' (2026-11-25T10) is before 'from'");
    assertThat(started.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aRangeIsOneRunWhoseRowFollowsItToItsEnd() throws Exception {
    FxTesting.run(() -> model.run(Granularity.HOURLY, "2026-11-25T10", "2026-11-25T12"));
    Started s = started.poll(10, TimeUnit.SECONDS);
    assertThat(s.run().windows()).containsExactly(H10, H11, H12);
    await(() -> model.runs().size() == 1);
    RunRow row = model.runs().get(0);
    assertThat(row.windows()).isEqualTo("2026-11-25T10 … 2026-11-25T12 (3)");
    int readsBefore = historyReads.get();

    ScriptedRuns.state(s.run(), RunState.RUNNING, s.listener());
    await(() -> row.state().get() == RunState.RUNNING);
    s.end(RunState.FINISHED);
    await(() -> row.state().get() == RunState.FINISHED);
    assertThat(row.progress().get()).isEqualTo(1.0);
    assertThat(row.outcome().get()).startsWith("FINISHED in ");
    await(() -> historyReads.get() > readsBefore); // the ended run shows in the history
  }

  @Test
  void aRunLinksToTheWarmDriversSparkUiAndAFinishedOneToSparksHistory() throws Exception {
    List<String> opened = new CopyOnWriteArrayList<>();
    FxTesting.run(() -> model.run(Granularity.HOURLY, "2026-11-25T10", ""));
    Started s = started.poll(10, TimeUnit.SECONDS);
    await(() -> model.runs().size() == 1);
    RunRow row = model.runs().get(0);
    FxTesting.run(() -> model.openSparkUi(row, opened::add));
    assertThat(model.message().get()).contains("has no live Spark UI");
    ScriptedRuns.onDriver(s.run(), "http://127.0.0.1:4041");
    FxTesting.run(() -> model.openSparkUi(row, opened::add));
    assertThat(opened).containsExactly("http://127.0.0.1:4041/jobs/");

    RollupRuns.Run done = finishedRun("local-42");
    FxTesting.run(() -> model.openInSparkHistory(done, opened::add));
    await(() -> model.message().get().startsWith("Spark history server not running"));
    assertThat(model.message().get())
        .endsWith("./heatlab spark-history; event log: /data/spark/events/eventlog_v2_local-42");
    historyServer = true;
    FxTesting.run(() -> model.openInSparkHistory(done, opened::add));
    await(() -> opened.size() == 2);
    assertThat(opened).last().isEqualTo("http://127.0.0.1:18090/history/local-42/jobs/");
    s.end(RunState.FINISHED);
  }

  /**
   * The Rollups view on the headless toolkit: the form's Run starts the run and its row, the row's
   * log follows it, Spark UI opens the warm driver's UI, the history's button opens Spark's
   * history, the scheduler's switch drives the model, and the choices are remembered.
   */
  @Test
  void theViewRunsWhatTheFormSaysAndLinksToSpark() throws Exception {
    List<String> opened = new CopyOnWriteArrayList<>();
    ConsolePrefs prefs = new ConsolePrefs(prefsDir.resolve("prefs.properties"));
    Parent[] roots = new Parent[1];
    FxTesting.run(
        () -> roots[0] = FxTesting.laidOut(new RollupsView(model, prefs, opened::add).root()));
    Parent root = roots[0];
    FxTesting.run(
        () -> {
          ((TextField) root.lookup("#window-from")).setText("2026-11-25T10");
          ((TextField) root.lookup("#window-to")).setText("2026-11-25T11");
          ((Button) root.lookup("#run-rollup")).fire();
        });
    Started s = started.poll(10, TimeUnit.SECONDS);
    assertThat(s.run().windows()).containsExactly(H10, H11);
    assertThat(prefs.get("rollups.from", "")).isEqualTo("2026-11-25T10");
    TableView<?> runs = (TableView<?>) root.lookup("#runs");
    await(() -> runs.getItems().size() == 1 && runs.getSelectionModel().getSelectedIndex() == 0);
    ScriptedRuns.onDriver(s.run(), "http://127.0.0.1:4041");
    ScriptedRuns.state(s.run(), RunState.RUNNING, s.listener());
    FxTesting.run(() -> ((Button) root.lookup("#run-spark-ui")).fire());
    assertThat(opened).containsExactly("http://127.0.0.1:4041/jobs/");
    s.listener().line(s.run(), "HEATLAB_TOTAL rows_in=10 rows_out=5 events=10");
    ListView<?> log = (ListView<?>) root.lookup("#run-log");
    await(() -> log.getItems().contains("HEATLAB_TOTAL rows_in=10 rows_out=5 events=10"));
    historyRows = List.of(finishedRun("local-7"));
    s.end(RunState.FINISHED); // the history is read again when a run ends

    Button inHistory = (Button) root.lookup("#history-spark");
    assertThat(inHistory.isDisabled()).as("no history run chosen").isTrue();
    TableView<?> history = (TableView<?>) root.lookup("#history");
    await(() -> history.getItems().size() == 1);
    FxTesting.run(() -> history.getSelectionModel().select(0));
    historyServer = true;
    FxTesting.run(inHistory::fire);
    await(() -> opened.size() == 2);
    assertThat(opened).last().isEqualTo("http://127.0.0.1:18090/history/local-7/jobs/");

    FxTesting.run(() -> ((CheckBox) root.lookup("#scheduler")).setSelected(true));
    await(schedulerRunning::get);
  }

  @Test
  void aDayWhoseHoursWereNeverRolledUpRunsThemFirst() throws Exception {
    missing = Map.of(Granularity.HOURLY, List.of(H10, H11));
    FxTesting.run(() -> model.run(Granularity.DAILY, "2026-11-25", ""));
    Started hours = started.poll(10, TimeUnit.SECONDS);
    assertThat(hours.run().granularity()).isEqualTo(Granularity.HOURLY);
    assertThat(hours.run().windows()).containsExactly(H10, H11);
    assertThat(started.poll(200, TimeUnit.MILLISECONDS)).as("the day waits for its hours").isNull();

    missing = Map.of();
    hours.end(RunState.FINISHED);
    Started day = started.poll(10, TimeUnit.SECONDS);
    assertThat(day.run().granularity()).isEqualTo(Granularity.DAILY);
    assertThat(day.run().windows()).containsExactly(DAY);
    await(() -> model.runs().size() == 2);
  }

  @Test
  void aDayIsNotStartedWhenItsHoursFail() throws Exception {
    missing = Map.of(Granularity.HOURLY, List.of(H10));
    FxTesting.run(() -> model.run(Granularity.DAILY, "2026-11-25", ""));
    started.poll(10, TimeUnit.SECONDS).end(RunState.FAILED);
    await(() -> model.message().get().equals("daily not started: its hourly windows ended FAILED"));
    assertThat(started.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void theSchedulerRunsWhileItsSwitchIsOn() throws Exception {
    FxTesting.run(() -> model.schedulerOn().set(true));
    assertThat(schedulerRunning).isTrue();
    assertThat(model.message().get()).isEqualTo("scheduler on: every 300 s");
    FxTesting.run(() -> model.schedulerOn().set(false));
    await(() -> !schedulerRunning.get());
    assertThat(model.message().get()).isEqualTo("scheduler off");
  }

  /**
   * Run run-1 of hour H10 as its history records it: FINISHED on local[*] as Spark app {@code
   * appId}.
   */
  private static RollupRuns.Run finishedRun(String appId) {
    return new RollupRuns.Run(
        "run-1",
        Granularity.HOURLY,
        H10,
        RunState.FINISHED,
        10,
        5,
        H10,
        H11,
        appId,
        "",
        "local[*]");
  }
}
