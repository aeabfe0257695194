package io.heatlab.rollup;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's rows of {@code rollup_runs}, one per window, as the run goes: every window SUBMITTED,
 * then RUNNING, then each window's own end (FINISHED with its rows, or FAILED/KILLED with the
 * error). {@link #write} records them all as they stand.
 */
final class RunLedger {
  private final RollupRuns runs;
  private final RollupRun run;
  private final Instant started;
  private final Map<Instant, RollupRuns.Run> windows = new LinkedHashMap<>();

  /**
   * @param master the Spark master the run goes to (named in every row)
   */
  RunLedger(RollupRuns runs, RollupRun run, Instant started, String master) {
    this.runs = runs;
    this.run = run;
    this.started = started;
    for (Instant w : run.windows()) {
      windows.put(
          w,
          new RollupRuns.Run(
              run.id(),
              run.granularity(),
              w,
              RunState.SUBMITTED,
              0,
              0,
              started,
              null,
              "",
              "",
              master));
    }
  }

  Instant started() {
    return started;
  }

  /** Every window still open moves to {@code state} (RUNNING, or the run's end). */
  synchronized void all(RunState state, String error) {
    windows.replaceAll(
        (w, r) -> r.state().isFinal() ? r : r.with(state, 0, 0, run.sparkAppId(), error));
  }

  /** One window's end. */
  synchronized void window(Instant w, RunState state, long rowsIn, long rowsOut, String error) {
    windows.put(w, windows.get(w).with(state, rowsIn, rowsOut, run.sparkAppId(), error));
  }

  /**
   * Records every window's row as it stands; an IllegalStateException when ClickHouse refuses it.
   */
  synchronized void write() {
    try {
      runs.record(new ArrayList<>(windows.values()));
    } catch (SQLException e) {
      throw new IllegalStateException("rollup_runs: " + e.getMessage(), e);
    }
  }
}
