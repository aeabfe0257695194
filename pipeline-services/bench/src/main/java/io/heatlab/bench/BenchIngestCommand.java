package io.heatlab.bench;

import io.heatlab.cli.DurationConverter;
import io.heatlab.cli.ProfileOptions;
import io.heatlab.cli.RunningStack;
import io.heatlab.cli.TrafficCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventType;
import io.heatlab.contract.PointerEvent;
import io.heatlab.ingest.EventProducer;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.LandingDeployment;
import io.heatlab.stack.Stack;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Sustained load over real HTTP into the running stack's Kafka, in four phases:",
      "  1. latency: a fixed --rate, for --duration (p50/p99), once landing caught up with the warm-up;",
      "  2. throughput: as many batches as --in-flight concurrent requests carry, for --duration,",
      "     with the landing connector running (the real case);",
      "  3. throughput again with the landing connector paused (ingestion alone; resumed after);",
      "  4. baseline: the raw Kafka producer alone, same settings, same broker, into a scratch topic.",
      "Prints events/s, latency and rejections of each phase, and the ratio to the raw producer."
    })
final class BenchIngestCommand implements Callable<Integer> {
  private static final String SCRATCH_TOPIC = "heatlab.bench.raw";

  @Mixin ProfileOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--duration",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "Length of each HTTP phase. Default ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "50000",
      description = "Events/s of the latency phase. Default ${DEFAULT-VALUE}.")
  int rate;

  @Option(
      names = "--in-flight",
      defaultValue = "256",
      description =
          "Concurrent requests (connections) of the throughput phase. Default ${DEFAULT-VALUE}:"
              + " by Little's law fewer cap the rate at in-flight / latency.")
  int inFlight;

  @Option(
      names = "--batch-size",
      defaultValue = "50",
      description = "Events per batch. Default ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--raw-events",
      defaultValue = "3000000",
      description =
          "Events of the raw producer phase, sent as batch records of --batch-size events (the"
              + " records ingestion produces). Default ${DEFAULT-VALUE}.")
  int rawEvents;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    PrintStream out = System.out;
    try (Stack stack = RunningStack.require(config)) {
      String url = stack.endpoints().httpUrl();
      out.printf(
          "heatlab bench ingest: %s, batches of %d events, %d s per phase%n",
          url, batchSize, duration.toSeconds());

      out.println("warm-up (10 s: the JIT of the server and of this generator)…");
      run(config, url, 0, Duration.ofSeconds(10), out, false);

      awaitLanding(config, stack, out);
      out.printf(
          "phase 1 — latency at %,d events/s, landing connector running (and keeping up):%n", rate);
      TrafficStats.Snapshot fixed = run(config, url, rate, duration, out, true);

      String topic = config.getString(HeatlabConfig.EVENTS_TOPIC);
      Map<Integer, Long> before = endOffsets(stack.endpoints().kafkaBootstrap(), topic);
      out.printf(
          "phase 2 — throughput, %d requests in flight, landing connector running:%n", inFlight);
      TrafficStats.Snapshot max = run(config, url, 0, duration, out, true);
      Map<Integer, Long> after = endOffsets(stack.endpoints().kafkaBootstrap(), topic);

      String connector = config.getString(HeatlabConfig.LANDING_CONNECTOR);
      String connect = stack.endpoints().connectUrl();
      out.printf(
          "phase 3 — throughput, %d requests in flight, landing connector paused:%n", inFlight);
      TrafficStats.Snapshot alone;
      LandingDeployment.pause(connect, connector, true);
      try {
        Thread.sleep(2_000); // Connect applies a pause asynchronously
        alone = run(config, url, 0, duration, out, true);
      } finally {
        LandingDeployment.pause(connect, connector, false);
      }

      out.printf(
          "phase 4 — raw Kafka producer, %,d events as batch records into %s:%n",
          rawEvents, SCRATCH_TOPIC);
      double raw = rawProducer(config, stack.endpoints().kafkaBootstrap(), out);

      out.println();
      out.println("results:");
      out.printf(
          "  HTTP ingestion, max:      %,10.0f events/s accepted  (p50 %.1f ms, p99 %.1f ms, answers %s)%n",
          max.acceptedPerSecond(), max.p50Ms(), max.p99Ms(), max.byStatus());
      out.printf(
          "  HTTP ingestion, max, landing paused: %,10.0f events/s accepted  (p50 %.1f ms, p99 %.1f ms, answers %s)%n",
          alone.acceptedPerSecond(), alone.p50Ms(), alone.p99Ms(), alone.byStatus());
      out.printf(
          "  HTTP ingestion, at %,d/s: %,10.0f events/s accepted  (p50 %.1f ms, p99 %.1f ms, answers %s)%n",
          rate, fixed.acceptedPerSecond(), fixed.p50Ms(), fixed.p99Ms(), fixed.byStatus());
      out.printf("  raw Kafka producer:       %,10.0f events/s%n", raw);
      out.printf("  ratio HTTP max / raw producer: %.2f%n", max.acceptedPerSecond() / raw);
      spread(before, after, out);
      return 0;
    }
  }

  private TrafficStats.Snapshot run(
      HeatlabConfig config,
      String url,
      int eventsPerSecond,
      Duration length,
      PrintStream out,
      boolean report)
      throws InterruptedException {
    TrafficPlan plan =
        TrafficCommand.plan(config, url, spec.commandLine(), "demo", null)
            .withClients(200)
            .withRate(eventsPerSecond)
            .withBatchSize(batchSize)
            .withDuration(length)
            .withMaxInFlight(eventsPerSecond == 0 ? inFlight : 512)
            .withSeed(System.nanoTime());
    try (TrafficGenerator generator = new TrafficGenerator(plan)) {
      long t0 = System.nanoTime();
      generator.start(
          s -> {
            if (report) {
              TrafficCommand.printSecond(s, (System.nanoTime() - t0) / 1_000_000_000L, out);
            }
          });
      TrafficStats.Snapshot total = generator.awaitEnd();
      if (report) {
        TrafficCommand.printSummary(total, out);
      }
      return total;
    }
  }

  /** Waits (up to a minute) until the landing connector has caught up with what is in Kafka. */
  private static void awaitLanding(HeatlabConfig config, Stack stack, PrintStream out)
      throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    try (Admin admin =
            Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()));
        CommittedTail tail = new CommittedTail(stack.endpoints().kafkaBootstrap())) {
      while (System.nanoTime() < deadline) {
        ConsumerLag lag = ConsumerLag.landing(admin, tail, config, Duration.ofSeconds(10));
        if (lag.totalLag() < 100) {
          return;
        }
        out.printf("  landing catching up with the warm-up: %,d batches behind%n", lag.totalLag());
        Thread.sleep(1_000);
      }
    }
  }

  /** Each partition's end offset. */
  private static Map<Integer, Long> endOffsets(String bootstrap, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<Integer, Long> ends = new TreeMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, o) -> ends.put(tp.partition(), o.offset()));
      return ends;
    }
  }

  /**
   * How phase 2 spread over the partitions: offsets taken per partition (batch records and one
   * transaction marker per commit) and the largest deviation from their mean.
   */
  private static void spread(Map<Integer, Long> before, Map<Integer, Long> after, PrintStream out) {
    Map<Integer, Long> taken = new TreeMap<>();
    after.forEach((p, end) -> taken.put(p, end - before.getOrDefault(p, 0L)));
    double mean = taken.values().stream().mapToLong(Long::longValue).average().orElse(0);
    double worst =
        taken.values().stream().mapToDouble(n -> Math.abs(n - mean) / mean).max().orElse(0);
    out.printf(
        "  partitions (phase 2, offsets per partition): %s — largest deviation from the mean %.1f %%%n",
        taken, 100 * worst);
  }

  /**
   * The producer ingestion uses, alone: the batch records ingestion produces (contract v2), as fast
   * as it goes, without transactions. Returns events/s.
   */
  private double rawProducer(HeatlabConfig config, String bootstrap, PrintStream out)
      throws Exception {
    int partitions = config.getInt(HeatlabConfig.EVENTS_TOPIC_PARTITIONS);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(SCRATCH_TOPIC)) {
        admin
            .createTopics(List.of(new NewTopic(SCRATCH_TOPIC, partitions, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      Properties p = EventProducer.settings(bootstrap, Duration.ofSeconds(30));
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "heatlab-bench-raw");
      long now = System.currentTimeMillis();
      AtomicLong failures = new AtomicLong();
      double perSecond;
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        long t0 = System.nanoTime();
        int records = rawEvents / batchSize;
        for (int r = 0; r < records; r++) {
          List<PointerEvent> events = new ArrayList<>(batchSize);
          for (int i = 0; i < batchSize; i++) {
            int n = r * batchSize + i;
            events.add(
                new PointerEvent(
                    now + n, (n % 9973) / 9973.0, (n % 7919) / 7919.0, EventType.MOVE));
          }
          EventBatch batch =
              new EventBatch(
                  "demo",
                  "s-1f2e3d4c-" + r,
                  "pricing",
                  "s-1f2e3d4c",
                  new EventBatch.Viewport(1440, 900),
                  events);
          producer.send(
              EventProducer.record(SCRATCH_TOPIC, BatchRecord.of(batch, now)),
              (m, e) -> {
                if (e != null) {
                  failures.incrementAndGet();
                }
              });
        }
        producer.flush();
        perSecond = (double) (rawEvents / batchSize) * batchSize / ((System.nanoTime() - t0) / 1e9);
      }
      out.printf(
          "  %,d events in %.1f s: %,.0f events/s (%d failed)%n",
          rawEvents, rawEvents / perSecond, perSecond, failures.get());
      admin.deleteTopics(List.of(SCRATCH_TOPIC)).all().get(30, TimeUnit.SECONDS);
      return perSecond;
    }
  }
}
