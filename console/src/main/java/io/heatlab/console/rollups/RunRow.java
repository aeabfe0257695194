package io.heatlab.console.rollups;

import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.RunState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * One rollup run launched from the console (or by the scheduler it runs): state, progress from the
 * spark-launcher handle and the job's listener, its log lines, cancel. Reports arrive on background
 * threads and are queued; {@link #flush()} applies them on the FX thread (the model calls it a few
 * times a second), so a chatty Spark log never floods the FX thread.
 */
public final class RunRow {
  static final int MAX_LOG_LINES = 5_000;
  private final RollupRun run;
  private final String windows;
  private final ReadOnlyObjectWrapper<RunState> state =
      new ReadOnlyObjectWrapper<>(RunState.SUBMITTED);
  private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
  private final ReadOnlyStringWrapper outcome = new ReadOnlyStringWrapper("");
  private final ObservableList<String> log = FXCollections.observableArrayList();
  private final ConcurrentLinkedQueue<String> pendingLines = new ConcurrentLinkedQueue<>();
  private volatile RunState pendingState = RunState.SUBMITTED;
  private volatile double pendingProgress;
  private volatile String pendingOutcome = "";

  RunRow(RollupRun run) {
    this.run = run;
    Granularity g = run.granularity();
    List<Instant> w = run.windows();
    this.windows =
        w.size() == 1
            ? g.label(w.get(0))
            : g.label(w.get(0)) + " … " + g.label(w.get(w.size() - 1)) + " (" + w.size() + ")";
  }

  void state(RunState s) {
    if (s == RunState.FINISHED) {
      pendingProgress =
          1.0; // before the state: a flush that sees FINISHED sees the full bar (volatile order)
    }
    pendingState = s; // last: flush() reads the state first
  }

  void progress(double fraction) {
    pendingProgress = Math.max(pendingProgress, fraction);
  }

  void line(String line) {
    pendingLines.add(line);
  }

  void ended(RollupRun.Result result) {
    pendingOutcome =
        result.error() == null || result.error().isBlank()
            ? String.format("%s in %.1f s", result.state(), result.duration().toMillis() / 1000.0)
            : result.state() + ": " + result.error();
    state(result.state());
  }

  /**
   * Applies queued reports (FX thread); the state is read first, so what was reported before it is
   * applied with it.
   */
  void flush() {
    RunState s = pendingState;
    double p = pendingProgress;
    String o = pendingOutcome;
    progress.set(p);
    outcome.set(o);
    state.set(s); // observers of the state see the progress and outcome that came with it
    if (!pendingLines.isEmpty()) {
      ArrayList<String> lines = new ArrayList<>();
      for (String l; (l = pendingLines.poll()) != null; ) {
        lines.add(l);
      }
      log.addAll(lines);
      if (log.size() > MAX_LOG_LINES) {
        log.remove(0, log.size() - MAX_LOG_LINES);
      }
    }
  }

  /** Stops the run's Spark application (blocks up to a few seconds: call off the FX thread). */
  public void cancel() {
    run.cancel();
  }

  public String id() {
    return run.id();
  }

  /** Spark's UI of the driver the run executes on (the warm driver's); empty if none. */
  public String sparkUi() {
    return run.sparkUi();
  }

  public Granularity granularity() {
    return run.granularity();
  }

  public String windows() {
    return windows;
  }

  public ReadOnlyObjectProperty<RunState> state() {
    return state.getReadOnlyProperty();
  }

  public ReadOnlyDoubleProperty progress() {
    return progress.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty outcome() {
    return outcome.getReadOnlyProperty();
  }

  public ObservableList<String> log() {
    return log;
  }

  public boolean running() {
    return !state.get().isFinal();
  }
}
