package io.heatlab.cli;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.rollup.Rollups;
import io.heatlab.stack.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "The latest rollup runs, from rollup_runs.")
final class RollupHistoryCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--limit",
      defaultValue = "30",
      description = "How many (run, window) rows. Default ${DEFAULT-VALUE}.")
  int limit;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    try (Stack stack = RunningStack.require(config);
        Rollups rollups = new Rollups(config, stack.endpoints())) {
      System.out.printf(
          "%-32s %-7s %-14s %-10s %12s %10s %-20s %8s  %-24s %s%n",
          "RUN",
          "JOB",
          "WINDOW",
          "STATE",
          "ROWS IN",
          "ROWS OUT",
          "STARTED",
          "SECONDS",
          "SPARK MASTER",
          "ERROR");
      for (RollupRuns.Run r : rollups.runs().history(limit)) {
        System.out.printf(
            "%-32s %-7s %-14s %-10s %,12d %,10d %-20s %8s  %-24s %s%n",
            r.runId(),
            r.granularity().name().toLowerCase(),
            r.granularity().label(r.window()),
            r.state(),
            r.rowsIn(),
            r.rowsOut(),
            r.startedAt(),
            r.finishedAt() == null
                ? "-"
                : String.format(
                    "%.0f",
                    (r.finishedAt().toEpochMilli() - r.startedAt().toEpochMilli()) / 1000.0),
            r.sparkMaster().isEmpty() ? "-" : r.sparkMaster(),
            r.error().length() > 100 ? r.error().substring(0, 100) + "…" : r.error());
      }
    }
    return 0;
  }
}
