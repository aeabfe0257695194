package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.LandedEvent;
import io.heatlab.deploy.DockerImage;
import io.heatlab.stack.FreePorts;
import io.heatlab.stack.JavaCommand;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code heatlab ingest}, the ingestion service alone in its own JVM against the stack's Kafka: it
 * serves batches, and SIGTERM under load drains — every batch answered 202 is in Kafka, whole, and
 * the process exits. Run twice: from the build's classpath, and as the compose deployment's {@code
 * ingest} container runs it — the Docker image's entrypoint, jars and environment ({@link
 * DockerImage}).
 */
class IngestServiceIT {

  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @ParameterizedTest(name = "from {0}")
  @ValueSource(strings = {"the build", "the Docker image"})
  void servesBatchesAndDrainsOnSigterm(String from, HeatlabConfig config, @TempDir Path imageRoot)
      throws Exception {
    int port = FreePorts.next();
    Path log = Files.createTempFile("heatlab-ingest-", ".log");
    ProcessBuilder builder;
    if (from.equals("the Docker image")) {
      builder =
          DockerImage.layOut(imageRoot).run("ingest"); // its own data dir, as in the container
    } else {
      builder =
          new ProcessBuilder(
              JavaCommand.javaBinary(),
              "-Dheatlab.log.level=WARN",
              "-cp",
              JavaCommand.classpath(),
              "io.heatlab.cli.HeatlabCli",
              "ingest");
      builder.environment().keySet().removeIf(k -> k.startsWith("HEATLAB_"));
      builder
          .environment()
          .put(
              ConfigLoader.envName(HeatlabConfig.DATA_DIR),
              STACK.stack().layout().root().toString());
    }
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .put(
            ConfigLoader.envName(HeatlabConfig.KAFKA_PORT),
            String.valueOf(config.getInt(HeatlabConfig.KAFKA_PORT)));
    builder.environment().put(ConfigLoader.envName(HeatlabConfig.HTTP_PORT), String.valueOf(port));
    Process service = builder.start();
    String url = "http://127.0.0.1:" + port;
    awaitServing(url, service, log);

    Map<String, Integer> answers = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService load = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 4; i++) {
      load.submit(
          () -> {
            while (running.get()) {
              String id = "svc-" + UUID.randomUUID();
              try {
                HttpResponse<String> r =
                    HTTP.send(
                        HttpRequest.newBuilder(URI.create(url + "/v1/batches"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer demo-write-key")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    BatchIngestIT.batch(id, BatchIngestIT.events(50))))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                answers.put(id, r.statusCode());
              } catch (Exception refusedAfterStop) {
                answers.put(id, -1);
                Thread.sleep(20);
              }
            }
            return null;
          });
    }
    Thread.sleep(3_000);
    service.toHandle().destroy(); // SIGTERM
    assertThat(service.waitFor(40, TimeUnit.SECONDS))
        .as("exits after draining; log:\n%s", Files.readString(log))
        .isTrue();
    running.set(false);
    load.shutdown();
    assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(Files.readString(log))
        .contains("draining requests in flight")
        .contains("stopped in");
    List<String> accepted =
        answers.entrySet().stream()
            .filter(e -> e.getValue() == 202)
            .map(Map.Entry::getKey)
            .toList();
    assertThat(accepted)
        .as("batches served before the SIGTERM (how many depends on the machine's load)")
        .isNotEmpty();
    // while stopping, Jetty's GracefulHandler answers new requests 503 (the page retries); after
    // it, connections are refused
    assertThat(answers.values()).allMatch(s -> s == 202 || s == 503 || s == -1);
    Map<String, Integer> inKafka = eventsPerBatch(config);
    assertThat(accepted).allSatisfy(id -> assertThat(inKafka.get(id)).as(id).isEqualTo(50));
  }

  private static void awaitServing(String url, Process service, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(service.isAlive()).as("heatlab ingest died:\n%s", Files.readString(log)).isTrue();
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("heatlab ingest did not become healthy:\n" + Files.readString(log));
  }

  private static Map<String, Integer> eventsPerBatch(HeatlabConfig config) throws Exception {
    String topic = config.getString(HeatlabConfig.EVENTS_TOPIC);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.endpoints().kafkaBootstrap());
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      var end = c.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
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
