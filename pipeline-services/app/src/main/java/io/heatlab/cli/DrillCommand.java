package io.heatlab.cli;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.drill.DrillVerdict;
import io.heatlab.landing.LandedCount;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.RunState;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackPart;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "A fault drill on the running stack (best on the cluster profile): sends traffic, kills -9 one node",
      "while it works, lets the stack's supervisor restart it, waits for landing to catch up, rolls the",
      "drill's hours and days up, and prints a verdict — acknowledged = landed = Σ hourly, Σ daily = Σ hourly —",
      "with the time to recover and a timeline of throughput, latency and lag. Exit 0 PASS, 1 FAIL.",
      "Examples: drill --profile cluster --kill kafka-2 | drill --profile cluster --kill connect-1",
      "          drill --profile cluster --kill ingest-2 | drill --profile cluster --kill spark-worker-1 --during rollup"
    })
final class DrillCommand implements Callable<Integer> {
  enum During {
    traffic,
    rollup
  }

  @Spec CommandSpec spec;

  @Mixin ProfileOptions options;

  @Option(
      names = "--kill",
      required = true,
      paramLabel = "NODE",
      description =
          "The node to kill -9: a part of ./heatlab status (kafka-2, connect-1, ingest-2, spark-worker-1 …).")
  String node;

  @Option(
      names = "--during",
      defaultValue = "traffic",
      description =
          "traffic (default): kill it while traffic flows; rollup: while the drill's hourly rollup runs.")
  During during;

  @Option(
      names = "--client",
      defaultValue = "drill",
      description =
          "The client the drill sends as (needs a write key; the cluster profile has 'drill'). Default ${DEFAULT-VALUE}.")
  String client;

