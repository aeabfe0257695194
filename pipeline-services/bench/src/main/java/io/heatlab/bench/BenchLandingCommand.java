package io.heatlab.bench;

import io.heatlab.cli.ProfileOptions;
import io.heatlab.cli.RunningStack;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventType;
import io.heatlab.contract.PointerEvent;
import io.heatlab.ingest.EventProducer;
import io.heatlab.landing.LandingConfig;
import io.heatlab.landing.MinioObjectStore;
import io.heatlab.landing.ObjectStore;
import io.heatlab.stack.LandingDeployment;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StorageClients;
import io.minio.MinioClient;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "landing",
    mixinStandardHelpOptions = true,
    description = {
      "Landing throughput on the running stack: pre-produces N contract events, as batch records of 50 (v2), into a scratch topic,",
      "then, for each format, starts a landing connector on it and times until every event is landed.",
      "Prints events/s and bytes/event per format, and the raw consumer rate on the same broker for the ratio.",
      "Objects go under bench/<run>/ in the bucket and are deleted afterwards; the real layout is untouched."
    })
final class BenchLandingCommand implements Callable<Integer> {
  private static final int BATCH = 50;

  @Mixin ProfileOptions options;

  @Option(
      names = "--events",
      defaultValue = "5000000",
      description = "Events to land per format. Default ${DEFAULT-VALUE}.")
  int events;

  @Option(
      names = "--formats",
      split = ",",
      defaultValue = "jsonl,parquet",
      description = "Formats to measure. Default ${DEFAULT-VALUE}.")
  List<String> formats;

  @Option(
      names = "--tasks",
      defaultValue = "2",
      description = "Connector tasks. Default ${DEFAULT-VALUE}.")
  int tasks;

