package io.heatlab.cli;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.RollupScheduler;
import io.heatlab.rollup.Rollups;
import io.heatlab.stack.Stack;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Run the rollup scheduler in the foreground against the running stack (./heatlab up runs it by itself",
      "when rollup.scheduler.enabled=true): closed hours, then days, then weeks; late data reruns its windows."
    })
final class RollupScheduleCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(names = "--once", description = "One pass, then exit (non-zero if a run failed).")
  boolean once;

  @Option(
      names = "--plan",
      description =
          "Print what a pass would roll up now and why (every hour checked), run nothing.")
  boolean plan;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    try (Stack stack = RunningStack.require(config);
        Rollups rollups = new Rollups(config, stack.endpoints())) {
      RollupScheduler scheduler =
          new RollupScheduler(
              rollups,
              new HeatmapWindows(new ClickHouseJdbc(config, stack.endpoints())),
              RollupScheduler.Settings.of(config),
              Clock.systemUTC(),
              new RollupRun.Listener() {});
      if (plan) {
        List<RollupScheduler.Due> due = scheduler.plan();
        System.out.println(due.isEmpty() ? "nothing to roll up" : due.size() + " window(s) due:");
        for (RollupScheduler.Due d : due) {
          System.out.printf(
              "  %-7s %-14s %s%n",
              d.granularity().name().toLowerCase(), d.granularity().label(d.window()), d.why());
        }
        scheduler.close();
        return 0;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(scheduler::close));
      boolean failed = false;
      do {
        RollupScheduler.Pass pass = scheduler.pass();
        if (pass.runs().isEmpty()) {
          System.out.println(Instant.now() + "  nothing to roll up");
        }
        for (RollupRun.Result r : pass.runs().values()) {
          Granularity g = r.granularity();
          List<Instant> w = List.copyOf(r.windows().keySet());
          System.out.printf(
              "%s  %-7s %s … %s (%d windows): %s in %.1f s %s%n",
              Instant.now(),
              g.name().toLowerCase(),
              g.label(w.get(0)),
              g.label(w.get(w.size() - 1)),
              w.size(),
              r.state(),
              r.duration().toMillis() / 1000.0,
              r.error());
          failed |= !r.succeeded();
        }
        pass.dropped()
            .forEach(
                (g, parts) ->
                    System.out.println(
                        "retention dropped " + parts.size() + " partition(s) of " + g.table()));
        if (pass.storage().deleted() > 0) {
          System.out.println("storage retention " + pass.storage().line());
        }
        if (!once) {
          Thread.sleep(config.getLong(HeatlabConfig.ROLLUP_SCHEDULER_INTERVAL_MS));
        }
      } while (!once);
      return failed ? 1 : 0;
    }
  }
}
