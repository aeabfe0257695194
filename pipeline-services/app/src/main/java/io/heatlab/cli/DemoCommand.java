package io.heatlab.cli;

import io.heatlab.assets.Screen;
import io.heatlab.assets.ScreenCatalog;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.LandedCount;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.olap.Retention;
import io.heatlab.query.HeatmapService;
import io.heatlab.render.HeatmapRenderer;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.RollupScheduler;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.RunState;
import io.heatlab.rollup.StorageRetention;
import io.heatlab.screens.Backdrop;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "The whole pipeline, headless, on the embedded stack (started if not running): simulated traffic over",
      "backdated hours from yesterday 00:00 UTC to now → Kafka → landing → Spark rollups (a scheduler pass: closed",
      "hours, yesterday, a closed week; then the current hour) → one heatmap PNG per screen; then the reconciliation",
      "accepted = landed = Σ heatmap_hourly, Σ heatmap_daily = Σ hourly over the closed day. Exit 1 if anything disagrees."
    })
public final class DemoCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--events",
      defaultValue = "300000",
      description = "Events to send (about). Default ${DEFAULT-VALUE}.")
  int events;

  @Option(
      names = "--rate",
      defaultValue = "20000",
      description = "Events per second. Default ${DEFAULT-VALUE}.")
  int rate;

  @Option(
      names = "--out-dir",
      description = "Where the PNGs go (default: <data dir>/demo/<time>/).")
  Path outDir;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    PrintStream out = System.out;
    try (Stack probe = Stack.create(config)) {
      if (!probe.health().stream().allMatch(PartHealth::fine)) {
        out.println("demo: starting the embedded stack");
        UpCommand up = new UpCommand();
        up.options = options;
        if (up.call() != 0) {
          return 1;
        }
      }
    }
    try (Stack stack = RunningStack.require(config)) {
      Path dir =
          outDir != null
              ? outDir
              : config
                  .dataDir()
                  .resolve("demo")
                  .resolve(
                      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                          .format(LocalDateTime.now(ZoneOffset.UTC)));
      return run(config, stack, events, rate, dir, out) ? 0 : 1;
    }
  }

  /** The demo against a running stack; true when the reconciliation holds. */
  static boolean run(
      HeatlabConfig config, Stack stack, int events, int rate, Path outDir, PrintStream out)
      throws Exception {
    Map<String, Double> stages = new LinkedHashMap<>();
    String client = "demo";
    Instant now = Instant.now();
    Instant today = now.truncatedTo(ChronoUnit.DAYS);
    Instant from = today.minus(Duration.ofDays(1));
    Instant end = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    ObjectStore store = stack.endpoints().objectStore(config);
    ClickHouseJdbc jdbc = new ClickHouseJdbc(config, stack.endpoints());
    out.printf(
        "demo: %,d events at %,d/s as client '%s', event times %s … %s (yesterday and today, UTC)%n",
        events, rate, client, from, now);

    long t = System.nanoTime();
    awaitLanded(config, stack, out, Duration.ofMinutes(3));
    try (Rollups rollups = new Rollups(config, stack.endpoints())) {
      long landedBefore = landed(rollups, store, client, from, end);
      stages.put("baseline (landed before)", secs(t));

      t = System.nanoTime();
      double backfill = Duration.between(from, now).toSeconds() / 3600.0 - 0.05;
      TrafficPlan plan =
          TrafficCommand.plan(
                  config,
                  stack.endpoints().httpUrl(),
                  new CommandLine(new DemoCommand()),
                  client,
                  null)
              .withRate(rate)
              .withBatchSize(100)
              .withDuration(Duration.ofMillis(Math.max(1000L, 1000L * events / rate)))
              .withBackfillHours(backfill)
              .withSeed(now.toEpochMilli());
      TrafficStats.Snapshot sent;
      try (TrafficGenerator generator = new TrafficGenerator(plan)) {
        long t0 = System.nanoTime();
        generator.start(
            s -> {
              long second = (System.nanoTime() - t0) / 1_000_000_000L;
              if (second % 5 == 0) {
                TrafficCommand.printSecond(s, second, out);
              }
            });
        sent = generator.awaitEnd();
      }
      TrafficCommand.printSummary(sent, out);
      stages.put("traffic", secs(t));

      t = System.nanoTime();
      awaitLanded(config, stack, out, Duration.ofMinutes(3));
      long landedAfter = landed(rollups, store, client, from, end);
      stages.put("landing (connector lag 0)", secs(t));

      t = System.nanoTime();
      RollupScheduler scheduler =
          new RollupScheduler(
              rollups,
              new HeatmapWindows(jdbc),
              new RollupScheduler.Settings(
                  Duration.ofMinutes(1),
                  Duration.ZERO,
                  Duration.ofDays(9),
                  Duration.ofMinutes(1),
                  Retention.of(config),
                  StorageRetention.Kept.of(config)),
              Clock.systemUTC(),
              progress(out));
      boolean rolled = true;
      for (RollupRun.Result r : scheduler.pass().runs().values()) {
        rolled &= report(r, out);
      }
      Instant current = now.truncatedTo(ChronoUnit.HOURS);
      rolled &=
          report(
              rollups.run(Granularity.HOURLY, List.of(current), progress(out)),
              out); // the open hour too
      stages.put("rollups (scheduler pass + current hour)", secs(t));

      t = System.nanoTime();
      try (HeatmapService service = HeatmapService.of(config, stack.endpoints())) {
        service.coverage().refresh();
        Files.createDirectories(outDir);
        HeatmapRenderer renderer = new HeatmapRenderer(HeatmapRenderer.Options.DEFAULT);
        ScreenRegistry registry = new ScreenRegistry(stack.endpoints().objectStore(config));
        for (Screen screen : ScreenCatalog.load().screens()) {
          HeatmapService.Answer a =
              service.heatmap(
                  new HeatmapService.Request(
                      client,
                      screen.id(),
                      List.of("move", "click"),
                      ViewportClass.DESKTOP, // the generator's pages are 1440 px wide
                      from,
                      end));
          // the screenshot as every reader gets it: from the screens registry (the stack seeded it)
          BufferedImage shot =
              Backdrop.of(registry, client, screen.id(), ViewportClass.DESKTOP).image();
          Path png = outDir.resolve(screen.id() + ".png");
          Files.write(png, HeatmapRenderer.png(renderer.render(shot, a.grid())));
          out.printf("  %-10s %,9d events → %s%n", screen.id(), a.grid().total(), png);
        }
      }
      stages.put("render", secs(t));

      long hourlyAll = HeatmapQuery.total(jdbc, Granularity.HOURLY, client, from, end);
      long hourlyYesterday = HeatmapQuery.total(jdbc, Granularity.HOURLY, client, from, today);
      long dailyYesterday = HeatmapQuery.total(jdbc, Granularity.DAILY, client, from, today);
      List<String[]> checks = new ArrayList<>();
      checks.add(
          check(
              "accepted (this run) = landed (this run)",
              sent.eventsAccepted(),
              landedAfter - landedBefore));
      checks.add(check("landed (yesterday … now) = Σ heatmap_hourly", landedAfter, hourlyAll));
      checks.add(
          check(
              "Σ heatmap_daily (yesterday) = Σ heatmap_hourly (yesterday)",
              dailyYesterday,
              hourlyYesterday));
      Instant lastWeek = Granularity.WEEKLY.windowOf(from);
      if (!Granularity.WEEKLY
          .end(lastWeek)
          .isAfter(today)) { // yesterday was a Sunday: its week closed
        checks.add(
            check(
                "Σ heatmap_weekly (last week) = Σ heatmap_daily (its days)",
                HeatmapQuery.total(jdbc, Granularity.WEEKLY, client, lastWeek, today),
                HeatmapQuery.total(jdbc, Granularity.DAILY, client, lastWeek, today)));
      }
      out.println("reconciliation:");
      boolean ok = rolled;
      for (String[] c : checks) {
        out.printf("  %-62s %s%n", c[0], c[1]);
        ok &= c[1].startsWith("OK");
      }
      out.println("stages:");
      stages.forEach((k, v) -> out.printf("  %-42s %6.1f s%n", k, v));
      out.println(
          ok ? "demo: OK — heatmaps in " + outDir : "demo: FAILED — the counts above disagree");
      return ok;
    }
  }

  private static RollupRun.Listener progress(PrintStream out) {
    return new RollupRun.Listener() {
      @Override
      public void state(RollupRun run, RunState state) {
        List<Instant> w = run.windows();
        out.printf(
            "  rollup %-7s %s … %s (%d): %s%n",
            run.granularity().name().toLowerCase(),
            run.granularity().label(w.get(0)),
            run.granularity().label(w.get(w.size() - 1)),
            w.size(),
            state);
      }
    };
  }

  private static boolean report(RollupRun.Result r, PrintStream out) {
    if (!r.succeeded()) {
      out.println("  rollup " + r.runId() + " " + r.state() + ": " + r.error());
    }
    return r.succeeded();
  }

  private static String[] check(String what, long a, long b) {
    return new String[] {what, (a == b ? "OK " : "MISMATCH ") + String.format("%,d = %,d", a, b)};
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Waits until the landing connector has committed every offset of the events topic (lag 0). */
  public static void awaitLanded(
      HeatlabConfig config, Stack stack, PrintStream out, Duration timeout) throws Exception {
    try (Admin admin =
            Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()));
        CommittedTail tail = new CommittedTail(stack.endpoints().kafkaBootstrap())) {
      if (ConsumerLag.awaitLanding(
              admin,
              tail,
              config,
              timeout,
              lag -> out.printf("  landing: %,d records not landed yet%n", lag))
          .isEmpty()) {
        throw new IllegalStateException(
            "the landing connector still lags "
                + landingLag(config, stack)
                + " records after "
                + timeout);
      }
    }
  }

  /**
   * Records of the events topic the landing connector has not committed yet (end offsets −
   * committed).
   */
  public static long landingLag(HeatlabConfig config, Stack stack) throws Exception {
    try (Admin admin =
            Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()));
        CommittedTail tail = new CommittedTail(stack.endpoints().kafkaBootstrap())) {
      return ConsumerLag.landing(admin, tail, config, Duration.ofSeconds(30)).totalLag();
    }
  }

  /**
   * Events of {@code client} in the landed objects (every format) of the hours of [from, to), read
   * back object by object (every copy: {@link LandedCount#rows}).
   */
  public static long landed(
      Rollups rollups, ObjectStore store, String client, Instant from, Instant to)
      throws Exception {
    return LandedCount.of(store, rollups.landing(), client, Granularity.HOURLY.windows(from, to))
        .rows();
  }
}
