package io.heatlab.cli;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.RunState;
import io.heatlab.stack.Stack;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "rollup",
    mixinStandardHelpOptions = true,
    description = {
      "Roll landed events up into heatmap_hourly, heatmap_daily and heatmap_weekly with Spark",
      "(spark-launcher; local[*] in the embedded profile). Each window is replaced atomically: reruns never double count.",
      "Examples: rollup hourly --hour 2026-11-23T10 | rollup daily --day 2026-11-23 | rollup weekly --week 2026-W48",
      "          rollup hourly --from 2026-11-23T00 --to 2026-11-23T23 (a backfill, one Spark application)",
      "          rollup history"
    },
    subcommands = {
      RollupCommand.Hourly.class,
      RollupCommand.Daily.class,
      RollupCommand.Weekly.class,
      RollupHistoryCommand.class,
      RollupScheduleCommand.class
    })
final class RollupCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** --from/--to: the first and the last window, both included. */
  static final class Range {
    @Option(
        names = "--from",
        required = true,
        description = "First window of a backfill (included).")
    String from;

    @Option(names = "--to", required = true, description = "Last window of a backfill (included).")
    String to;
  }

  abstract static class Run implements Callable<Integer> {
    @Mixin ProfileOptions options;

    @Option(
        names = "--no-finer",
        description =
            "daily/weekly: do not first roll up the finer windows of the range that hold data but were never rolled up.")
    boolean noFiner;

    @Option(
        names = {"-v", "--verbose"},
        description = "Print the Spark driver's output lines.")
    boolean verbose;

    @Option(
        names = "--replace-with-empty",
        description = {
          "Empty a window that holds events when the run finds none for it",
          "(without it such a window is left as it was and the run fails: its inputs may be gone by mistake)."
        })
    boolean replaceWithEmpty;

    @ArgGroup(exclusive = false)
    Range range;

    abstract Granularity granularity();

    /** The one window named by the subcommand's own option (--hour, --day, --week), or null. */
    abstract String single();

    Range range() {
      return range;
    }

    List<Instant> windows() {
      Granularity g = granularity();
      if (single() != null && range() != null) {
        throw new UserError("name one window or a range with --from/--to, not both");
      }
      if (single() != null) {
        return List.of(g.parse(single()));
      }
      if (range() == null) {
        throw new UserError(
            "name the window (e.g. "
                + g.label(g.windowOf(Instant.now()))
                + ") or a range with --from/--to");
      }
      Instant from = g.parse(range().from);
      Instant to = g.parse(range().to);
      if (to.isBefore(from)) {
        throw new UserError("--to " + range().to + " is before --from " + range().from);
      }
      List<Instant> windows = g.windows(from, g.end(to));
      if (windows.size() > 24 * 400) {
        throw new UserError(
            windows.size() + " windows: split the backfill (at most " + 24 * 400 + " per run)");
      }
      return windows;
    }

    @Override
    public Integer call() throws Exception {
      HeatlabConfig config = options.load();
      List<Instant> windows = windows();
      PrintStream out = System.out;
      try (Stack stack = RunningStack.require(config);
          Rollups rollups = new Rollups(config, stack.endpoints())) {
        Granularity g = granularity();
        if (!noFiner) {
          for (Map.Entry<Granularity, List<Instant>> below :
              rollups.missingBelow(g, windows).entrySet()) {
            out.printf(
                "%d %s window(s) below hold data but were never rolled up: rolling them up first%n",
                below.getValue().size(), below.getKey().name().toLowerCase());
            if (!runAndReport(rollups, below.getKey(), below.getValue(), out).succeeded()) {
              out.println("not rolling up " + g.name().toLowerCase() + ": a finer rollup failed");
              return 1;
            }
          }
        }
        return runAndReport(rollups, g, windows, out).succeeded() ? 0 : 1;
      }
    }

    private RollupRun.Result runAndReport(
        Rollups rollups, Granularity g, List<Instant> windows, PrintStream out)
        throws InterruptedException {
      String what =
          g.name().toLowerCase()
              + " "
              + g.label(windows.get(0))
              + (windows.size() > 1
                  ? " … "
                      + g.label(windows.get(windows.size() - 1))
                      + " ("
                      + windows.size()
                      + " windows)"
                  : "");
      long t0 = System.nanoTime();
      RollupRun run =
          rollups.start(
              g,
              windows,
              replaceWithEmpty,
              new RollupRun.Listener() {
                private long lastPrint;

                @Override
                public void state(RollupRun r, RunState state) {
                  out.printf(
                      "  %5.1fs  %-10s %s%n",
                      secs(t0),
                      state,
                      state == RunState.RUNNING ? "spark app " + r.sparkAppId() : "");
                }

                @Override
                public void progress(RollupRun r, double fraction) {
                  long now = System.nanoTime();
                  if (now - lastPrint > 1_000_000_000L) {
                    lastPrint = now;
                    out.printf(
                        "  %5.1fs  %-10s %s %3.0f%%%n",
                        secs(t0), r.state(), bar(fraction), fraction * 100);
                  }
                }

                @Override
                public void line(RollupRun r, String line) {
                  if (verbose) {
                    out.println("  | " + line);
                  }
                }
              });
      out.println("rollup " + what + ": run " + run.id());
      Thread hook =
          new Thread(
              () -> {
                out.println("stopping run " + run.id() + " …");
                run.cancel();
                try {
                  run.await();
                } catch (InterruptedException ignored) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      RollupRun.Result result = run.await();
      Runtime.getRuntime().removeShutdownHook(hook);
      out.printf(
          "%-16s %-10s %12s %10s %12s%n", "WINDOW", "STATE", "ROWS IN", "ROWS OUT", "EVENTS");
      for (RollupRun.WindowResult w : result.windows().values()) {
        out.printf(
            "%-16s %-10s %,12d %,10d %,12d%n",
            g.label(w.window()), w.state(), w.rowsIn(), w.rowsOut(), w.events());
      }
      out.printf(
          "%s in %.1f s (spark app %s on %s; driver log %s)%n",
          result.state(),
          result.duration().toMillis() / 1000.0,
          result.sparkAppId().isEmpty() ? "-" : result.sparkAppId(),
          rollups.sparkMaster(),
          "var/log/rollups/" + result.runId() + ".log");
      if (!result.succeeded()) {
        out.println("error: " + result.error());
      }
      return result;
    }

    private static double secs(long t0) {
      return (System.nanoTime() - t0) / 1e9;
    }

    private static String bar(double fraction) {
      int n = (int) Math.round(fraction * 30);
      return "[" + "#".repeat(n) + ".".repeat(30 - n) + "]";
    }
  }

  @Command(
      name = "hourly",
      mixinStandardHelpOptions = true,
      description = "Roll up hours from the landed raw events.")
  static final class Hourly extends Run {
    @Option(names = "--hour", description = "One hour (UTC), e.g. 2026-11-23T10.")
    String hour;

    @Override
    Granularity granularity() {
      return Granularity.HOURLY;
    }

    @Override
    String single() {
      return hour;
    }
  }

  @Command(
      name = "daily",
      mixinStandardHelpOptions = true,
      description = "Roll up UTC days from their 24 hourly windows.")
  static final class Daily extends Run {
    @Option(names = "--day", description = "One day (UTC), e.g. 2026-11-23.")
    String day;

    @Override
    Granularity granularity() {
      return Granularity.DAILY;
    }

    @Override
    String single() {
      return day;
    }
  }

  @Command(
      name = "weekly",
      mixinStandardHelpOptions = true,
      description = "Roll up ISO weeks (Monday 00:00 UTC) from their 7 daily windows.")
  static final class Weekly extends Run {
    @Option(names = "--week", description = "One ISO week, e.g. 2026-W48.")
    String week;

    @Override
    Granularity granularity() {
      return Granularity.WEEKLY;
    }

    @Override
    String single() {
      return week;
    }
  }
}