  @Option(names = "--keep", description = "Keep the scratch topic and the landed objects.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    PrintStream out = System.out;
    String run = "bench-" + System.currentTimeMillis();
    String topic = "heatlab." + run;
    try (Stack stack = RunningStack.require(config);
        Admin admin =
            Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()))) {
      int partitions = config.getInt(HeatlabConfig.EVENTS_TOPIC_PARTITIONS);
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      out.printf(
          "heatlab bench landing: %,d events into %s (%d partitions), %d connector task(s)%n",
          events, topic, partitions, tasks);
      double produced = produce(stack.endpoints().kafkaBootstrap(), topic, out);
      double consumed = consume(stack.endpoints().kafkaBootstrap(), topic, out);
      Map<String, double[]> results = new HashMap<>();
      for (String format : formats) {
        results.put(format, land(config, stack, admin, topic, run, format, out));
      }
      out.println();
      out.println("results:");
      out.printf("  raw producer:            %,12.0f events/s%n", produced);
      out.printf("  raw consumer:            %,12.0f events/s%n", consumed);
      for (String format : formats) {
        double[] r = results.get(format);
        out.printf(
            "  landed as %-8s       %,12.0f events/s end to end, %,10.0f events/s once running   %6.2f bytes/event"
                + "   ratio to raw consumer %.3f%n",
            format + ":", r[0], r[2], r[1], r[0] / consumed);
      }
      if (!keep) {
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        deleteObjects(config, stack, "bench/" + run + "/");
      }
      return 0;
    }
  }

  private double produce(String bootstrap, String topic, PrintStream out) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 131_072);
    // a scratch topic filled as fast as possible: no idempotence (so no KAFKA-15591), 5 requests in
    // flight
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    long now = System.currentTimeMillis();
    SplittableRandom random = new SplittableRandom(7);
    String[] screens = {"landing", "pricing", "checkout"};
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      // batch records of 50 events, as ingestion produces them (contract v2): one session's
      // batch, one screen, event times within a minute somewhere in six hours
      for (int b = 0; b < events / BATCH; b++) {
        long start = now - 6 * 3_600_000L + (long) (random.nextDouble() * 6 * 3_600_000L);
        List<PointerEvent> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
          batch.add(
              new PointerEvent(
                  start + i * 1_000L,
                  Math.round(random.nextDouble() * 10_000) / 10_000.0,
                  Math.round(random.nextDouble() * 10_000) / 10_000.0,
                  (b * BATCH + i) % 20 == 0 ? EventType.CLICK : EventType.MOVE));
        }
        EventBatch e =
            new EventBatch(
                "demo",
                "s-" + (b % 1000) + "-" + b,
                screens[b % 3],
                "s-" + (b % 1000),
                new EventBatch.Viewport(1440, 900),
                batch);
        producer.send(EventProducer.record(topic, BatchRecord.of(e, now)));
      }
      producer.flush();
    }
    double rate = events / ((System.nanoTime() - t0) / 1e9);
    out.printf("  produced in %.1f s (%,.0f events/s)%n", events / rate, rate);
    return rate;
  }

  private double consume(String bootstrap, String topic, PrintStream out) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    long count = 0;
    long t0 = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      while (count < events) { // events: each record's header says how many it holds
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          count +=
              Integer.parseInt(
                  new String(
                      r.headers().lastHeader(BatchRecord.EVENTS_HEADER).value(),
                      StandardCharsets.US_ASCII));
        }
      }
    }
    double rate = count / ((System.nanoTime() - t0) / 1e9);
    out.printf("  raw consumer read them in %.1f s (%,.0f events/s)%n", count / rate, rate);
    return rate;
  }

  /** Returns {events/s, bytes/event} for one format. */
  private double[] land(
      HeatlabConfig config,
      Stack stack,
      Admin admin,
      String topic,
      String run,
      String format,
      PrintStream out)
      throws Exception {
    String name = run + "-" + format;
    String prefix = "bench/" + run + "/" + format;
    Map<String, String> c =
        new HashMap<>(
            LandingDeployment.connectorConfig(
                config,
                stack.endpoints(),
                stack.layout().confDir().resolve(LandingDeployment.SECRETS_FILE)));
    c.put("topics", topic);
    c.put("tasks.max", String.valueOf(tasks));
    c.put(LandingConfig.FORMAT, format);
    c.put(LandingConfig.PREFIX, prefix);
    c.put(LandingConfig.FLUSH_SIZE, "200000");
    // the last records of each partition wait at most this long for their cycle: the measured tail
    c.put(LandingConfig.ROTATE_SCHEDULE_INTERVAL_MS, "3000");
    c.put("errors.deadletterqueue.topic.name", topic + ".dlq");
    long t0 = System.nanoTime();
    LandingDeployment.deploy(stack.endpoints().connectUrl(), name, c);
    Map<TopicPartition, Long> end = new HashMap<>();
    admin
        .listOffsets(
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .stream()
                .collect(
                    Collectors.toMap(
                        pi -> new TopicPartition(topic, pi.partition()),
                        pi -> OffsetSpec.latest())))
        .all()
        .get()
        .forEach((tp, info) -> end.put(tp, info.offset()));
    long lastReport = 0;
    long firstNanos = 0;
    long firstDone = 0;
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets("connect-" + name)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      long done = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
      if (firstNanos == 0 && done > 0) {
        firstNanos = System.nanoTime();
        firstDone = done;
      }
      if (end.entrySet().stream()
          .allMatch(
              e ->
                  committed.containsKey(e.getKey())
                      && committed.get(e.getKey()).offset() >= e.getValue())) {
        break;
      }
      long elapsed = (System.nanoTime() - t0) / 1_000_000_000L;
      if (elapsed != lastReport) {
        out.printf("  %s: %ds, %,d of %,d landed%n", format, elapsed, done, events);
        lastReport = elapsed;
      }
      Thread.sleep(200);
    }
    long endNanos = System.nanoTime();
    double seconds = (endNanos - t0) / 1e9;
    double steady =
        firstNanos == 0 || endNanos == firstNanos
            ? events / seconds
            : (events - firstDone) / ((endNanos - firstNanos) / 1e9);
    HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(stack.endpoints().connectUrl() + "/connectors/" + name))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.discarding());
    ObjectStore store =
        new MinioObjectStore(
            StorageClients.minio(config, stack.endpoints()),
            config.getString(HeatlabConfig.STORAGE_BUCKET));
    long bytes = store.list(prefix + "/").stream().mapToLong(ObjectStore.Entry::size).sum();
    out.printf(
        "  %s: %,d events landed in %.1f s (connector start included): %,.0f events/s; after the first commit"
            + " %,.0f events/s; %,d bytes, %.2f bytes/event%n",
        format, events, seconds, events / seconds, steady, bytes, (double) bytes / events);
    return new double[] {events / seconds, (double) bytes / events, steady};
  }

  static void deleteObjects(HeatlabConfig config, Stack stack, String prefix) throws Exception {
    MinioClient minio = StorageClients.minio(config, stack.endpoints());
    ObjectStore store = new MinioObjectStore(minio, config.getString(HeatlabConfig.STORAGE_BUCKET));
    List<DeleteObject> keys = new ArrayList<>();
    store.list(prefix).forEach(e -> keys.add(new DeleteObject(e.key())));
    for (Result<DeleteError> r :
        minio.removeObjects(
            RemoveObjectsArgs.builder().bucket(store.bucket()).objects(keys).build())) {
      r.get();
    }
  }
}
