package io.heatlab.rollup;

import io.heatlab.olap.Granularity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Rollup runs that a test drives by hand — for callers of {@link Rollups} (the console's Rollups
 * model) tested without Spark: a run is created SUBMITTED, its listener is told what a real run
 * would tell it, and it ends in the state the test chooses.
 */
public final class ScriptedRuns {
  private ScriptedRuns() {}

  /** A SUBMITTED run of {@code g} over {@code windows}. */
  public static RollupRun submitted(String id, Granularity g, List<Instant> windows) {
    return new RollupRun(id, g, windows, false);
  }

  /** Moves {@code run} to {@code state} and tells {@code listener}, as a running rollup does. */
  /** The run is on a warm driver whose Spark UI is {@code url}. */
  public static void onDriver(RollupRun run, String url) {
    run.sparkUi(url);
  }

  public static void state(RollupRun run, RunState state, RollupRun.Listener listener) {
    run.state(state);
    listener.state(run, state);
  }

  /** Ends {@code run} in {@code state} (its listener told), with no window written. */
  public static RollupRun.Result end(RollupRun run, RunState state, RollupRun.Listener listener) {
    state(run, state, listener);
    RollupRun.Result result =
        new RollupRun.Result(
            run.id(),
            run.granularity(),
            state,
            "",
            Duration.ZERO,
            Map.of(),
            state == RunState.FINISHED ? null : "ended " + state + " by the test");
    run.result.complete(result);
    return result;
  }
}
