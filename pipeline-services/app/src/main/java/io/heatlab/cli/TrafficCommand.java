package io.heatlab.cli;

import io.heatlab.assets.Screen;
import io.heatlab.assets.ScreenCatalog;
import io.heatlab.config.ClientKeys;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackPart;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "traffic",
    mixinStandardHelpOptions = true,
    description = {
      "Send simulated pointer traffic over real HTTP to the running stack's ingestion endpoint.",
      "Prints achieved events/s, answers by status and p50/p99 latency every second, then a summary."
    })
public final class TrafficCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Target events per second (0 = as fast as possible). Default ${DEFAULT-VALUE}.")
  int rate;

  @Option(
      names = "--clients",
      defaultValue = "20",
      description = "Virtual page sessions. Default ${DEFAULT-VALUE}.")
  int clients;

  @Option(
      names = "--batch-size",
      defaultValue = "50",
      description = "Events per batch. Default ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--duration",
      description = "How long, e.g. 60s, 5m (default: until Ctrl-C).",
      converter = DurationConverter.class)
  Duration duration;

  @Option(
      names = "--burst",
      description = "Periodic bursts, e.g. 3x10s/60s: 3× the rate for 10 s every 60 s.")
  String burst;

  @Option(
      names = "--backfill-hours",
      defaultValue = "0",
      description =
          "Spread event times over the last H hours (≤ 167) so rollup windows close. Default ${DEFAULT-VALUE}.")
  double backfillHours;

  @Option(
      names = "--screens",
      split = ",",
      description = "Screens to send for (default: all in assets/).")
  List<String> screens;

  @Option(
      names = "--client",
      defaultValue = "demo",
      description =
          "client_id to send as (its write key comes from the settings). Default ${DEFAULT-VALUE}.")
  String clientId;

  @Option(
      names = "--click-ratio",
      defaultValue = "0.05",
      description = "Share of events that are clicks. Default ${DEFAULT-VALUE}.")
  double clickRatio;

  @Option(
      names = "--in-flight",
      defaultValue = "64",
      description = "Most requests outstanding at once. Default ${DEFAULT-VALUE}.")
  int inFlight;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed. Default ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    try (Stack stack = RunningStack.require(config)) {
      TrafficPlan plan =
          plan(config, ingestionUrls(stack), spec.commandLine(), clientId, screens)
              .withClients(clients)
              .withRate(rate)
              .withBatchSize(batchSize)
              .withDuration(duration)
              .withBurst(burst == null ? null : TrafficPlan.Burst.parse(burst))
              .withBackfillHours(backfillHours)
              .withClickRatio(clickRatio)
              .withMaxInFlight(inFlight)
              .withSeed(seed);
      PrintStream out = System.out;
      out.printf(
          "heatlab traffic: %s events/s as client '%s' over %s to %s%s%n",
          rate == 0 ? "max" : rate,
          clientId,
          plan.screens().stream().map(Screen::id).toList(),
          plan.baseUrl(),
          backfillHours > 0 ? ", event times over the last " + backfillHours + " h" : "");
      try (TrafficGenerator generator = new TrafficGenerator(plan)) {
        Thread hook =
            new Thread(
                () -> {
                  try {
                    printSummary(generator.stop(), out);
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                });
        Runtime.getRuntime().addShutdownHook(hook);
        long t0 = System.nanoTime();
        generator.start(s -> printSecond(s, (System.nanoTime() - t0) / 1_000_000_000L, out));
        if (duration == null) {
          Thread.currentThread().join(); // until Ctrl-C: the hook prints the summary
        }
        TrafficStats.Snapshot total = generator.awaitEnd();
        Runtime.getRuntime().removeShutdownHook(hook);
        printSummary(total, out);
        return total.failedBatches() == 0 ? 0 : 1;
      }
    }
  }

  /**
   * Where batches go: the stack's ingestion services in turn when it runs some (the cluster
   * profile), else its http part.
   */
  static String ingestionUrls(Stack stack) {
    List<StackPart> services = stack.nodes("ingest");
    return services.isEmpty()
        ? stack.endpoints().httpUrl()
        : String.join(",", services.stream().map(StackPart::address).toList());
  }

  /**
   * The plan for {@code clientId} over {@code screenIds} (null: every screen) with its write key
   * from the settings and the defaults of {@link TrafficPlan#of}; a client without a key is a usage
   * error of {@code cmd}.
   */
  public static TrafficPlan plan(
      HeatlabConfig config,
      String baseUrl,
      CommandLine cmd,
      String clientId,
      List<String> screenIds) {
    String key =
        ClientKeys.write(config)
            .keyOf(clientId)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        cmd,
                        "client '"
                            + clientId
                            + "' has no write key in"
                            + " ingest.write.keys: pick another --client or set HEATLAB_INGEST_WRITE_KEYS"));
    ScreenCatalog catalog = ScreenCatalog.load();
    List<Screen> chosen =
        screenIds == null ? catalog.screens() : screenIds.stream().map(catalog::screen).toList();
    return TrafficPlan.of(baseUrl, clientId, key, chosen);
  }

  public static void printSecond(TrafficStats.Snapshot s, long second, PrintStream out) {
    out.printf(
        "  %4ds  sent %,9.0f ev/s  accepted %,9.0f ev/s  p50 %6.1f ms  p99 %6.1f ms  answers %s%s%n",
        second,
        s.sentPerSecond(),
        s.acceptedPerSecond(),
        s.p50Ms(),
        s.p99Ms(),
        s.byStatus(),
        s.retries() > 0 ? "  retries " + s.retries() : "");
  }

  public static void printSummary(TrafficStats.Snapshot t, PrintStream out) {
    out.printf(
        "summary: %.1f s, %,d events sent, %,d accepted (%,.0f ev/s), %,d batches accepted, %,d retries,"
            + " %,d batches failed; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; answers %s%n",
        t.seconds(),
        t.eventsSent(),
        t.eventsAccepted(),
        t.acceptedPerSecond(),
        t.batchesAccepted(),
        t.retries(),
        t.failedBatches(),
        t.p50Ms(),
        t.p99Ms(),
        t.maxMs(),
        describe(t.byStatus()));
  }

  private static String describe(Map<Integer, Long> byStatus) {
    return byStatus.isEmpty() ? "none" : byStatus.toString().replace("-1=", "no answer=");
  }
}
