package io.heatlab.bench;

import io.heatlab.cli.DemoCommand;
import io.heatlab.cli.ProfileOptions;
import io.heatlab.cli.RunningStack;
import io.heatlab.cli.TrafficCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.ObjectStore;
import io.heatlab.landing.PartitionState;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.Rollups;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackLayout;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "The whole pipeline under steady load for N minutes on the running embedded stack: traffic at a fraction",
      "of the measured maximum ingest rate (client demo, event times now), and each minute the achieved rate, the",
      "landing connector's lag, heap and RSS of every JVM of the stack and of clickhouse, landed and aggregated counts",
      "(an hourly rollup each minute). Ends with the reconciliation accepted = landed = Σ heatmap_hourly."
    })
final class BenchSoakCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--minutes",
      defaultValue = "10",
      description = "Duration. Default ${DEFAULT-VALUE}.")
  int minutes;

  @Option(
      names = "--max-rate",
      defaultValue = "51700",
      description =
          "The measured maximum ingest rate (./heatlab bench ingest). Default ${DEFAULT-VALUE} events/s.")
  int maxRate;

  @Option(
      names = "--fraction",
      defaultValue = "0.5",
      description = "Share of --max-rate to send. Default ${DEFAULT-VALUE}.")
  double fraction;

  @Option(
      names = "--no-rollups",
      description =
          "Do not roll up each minute (only at the end). On 2 cores at 53,000 events/s an"
              + " hourly window of 20M+ events takes longer than a minute to roll up, so the per-minute lines then come late.")
  boolean noRollups;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    PrintStream out = System.out;
    int rate = (int) Math.round(maxRate * fraction);
    try (Stack stack = RunningStack.require(config);
        Rollups rollups = new Rollups(config, stack.endpoints())) {
      ObjectStore store = stack.endpoints().objectStore(config);
      ClickHouseJdbc jdbc = new ClickHouseJdbc(config, stack.endpoints());
      Instant start = Instant.now();
      Instant from = start.truncatedTo(ChronoUnit.HOURS);
      Instant to =
          start
              .plus(Duration.ofMinutes(minutes + 2))
              .truncatedTo(ChronoUnit.HOURS)
              .plus(Duration.ofHours(1));
      DemoCommand.awaitLanded(config, stack, out, Duration.ofMinutes(3));
      long landedBefore = DemoCommand.landed(rollups, store, "demo", from, to);
      out.printf(
          "soak: %d min at %,d events/s (%.0f%% of %,d), client demo; %,d events of demo already landed in %s … %s%n",
          minutes, rate, fraction * 100, maxRate, landedBefore, from, to);
      TrafficPlan plan =
          TrafficCommand.plan(
                  config, stack.endpoints().httpUrl(), new CommandLine(this), "demo", null)
              .withClients(50)
              .withRate(rate)
              .withBatchSize(100)
              .withDuration(Duration.ofMinutes(minutes))
              .withMaxInFlight(
                  128); // the default seed is new: an earlier run's batch ids would be duplicates
      StackLayout layout = stack.layout();
      out.printf(
          "%-5s %10s %10s %8s %9s %12s %12s  %s%n",
          "MIN",
          "SENT/S",
          "ACCEPT/S",
          "P99 MS",
          "LAG",
          "LANDED",
          "AGGREGATED",
          "HEAP/RSS MB per process");
      TrafficStats.Snapshot total;
      try (TrafficGenerator generator = new TrafficGenerator(plan)) {
        generator.start(s -> {});
        long t0 = System.nanoTime();
        long lastAccepted = 0;
        long lastAt = t0;
        for (int m = 1; m <= minutes; m++) {
          long due = t0 + TimeUnit.MINUTES.toNanos(m);
          while (System.nanoTime() < due) {
            Thread.sleep(Math.min(1000, Math.max(1, (due - System.nanoTime()) / 1_000_000)));
          }
          TrafficStats.Snapshot s = generator.stats().total();
          long at =
              System.nanoTime(); // a minute's rollup can outlast the minute: rates over the real
          // interval
          long aggregated = 0;
          if (!noRollups) {
            RollupRun.Result r =
                rollups.run(
                    Granularity.HOURLY,
                    Granularity.HOURLY.windows(from, Instant.now().plusSeconds(1)),
                    new RollupRun.Listener() {});
            aggregated =
                r.succeeded() ? HeatmapQuery.total(jdbc, Granularity.HOURLY, "demo", from, to) : -1;
          }
          out.printf(
              "%-5d %,10.0f %,10.0f %8.1f %,9d %,12d %,12d  %s%n",
              m,
              s.sentPerSecond(),
              (s.eventsAccepted() - lastAccepted) / ((at - lastAt) / 1e9),
              s.p99Ms(),
              DemoCommand.landingLag(config, stack),
              landedRecords(rollups, config),
              aggregated,
              processes(layout));
          lastAccepted = s.eventsAccepted();
          lastAt = at;
        }
        total = generator.awaitEnd();
      }
      TrafficCommand.printSummary(total, out);
      DemoCommand.awaitLanded(config, stack, out, Duration.ofMinutes(5));
      long landedAfter = DemoCommand.landed(rollups, store, "demo", from, to);
      RollupRun.Result last =
          rollups.run(
              Granularity.HOURLY,
              Granularity.HOURLY.windows(from, to),
              new RollupRun.Listener() {});
      long hourly = HeatmapQuery.total(jdbc, Granularity.HOURLY, "demo", from, to);
      boolean ok =
          last.succeeded()
              && total.eventsAccepted() == landedAfter - landedBefore
              && hourly == landedAfter;
      out.printf(
          "reconciliation: accepted %,d = landed %,d (this soak) %s; landed %,d = Σ heatmap_hourly %,d %s%n",
          total.eventsAccepted(),
          landedAfter - landedBefore,
          total.eventsAccepted() == landedAfter - landedBefore ? "OK" : "MISMATCH",
          landedAfter,
          hourly,
          hourly == landedAfter ? "OK" : "MISMATCH");
      return ok ? 0 : 1;
    }
  }

  private static long landedRecords(Rollups rollups, HeatlabConfig config) throws Exception {
    return rollups
        .landing()
        .partitionStates(config.getString(HeatlabConfig.LANDING_CONNECTOR))
        .stream()
        .mapToLong(PartitionState::recordsWritten)
        .sum();
  }

  /**
   * {@code name heap/rss} for the supervisor and each part with a pid file (heap from jstat;
   * clickhouse: RSS only).
   */
  private static String processes(StackLayout layout) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(layout.runDir())) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".pid")) {
          continue;
        }
        long pid = Long.parseLong(Files.readString(f).strip().split("\\s+")[0]); // "pid start-time"
        long rss = rssKb(pid) / 1024;
        long heap = name.startsWith("clickhouse") ? -1 : heapUsedKb(pid) / 1024;
        sb.append(name, 0, name.length() - 4)
            .append(' ')
            .append(heap < 0 ? "-" : heap)
            .append('/')
            .append(rss)
            .append("  ");
      }
    }
    return sb.toString().strip();
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (Exception ignored) {
      // process gone
    }
    return 0;
  }

  /** Used heap (survivor + eden + old) from {@code jstat -gc}. */
  private static long heapUsedKb(long pid) {
    try {
      Process p =
          new ProcessBuilder("jstat", "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
      List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
      p.waitFor(10, TimeUnit.SECONDS);
      String[] head = lines.get(0).trim().split("\\s+");
      String[] vals = lines.get(1).trim().split("\\s+");
      double used = 0;
      for (int i = 0; i < head.length; i++) {
        if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
          used += Double.parseDouble(vals[i]);
        }
      }
      return (long) used;
    } catch (Exception e) {
      return -1;
    }
  }
}
