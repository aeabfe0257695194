package io.heatlab.rollup;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run's plan: the job's arguments (every window with its input paths; none: an empty window) and,
 * for each daily/weekly window, what its inputs hold according to the finer windows' pointers — the
 * publish checks the job's output against it.
 */
record RunPlan(List<String> args, Map<Instant, Expected> inputs) {
  /** Rows and events the finer windows of a daily/weekly window hold. */
  record Expected(long rows, long events) {}

  RunPlan {
    args = List.copyOf(args);
    inputs = Map.copyOf(inputs);
  }
}
