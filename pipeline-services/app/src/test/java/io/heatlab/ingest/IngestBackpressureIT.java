package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.LandedEvent;
import io.heatlab.stack.StackPart;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker stops while load runs: ingestion answers 503 + Retry-After promptly instead of piling
 * up, recovers by itself when the broker is back, and every batch it answered 202 is in Kafka,
 * whole, once — and no batch is visible in part.
 */
class IngestBackpressureIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          // requests in flight when the broker stops wait for the producer's verdict: keep that
          // short here
          .with(HeatlabConfig.INGEST_DELIVERY_TIMEOUT_MS, "3000")
          .with(HeatlabConfig.INGEST_SHED_AFTER_MS, "1000");

  private static final int EVENTS_PER_BATCH = 50;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** One request's answer; {@code body} the reason given with a refusal. */
  record Outcome(
      String batchId,
      int status,
      long sentNanos,
      long answeredNanos,
      String retryAfter,
      String body) {

    /** Refused by admission without waiting for Kafka (not a probe batch let through). */
    boolean shed() {
      return status == 503 && SHED_REASONS.stream().anyMatch(body::contains);
    }
  }

  /** The reasons admission gives when it refuses a batch before it reaches the producer. */
  private static final List<String> SHED_REASONS =
      List.of("Kafka is not acknowledging writes at the moment", "ingestion is at capacity");

  @Test
  void brokerOutageGivesPrompt503sNoFalse202sAndRecovers(
      HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService load = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 4; i++) {
      load.submit(
          () -> {
            while (running.get()) {
              outcomes.add(postOne(endpoints));
            }
            return null;
          });
    }
    StackPart kafka = STACK.part("kafka");
    Thread.sleep(3_000);
    long stoppedAt = System.nanoTime();
    kafka.stop();
    Thread.sleep(9_000);
    long restartAt = System.nanoTime();
    kafka.start();
    long restartedAt = System.nanoTime();
    Thread.sleep(6_000);
    running.set(false);
    load.shutdown();
    assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    List<Outcome> all = new ArrayList<>(outcomes);
    summarize(all, stoppedAt, restartAt);
    assertThat(all)
        .filteredOn(o -> o.sentNanos() < stoppedAt && o.status() == 202)
        .as("accepted before the outage")
        .isNotEmpty();
    List<Outcome> duringOutage =
        all.stream()
            .filter(
                o ->
                    o.sentNanos() > stoppedAt + TimeUnit.SECONDS.toNanos(5)
                        && o.answeredNanos() < restartAt)
            .toList();
    assertThat(duringOutage)
        .as("requests during the outage")
        .isNotEmpty()
        .allSatisfy(
            o -> {
              assertThat(o.status()).isEqualTo(503);
              assertThat(o.retryAfter()).isNotNull();
            });
    // while Kafka is down one probe batch a second is let through and waits for the producer's
    // verdict (delivery timeout, 3 s here); every other request is refused at once, without
    // waiting for Kafka. Told apart by the reason the answer gives, not by a time: on a loaded
    // 2-core machine a prompt refusal can take half a second too.
    long probes = duringOutage.stream().filter(o -> !o.shed()).count();
    long outageSeconds = TimeUnit.NANOSECONDS.toSeconds(restartAt - stoppedAt) + 1;
    assertThat(probes)
        .as("probe batches let through among %d (at most one a second)", duringOutage.size())
        .isLessThanOrEqualTo(outageSeconds);
    assertThat(duringOutage.size() - probes)
        .as("refused at once, while the probes wait")
        .isGreaterThan(100);
    assertThat(all)
        .filteredOn(
            o -> o.sentNanos() > restartedAt + TimeUnit.SECONDS.toNanos(2) && o.status() == 202)
        .as("accepted again after the broker is back, without restarting ingestion")
        .isNotEmpty();
    assertThat(all).extracting(Outcome::status).allMatch(s -> s == 202 || s == 503);

    Map<String, Integer> landed =
        eventsPerBatch(endpoints, config.getString(HeatlabConfig.EVENTS_TOPIC));
    List<String> acked = all.stream().filter(o -> o.status() == 202).map(Outcome::batchId).toList();
    assertThat(acked)
        .allSatisfy(
            id ->
                assertThat(landed.get(id))
                    .as("events of acked batch %s in Kafka", id)
                    .isEqualTo(EVENTS_PER_BATCH));
    // each batch is one transaction: a batch cut by the broker's stop is aborted, never visible in
    // part
    assertThat(landed)
        .as("batches visible in part to a read_committed consumer")
        .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(EVENTS_PER_BATCH));
  }

  /**
   * The broker freezes (SIGSTOP, as in a long GC pause or a stalled VM) under load from clients
   * that retry a batch with the same batch_id until it is answered 202, as pages do. Commits caught
   * by the freeze time out with an unknown outcome: their batches are answered 503 but stay claimed
   * until Kafka settles them — so each batch ends up in Kafka exactly once, whether its first
   * commit went through or not.
   */
  @Test
  void commitsInDoubtDuringABrokerFreezeSettleExactlyOnce(
      HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<Future<Object>> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(
          load.submit(
              () -> {
                while (running.get()) {
                  String batchId = "freeze-" + UUID.randomUUID();
                  String body =
                      BatchIngestIT.batch(batchId, BatchIngestIT.events(EVENTS_PER_BATCH));
                  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                  while (post(endpoints, body)
                      != 202) { // 503 (and 429): retry the same batch after a short back-off
                    assertThat(System.nanoTime())
                        .as("batch %s answered 202 in time", batchId)
                        .isLessThan(deadline);
                    Thread.sleep(100);
                  }
                  acked.add(batchId);
                }
                return null;
              }));
    }
    long pid = STACK.part("kafka").health().pid();
    Thread.sleep(3_000);
    signal("STOP", pid);
    try {
      Thread.sleep(8_000);
    } finally {
      signal("CONT", pid);
    }
    Thread.sleep(8_000);
    running.set(false);
    load.shutdown();
    assertThat(load.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
    for (var client : clients) {
      client.get(); // rethrows a client's failed assertion
    }

    var ingest =
        new ObjectMapper()
            .readTree(
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(endpoints.httpUrl() + "/healthz"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .path("ingest");
    long settled =
        ingest.path("doubtful_commits_committed").asLong()
            + ingest.path("doubtful_commits_aborted").asLong();
    System.out.printf(
        "broker freeze: %d batches acknowledged; commits in doubt settled: %s committed, %s aborted%n",
        acked.size(),
        ingest.path("doubtful_commits_committed"),
        ingest.path("doubtful_commits_aborted"));
    assertThat(settled).as("commits caught by the freeze were settled after it").isPositive();

    Map<String, Integer> landed =
        eventsPerBatch(endpoints, config.getString(HeatlabConfig.EVENTS_TOPIC));
    assertThat(acked)
        .allSatisfy(
            id ->
                assertThat(landed.get(id))
                    .as("events of acked batch %s in Kafka (once)", id)
                    .isEqualTo(EVENTS_PER_BATCH));
    assertThat(landed.keySet().stream().filter(id -> id.startsWith("freeze-")))
        .as("batches in Kafka that were never acknowledged")
        .allMatch(acked::contains);
  }

  private static void signal(String signal, long pid) throws Exception {
    assertThat(
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start()
                .waitFor())
        .isZero();
  }

  private static HttpRequest batchRequest(StackEndpoints endpoints, String body) {
    return HttpRequest.newBuilder(URI.create(endpoints.httpUrl() + "/v1/batches"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer demo-write-key")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static int post(StackEndpoints endpoints, String body) {
    try {
      return HTTP.send(batchRequest(endpoints, body), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Prints, per second relative to the broker stop, how many requests got which status (for the
   * report).
   */
  private static void summarize(List<Outcome> all, long stoppedAt, long restartAt) {
    TreeMap<Long, Map<Integer, Integer>> bySecond = new TreeMap<>();
    for (Outcome o : all) {
      bySecond
          .computeIfAbsent(
              Math.floorDiv(o.sentNanos() - stoppedAt, 1_000_000_000L), k -> new TreeMap<>())
          .merge(o.status(), 1, Integer::sum);
    }
    System.out.println(
        "restart at +"
            + (restartAt - stoppedAt) / 1_000_000
            + " ms; statuses by second sent, relative to the stop:");
    bySecond.forEach((sec, statuses) -> System.out.println("  " + sec + "s " + statuses));
  }

  private static Outcome postOne(StackEndpoints endpoints) {
    String batchId = "bp-" + UUID.randomUUID();
    String body = BatchIngestIT.batch(batchId, BatchIngestIT.events(EVENTS_PER_BATCH));
    long sent = System.nanoTime();
    try {
      HttpResponse<String> r =
          HTTP.send(batchRequest(endpoints, body), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 503) {
        Thread.sleep(20); // a well-behaved client backs off; keep the loop from spinning
      }
      return new Outcome(
          batchId,
          r.statusCode(),
          sent,
          System.nanoTime(),
          r.headers().firstValue("Retry-After").orElse(null),
          r.body());
    } catch (Exception e) {
      return new Outcome(batchId, -1, sent, System.nanoTime(), null, e.toString());
    }
  }

  private static Map<String, Integer> eventsPerBatch(StackEndpoints endpoints, String topic)
      throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // as the landing connector reads
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          for (LandedEvent e : BatchRecord.rowsOf(r.value())) { // one record per batch (v2)
            counts.merge(e.batchId(), 1, Integer::sum);
          }
        }
      }
    }
    return counts;
  }
}