  @Option(
      names = "--rate",
      defaultValue = "2000",
      description = "Events/s of the drill's traffic. Default ${DEFAULT-VALUE}.")
  int rate;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long the traffic runs. Default ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(
      names = "--kill-after",
      defaultValue = "8s",
      converter = DurationConverter.class,
      description = "When the kill comes, from the start of the traffic. Default ${DEFAULT-VALUE}.")
  Duration killAfter;

  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(5);

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    PrintStream out = System.out;
    try (Stack stack = RunningStack.require(config);
        Rollups rollups = new Rollups(config, stack.endpoints());
        Admin admin =
            Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()));
        CommittedTail tail = new CommittedTail(stack.endpoints().kafkaBootstrap())) {
      StackPart victim = victim(stack);
      ObjectStore store = stack.endpoints().objectStore(config);
      LandingIndex index = new LandingIndex(store, new LandingLayout(LandingLayout.DEFAULT_PREFIX));
      ClickHouseJdbc jdbc = new ClickHouseJdbc(config, stack.endpoints());
      Instant began = Instant.now();
      List<Instant> hours =
          Granularity.HOURLY.windows(
              began.truncatedTo(ChronoUnit.HOURS),
              began
                  .plus(duration)
                  .plus(Duration.ofMinutes(10))
                  .truncatedTo(ChronoUnit.HOURS)
                  .plus(Duration.ofHours(1)));
      LandedCount before = LandedCount.of(store, index, client, hours);
      TrafficPlan plan =
          TrafficCommand.plan(
                  config, TrafficCommand.ingestionUrls(stack), spec.commandLine(), client, null)
              .withClients(10)
              .withRate(rate)
              .withDuration(duration)
              .withMaxInFlight(64);
      out.printf(
          "heatlab drill: kill -9 %s (%s) during %s; traffic %,d events/s for %s as '%s' to %s%n",
          victim.name(), victim.role(), during, rate, seconds(duration), client, plan.baseUrl());

      AtomicReference<Duration> recovery = new AtomicReference<>();
      long t0 = System.nanoTime();
      AtomicLong lag = new AtomicLong(-1);
      AtomicReference<String> victimState = new AtomicReference<>(victim.name() + " up");
      TrafficStats.Snapshot sent;
      ScheduledExecutorService sampler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "heatlab-drill-lag");
                t.setDaemon(true);
                return t;
              });
      sampler.scheduleWithFixedDelay(
          () -> { // probes off the traffic's thread: each may take seconds while a node is down
            lag.set(lag(admin, tail, config));
            victimState.set(state(victim));
          },
          0,
          1,
          TimeUnit.SECONDS);
      try (TrafficGenerator generator = new TrafficGenerator(plan)) {
        generator.start(
            s -> {
              long second = (System.nanoTime() - t0) / 1_000_000_000L;
              out.printf(
                  "  %4ds  accepted %,8.0f ev/s  p99 %7.1f ms  answers %-18s landing lag %,9d  %s%n",
                  second,
                  s.acceptedPerSecond(),
                  s.p99Ms(),
                  s.byStatus(),
                  lag.get(),
                  victimState.get());
            });
        if (during == During.traffic) {
          Thread.sleep(killAfter.toMillis());
          recovery.set(killAndAwaitBack(victim, out));
        }
        sent = generator.awaitEnd();
      } finally {
        sampler.shutdownNow();
      }
      out.printf(
          "traffic: %,d events sent, %,d acknowledged, %,d retries, %d batch(es) failed, answers %s%n",
          sent.eventsSent(),
          sent.eventsAccepted(),
          sent.retries(),
          sent.failedBatches(),
          sent.byStatus());
      Duration caughtUp =
          ConsumerLag.awaitLanding(admin, tail, config, RECOVERY_TIMEOUT, remaining -> {})
              .orElse(null);
      out.printf(
          "landing: %s%n",
          caughtUp == null
              ? "did not catch up within 5 min"
              : "caught up after " + seconds(caughtUp));

      RollupRun.Result hourly =
          rollups.run(
              Granularity.HOURLY,
              hours,
              new RollupRun.Listener() {
                @Override
                public void progress(RollupRun run, double fraction) {
                  if (during == During.rollup && fraction > 0 && recovery.get() == null) {
                    recovery.set(Duration.ZERO); // once: the kill below
                    Thread killer =
                        new Thread(
                            () -> recovery.set(killAndAwaitBackQuietly(victim, out)),
                            "heatlab-drill-kill");
                    killer.setDaemon(true);
                    killer.start();
                  }
                }
              });
      if (during == During.rollup) {
        awaitRecovery(recovery);
      }
      out.printf(
          "rollup hourly %s … %s on %s: %s (%s)%n",
          Granularity.HOURLY.label(hours.get(0)),
          Granularity.HOURLY.label(hours.get(hours.size() - 1)),
          rollups.sparkMaster(),
          hourly.state(),
          hourly.error().isEmpty() ? hourly.duration().toSeconds() + " s" : hourly.error());
      if (hourly.state() != RunState.FINISHED) { // a run hit by the kill: the retry counts
        hourly = rollups.run(Granularity.HOURLY, hours, new RollupRun.Listener() {});
        out.printf("rollup hourly again: %s%n", hourly.state());
      }
      List<Instant> days =
          Granularity.DAILY.windows(
              hours.get(0), Granularity.HOURLY.end(hours.get(hours.size() - 1)));
      RollupRun.Result daily = rollups.run(Granularity.DAILY, days, new RollupRun.Listener() {});
      out.printf("rollup daily: %s%n", daily.state());

      LandedCount after = LandedCount.of(store, index, client, hours);
      Instant from = hours.get(0);
      Instant to = Granularity.HOURLY.end(hours.get(hours.size() - 1));
      Instant dayFrom = days.get(0);
      Instant dayTo = Granularity.DAILY.end(days.get(days.size() - 1));
      DrillVerdict verdict =
          new DrillVerdict(
              victim.name(),
              sent.eventsAccepted(),
              sent.eventsSent() - sent.eventsAccepted(),
              after.distinct() - before.distinct(),
              after.distinct(),
              after.partialBatches().size(),
              after.batchesLandedTwice() - before.batchesLandedTwice(),
              HeatmapQuery.total(jdbc, Granularity.HOURLY, client, from, to),
              HeatmapQuery.total(jdbc, Granularity.DAILY, client, dayFrom, dayTo),
              HeatmapQuery.total(jdbc, Granularity.HOURLY, client, dayFrom, dayTo),
              recovery.get(),
              caughtUp);
      verdict.lines().forEach(out::println);
      out.printf("drill took %.0f s (began %s)%n", (System.nanoTime() - t0) / 1e9, began);
      return verdict.passed() ? 0 : 1;
    }
  }

  private StackPart victim(Stack stack) {
    try {
      StackPart part = stack.part(node);
      if (part.health().pid() == null) {
        throw new UserError(
            node
                + " is not a process of this stack (nothing to kill): pick one of "
                + nodes(stack));
      }
      return part;
    } catch (NoSuchElementException e) {
      throw new UserError("no node '" + node + "' in this stack: pick one of " + nodes(stack));
    }
  }

  private static String nodes(Stack stack) {
    return String.join(
        ", ", stack.health().stream().filter(h -> h.pid() != null).map(PartHealth::name).toList());
  }

  /**
   * SIGKILL to the node's process, then waits for the stack's supervisor to start it again (a new
   * pid, healthy). Returns the time from the kill, or null if it did not come back in time.
   */
  private static Duration killAndAwaitBack(StackPart victim, PrintStream out)
      throws InterruptedException {
    Long pid = victim.health().pid();
    long killed = System.nanoTime();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    out.printf("  -- killed %s (pid %d) with SIGKILL%n", victim.name(), pid);
    long deadline = killed + RECOVERY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      PartHealth h = victim.health();
      if (h.healthy() && h.pid() != null && !h.pid().equals(pid)) {
        Duration back = Duration.ofNanos(System.nanoTime() - killed);
        out.printf(
            "  -- %s healthy again as pid %d after %s%n", victim.name(), h.pid(), seconds(back));
        return back;
      }
      Thread.sleep(250);
    }
    out.printf(
        "  -- %s not back after %s: is the stack supervised (" + HeatlabCommand.name() + " up)?%n",
        victim.name(),
        RECOVERY_TIMEOUT);
    return null;
  }

  private static Duration killAndAwaitBackQuietly(StackPart victim, PrintStream out) {
    try {
      return killAndAwaitBack(victim, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void awaitRecovery(AtomicReference<Duration> recovery)
      throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
    while (Duration.ZERO.equals(recovery.get()) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String state(StackPart victim) {
    PartHealth h = victim.health();
    return victim.name() + " " + (h.healthy() ? "up" : "DOWN");
  }

  private static long lag(Admin admin, CommittedTail tail, HeatlabConfig config) {
    try {
      return ConsumerLag.landing(admin, tail, config, Duration.ofSeconds(5)).totalLag();
    } catch (Exception e) {
      return -1;
    }
  }
}
