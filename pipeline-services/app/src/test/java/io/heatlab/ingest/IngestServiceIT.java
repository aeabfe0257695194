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
import io.heatlab.stack.testing.IngestProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
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
    IngestProcess.awaitServing(url, service, log);

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

  /**
   * Hostile traffic against the service in its own JVM with a small heap: hundreds of slow senders
   * (a byte every 100 ms) and, meanwhile, a gzip bomb, 50,000-deep nesting, 200,000 events, a 5 MB
   * unknown field and 100,000 unknown fields — each refused (the slow ones with 408 once their body
   * deadline passes, not at the idle timeout), valid batches accepted all along, {@code /healthz}
   * answering, and the JVM alive in its 160 MB heap.
   */
  @Test
  void refusesHostileTrafficWhileValidBatchesGoThroughInABoundedHeap(HeatlabConfig config)
      throws Exception {
    int port = FreePorts.next();
    try (IngestProcess service =
        IngestProcess.start(
            config,
            port,
            Map.of(HeatlabConfig.INGEST_BODY_GRACE_MS, "500"),
            List.of("-Xmx160m", "-XX:+ExitOnOutOfMemoryError"))) {
      String url = service.url();
      int slowSenders = 300;
      ExecutorService slow = Executors.newFixedThreadPool(slowSenders);
      List<Future<SlowAnswer>> slowAnswers = new ArrayList<>();
      for (int i = 0; i < slowSenders; i++) {
        slowAnswers.add(slow.submit(() -> slowSender(port, 2_000)));
      }
      Thread.sleep(300); // the slow senders are connected and trickling
      Map<String, HostileAnswer> hostile = new LinkedHashMap<>();
      for (Map.Entry<String, HttpRequest> h : hostileRequests(url).entrySet()) {
        long t0 = System.nanoTime();
        // a connection of its own: the server closes it after refusing a body it did not read
        // whole, and the page's next batch must not be sent on a connection about to close
        HttpClient once = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
          HttpResponse<String> r = once.send(h.getValue(), HttpResponse.BodyHandlers.ofString());
          hostile.put(
              h.getKey(),
              new HostileAnswer(r.statusCode(), r.body(), (System.nanoTime() - t0) / 1e6));
        } catch (IOException closedWhileSending) {
          // the server refused the body and closed while this client was still uploading it: the
          // refusal can be lost in the reset (RFC 9112 §9.6) — a refusal all the same (-1)
          hostile.put(
              h.getKey(),
              new HostileAnswer(-1, closedWhileSending.toString(), (System.nanoTime() - t0) / 1e6));
        }
        assertThat(post(url, "valid-" + UUID.randomUUID(), BatchIngestIT.events(50)))
            .as("a valid batch sent right after the %s", h.getKey())
            .isEqualTo(202);
      }
      HttpResponse<String> health =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).as("/healthz while 300 bodies trickle in").isEqualTo(200);
      List<SlowAnswer> slowResults = new ArrayList<>();
      for (Future<SlowAnswer> f : slowAnswers) {
        slowResults.add(f.get(60, TimeUnit.SECONDS));
      }
      slow.shutdown();
      assertThat(service.isAlive())
          .as("the service survived in its 160 MB heap; log:\n%s", service.log())
          .isTrue();
      String heap = jcmd(service.pid(), "GC.heap_info");

      hostile.forEach(
          (what, a) -> {
            assertThat(a.status() == -1 || (a.status() >= 400 && a.status() < 500))
                .as(
                    "%s refused (4xx, or closed while it was sent): %s %s",
                    what, a.status(), a.body())
                .isTrue();
            if (a.status() != -1) {
              assertThat(a.body()).as(what).doesNotContain("Exception", "at io.", "at org.");
            }
          });
      assertThat(slowResults)
          .as(
              "every slow sender was answered 408 at its body deadline, not left to the idle timeout")
          .allSatisfy(a -> assertThat(a.status()).isEqualTo(408));
      double[] slowMs = slowResults.stream().mapToDouble(SlowAnswer::millis).sorted().toArray();
      System.out.printf(
          "IngestServiceIT abuse: hostile answers %s; %d slow senders answered 408 after %.0f–%.0f ms"
              + " (deadline 500 ms + 2,000 B at 16 KiB/s); heap after: %s%n",
          hostile,
          slowResults.size(),
          slowMs[0],
          slowMs[slowMs.length - 1],
          heap.lines().filter(l -> l.contains("total")).findFirst().orElse(heap).strip());
    }
  }

  record HostileAnswer(int status, String body, double millis) {
    @Override
    public String toString() {
      return status + String.format(" in %.0f ms", millis);
    }
  }

  record SlowAnswer(int status, double millis) {}

  /**
   * A sender that declares {@code length} bytes and sends one every 100 ms: the status it is
   * answered with (-1: none) and when.
   */
  private static SlowAnswer slowSender(int port, int length) throws IOException {
    long t0 = System.nanoTime();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(
          ("POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Authorization: Bearer demo-write-key\r\nContent-Length: "
                  + length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (int i = 0; i < length && in.available() == 0; i++) {
        try {
          out.write('[');
          out.flush();
          Thread.sleep(100);
        } catch (IOException closedByTheServer) {
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      String statusLine =
          new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 408"
      int status = statusLine.length() == 12 ? Integer.parseInt(statusLine.substring(9, 12)) : -1;
      return new SlowAnswer(status, (System.nanoTime() - t0) / 1e6);
    }
  }

  /** The held-out corpus's kinds of hostile batches, with a valid write key. */
  private static Map<String, HttpRequest> hostileRequests(String url) throws IOException {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 60; i++) {
        gz.write(zeros); // 60 MiB of zeros: ~60 KiB on the wire
      }
    }
    StringBuilder manyUnknown = new StringBuilder("{\"client_id\":\"demo\"");
    for (int i = 0; i < 100_000; i++) {
      manyUnknown.append(",\"u").append(i).append("\":1");
    }
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put("60 MB gzip bomb", bomb.toByteArray());
    bodies.put(
        "50,000-deep nesting",
        ("{\"u\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "200,000 events",
        BatchIngestIT.batch("many", BatchIngestIT.events(200_000))
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "5 MB unknown field",
        ("{\"client_id\":\"demo\",\"u\":\"" + "x".repeat(5 << 20) + "\"}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "100,000 unknown fields",
        manyUnknown.append('}').toString().getBytes(StandardCharsets.UTF_8));
    Map<String, HttpRequest> requests = new LinkedHashMap<>();
    bodies.forEach(
        (what, body) -> {
          HttpRequest.Builder b =
              HttpRequest.newBuilder(URI.create(url + "/v1/batches"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer demo-write-key")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body));
          if (what.contains("gzip")) {
            b.header("Content-Encoding", "gzip");
          }
          requests.put(what, b.build());
        });
    return requests;
  }

  private static int post(String url, String batchId, String events) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url + "/v1/batches"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer demo-write-key")
                .POST(HttpRequest.BodyPublishers.ofString(BatchIngestIT.batch(batchId, events)))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  /** {@code jcmd <pid> <command>}'s output (the JDK's own tool, beside the java binary). */
  private static String jcmd(long pid, String command) throws Exception {
    Path java = Path.of(JavaCommand.javaBinary());
    Process p =
        new ProcessBuilder(java.resolveSibling("jcmd").toString(), String.valueOf(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
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
