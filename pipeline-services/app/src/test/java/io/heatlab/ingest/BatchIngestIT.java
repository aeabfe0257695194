package io.heatlab.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.assets.ScreenCatalog;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventCodec;
import io.heatlab.contract.LandedEvent;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * POST /v1/batches on the real stack: what is accepted reaches Kafka as the contract says; nothing
 * else does.
 */
class BatchIngestIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(HeatlabConfig.INGEST_WRITE_KEYS, "demo=demo-write-key,other=other-key")
          .with(HeatlabConfig.INGEST_RATE_LIMIT, "2500");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String KEY = "demo-write-key";

  record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  static String batch(String batchId, String eventsJson) {
    return """
        {"client_id":"demo","batch_id":"%s","screen_id":"pricing","session_id":"s-1f2e","viewport":{"w":1440,"h":900},
         "events":%s}"""
        .formatted(batchId, eventsJson);
  }

  static String events(int n) {
    long now = System.currentTimeMillis();
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"t\":")
          .append(now - i)
          .append(",\"x\":0.")
          .append(100 + i % 800)
          .append(",\"y\":0.5,\"type\":\"")
          .append(i % 10 == 0 ? "click" : "move")
          .append("\"}");
    }
    return sb.append("]").toString();
  }

  static Answer post(
      String body, String contentType, String authorization, String query, String encoding)
      throws Exception {
    return post(body.getBytes(StandardCharsets.UTF_8), contentType, authorization, query, encoding);
  }

  static Answer post(
      byte[] body, String contentType, String authorization, String query, String encoding)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/v1/batches" + query))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
  }

  static Answer post(String body) throws Exception {
    return post(body, "application/json", "Bearer " + KEY, "", null);
  }

  static long producedSoFar(StackEndpoints endpoints, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrap()))) {
      var partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topic)
              .partitions();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      partitions.forEach(
          p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
          .mapToLong(o -> o.offset())
          .sum();
    }
  }

  /** The records of batch {@code batchId} (key {@code demo|batchId}), read as the landing reads. */
  static List<ConsumerRecord<String, byte[]>> recordsOfBatch(
      StackEndpoints endpoints, String topic, String batchId, int expected) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // as the landing connector reads
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.key() != null && r.key().endsWith("|" + batchId)) {
            found.add(r);
          }
        }
        if (found.size() >= expected
            && c.assignment().stream()
                .allMatch(tp -> c.position(tp) >= c.endOffsets(List.of(tp)).get(tp))) {
          break;
        }
      }
    }
    return found;
  }

  @Test
  void validBatchReachesKafkaWithExactlyTheContractFields(
      HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    String batchId = "b-" + UUID.randomUUID();
    String body =
        """
        {"client_id":"demo","batch_id":"%s","screen_id":"pricing","session_id":"s-1f2e","viewport":{"w":1440,"h":900},
         "tracking_pixel":"ignored","events":[{"t":%d,"x":0.25,"y":0.75,"type":"move","extra":1},
                                              {"t":%d,"x":1,"y":0,"type":"click"}]}"""
            .formatted(batchId, System.currentTimeMillis() - 1000, System.currentTimeMillis());

    Answer answer = post(body);

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body().get("accepted").asInt()).isEqualTo(2);
    assertThat(answer.body().get("batch_id").asText()).isEqualTo(batchId);
    List<ConsumerRecord<String, byte[]>> records =
        recordsOfBatch(endpoints, config.getString(HeatlabConfig.EVENTS_TOPIC), batchId, 1);
    assertThat(records).as("one record per batch (contract v2)").hasSize(1);
    ConsumerRecord<String, byte[]> r = records.get(0);
    assertThat(r.key()).isEqualTo("demo|" + batchId);
    assertThat(BatchRecord.isBatch(r.value())).isTrue();
    assertThat(new String(r.headers().lastHeader(BatchRecord.EVENTS_HEADER).value(), UTF_8))
        .isEqualTo("2");
    List<LandedEvent> rows = BatchRecord.rowsOf(r.value());
    assertThat(rows).hasSize(2);
    for (LandedEvent e : rows) {
      JsonNode value = JSON.readTree(EventCodec.toJson(e));
      List<String> fields = new ArrayList<>();
      value.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsExactlyElementsOf(LandedEvent.FIELDS);
      assertThat(r.timestamp()).as("record time = received_at").isEqualTo(e.receivedAt());
      assertThat(e.clientId()).isEqualTo("demo");
      assertThat(e.sessionId()).isEqualTo("s-1f2e");
      assertThat(e.viewportW()).isEqualTo(1440);
      assertThat(e.receivedAt()).isGreaterThanOrEqualTo(e.eventTime() - 60_000);
    }
    assertThat(rows).extracting(LandedEvent::eventType).containsExactly("move", "click");
    assertThat(rows).extracting(LandedEvent::xNorm).containsExactly(0.25, 1.0);
  }

  @Test
  void resentBatchIsAnsweredDuplicateAndProducedOnce(HeatlabConfig config, StackEndpoints endpoints)
      throws Exception {
    String batchId = "dup-" + UUID.randomUUID();
    String body = batch(batchId, events(5));
    assertThat(post(body).status()).isEqualTo(202);

    Answer again = post(body);

    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body().get("duplicate").asBoolean()).isTrue();
    List<ConsumerRecord<String, byte[]>> records =
        recordsOfBatch(endpoints, config.getString(HeatlabConfig.EVENTS_TOPIC), batchId, 1);
    assertThat(records).hasSize(1);
    assertThat(BatchRecord.rowsOf(records.get(0).value())).hasSize(5);
  }

  @Test
  void keyInQueryAndGzipBodyAreAccepted() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(batch("gz-" + UUID.randomUUID(), events(50)).getBytes(StandardCharsets.UTF_8));
    }
    Answer answer =
        post(bytes.toByteArray(), "application/json; charset=utf-8", null, "?key=" + KEY, "gzip");
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(202);
    assertThat(answer.body().get("accepted").asInt()).isEqualTo(50);
  }

  /** {@code {"u0":0,…,"u<n-1>":<n-1>,} — an opening brace and n unknown fields. */
  private static String unknownFields(int n) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      s.append("\"u").append(i).append("\":").append(i).append(',');
    }
    return s.toString();
  }

  static Stream<Arguments> badRequests() throws Exception {
    long now = System.currentTimeMillis();
    String ok = events(3);
    StringBuilder seventeenth = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      seventeenth
          .append(i == 0 ? "" : ",")
          .append("{\"t\":")
          .append(now)
          .append(",\"x\":")
          .append(i == 17 ? "1.5" : "0.5")
          .append(",\"y\":0.5,\"type\":\"move\"}");
    }
    seventeenth.append("]");
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 16; i++) {
        gz.write(zeros); // 16 MiB of zeros: ~16 KiB on the wire
      }
    }
    byte[] large = new byte[(1 << 20) + 10];
    Arrays.fill(large, (byte) ' ');
    return Stream.of(
        Arguments.of(
            "no write key", req(batch("a", ok)).auth(null), 401, "missing write key", null),
        Arguments.of(
            "wrong write key",
            req(batch("a", ok)).auth("Bearer nope"),
            403,
            "unknown write key",
            null),
        Arguments.of(
            "key of another client",
            req(batch("a", ok)).auth("Bearer other-key"),
            403,
            "not valid for client_id 'demo'",
            null),
        Arguments.of(
            "text/html body", req(batch("a", ok)).type("text/html"), 415, "application/json", null),
        Arguments.of("body over 1 MiB", req(large), 413, "over the limit", null),
        Arguments.of(
            "gzip bomb", req(bomb.toByteArray()).encoding("gzip"), 413, "after decoding", null),
        Arguments.of("not gzip", req(batch("a", ok)).encoding("gzip"), 400, "not valid gzip", null),
        Arguments.of("malformed JSON", req("{\"client_id\":"), 400, "malformed JSON", null),
        Arguments.of(
            "50,000-deep nesting",
            req("{\"u\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}"),
            400,
            "nesting depth",
            null),
        Arguments.of(
            "100 unknown fields",
            req(batch("a", ok).replace("{\"client_id\"", unknownFields(100) + "\"client_id\"")),
            400,
            "invalid batch",
            "$"),
        Arguments.of("trailing garbage", req(batch("a", ok) + " xyz"), 400, "malformed JSON", null),
        Arguments.of(
            "NaN literal",
            req(batch("a", "[{\"t\":" + now + ",\"x\":NaN,\"y\":0.5,\"type\":\"move\"}]")),
            400,
            "malformed JSON",
            null),
        Arguments.of(
            "Infinity by overflow",
            req(batch("a", "[{\"t\":" + now + ",\"x\":1e400,\"y\":0.5,\"type\":\"move\"}]")),
            400,
            "invalid batch",
            "events[0].x"),
        Arguments.of(
            "x as a string",
            req(batch("a", "[{\"t\":" + now + ",\"x\":\"0.5\",\"y\":0.5,\"type\":\"move\"}]")),
            400,
            "invalid batch",
            "events[0].x"),
        Arguments.of(
            "t as a float",
            req(batch("a", "[{\"t\":1.5,\"x\":0.5,\"y\":0.5,\"type\":\"move\"}]")),
            400,
            "invalid batch",
            "events[0].t"),
        Arguments.of(
            "x above one at events[17]",
            req(batch("a", seventeenth.toString())),
            400,
            "invalid batch",
            "events[17].x"),
        Arguments.of(
            "negative y",
            req(batch("a", "[{\"t\":" + now + ",\"x\":0.5,\"y\":-0.01,\"type\":\"move\"}]")),
            400,
            "invalid batch",
            "events[0].y"),
        Arguments.of(
            "unknown event type",
            req(batch("a", "[{\"t\":" + now + ",\"x\":0.5,\"y\":0.5,\"type\":\"scroll\"}]")),
            400,
            "invalid batch",
            "events[0].type"),
        Arguments.of(
            "event 8 days old",
            req(
                batch(
                    "a",
                    "[{\"t\":"
                        + (now - 8L * 86_400_000)
                        + ",\"x\":0.5,\"y\":0.5,\"type\":\"move\"}]")),
            400,
            "invalid batch",
            "events[0].t"),
        Arguments.of(
            "event 10 minutes ahead",
            req(
                batch(
                    "a",
                    "[{\"t\":" + (now + 600_000) + ",\"x\":0.5,\"y\":0.5,\"type\":\"move\"}]")),
            400,
            "invalid batch",
            "events[0].t"),
        Arguments.of("empty events", req(batch("a", "[]")), 400, "invalid batch", "events"),
        Arguments.of("1001 events", req(batch("a", events(1001))), 400, "invalid batch", "events"),
        Arguments.of("events not an array", req(batch("a", "{}")), 400, "invalid batch", "events"),
        Arguments.of(
            "missing batch_id",
            req("{\"client_id\":\"demo\",\"screen_id\":\"pricing\",\"events\":" + ok + "}"),
            400,
            "invalid batch",
            "batch_id"),
        Arguments.of(
            "control character in client_id",
            req(batch("a", ok).replace("\"demo\"", "\"de\\u0007mo\"")),
            400,
            "invalid batch",
            "client_id"),
        Arguments.of(
            "newline in batch_id", req(batch("a\\nb", ok)), 400, "invalid batch", "batch_id"),
        Arguments.of(
            "screen_id of 129 characters",
            req(batch("a", ok).replace("\"pricing\"", "\"" + "s".repeat(129) + "\"")),
            400,
            "invalid batch",
            "screen_id"),
        Arguments.of("body is an array", req("[1,2]"), 400, "invalid batch", "$"));
  }

  /** A request under construction, for the table above. */
  static final class Req {
    byte[] body;
    String type = "application/json";
    String auth = "Bearer " + KEY;
    String encoding;

    Req auth(String a) {
      auth = a;
      return this;
    }

    Req type(String t) {
      type = t;
      return this;
    }

    Req encoding(String e) {
      encoding = e;
      return this;
    }

    @Override
    public String toString() {
      return "request";
    }
  }

  static Req req(String body) {
    return req(body.getBytes(StandardCharsets.UTF_8));
  }

  static Req req(byte[] body) {
    Req r = new Req();
    r.body = body;
    return r;
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("badRequests")
  void badInputGetsItsStatusAndReasonAndProducesNothing(
      String name,
      Req req,
      int status,
      String error,
      String path,
      HeatlabConfig config,
      StackEndpoints endpoints)
      throws Exception {
    String topic = config.getString(HeatlabConfig.EVENTS_TOPIC);
    long before = producedSoFar(endpoints, topic);

    Answer answer = post(req.body, req.type, req.auth, "", req.encoding);

    assertThat(answer.status()).as(name + ": " + answer.body()).isEqualTo(status);
    assertThat(answer.body().get("error").asText()).contains(error);
    if (path != null) {
      List<String> paths = new ArrayList<>();
      for (Iterator<JsonNode> it = answer.body().get("details").elements(); it.hasNext(); ) {
        JsonNode d = it.next();
        paths.add(d.get("path").asText());
        assertThat(d.get("reason").asText()).isNotBlank();
      }
      assertThat(paths).contains(path);
    }
    assertThat(producedSoFar(endpoints, topic)).as("nothing produced").isEqualTo(before);
  }

  @Test
  void reportsTheReasonOfAnOutOfRangeCoordinate() throws Exception {
    long now = System.currentTimeMillis();
    Answer answer =
        post(
            batch(
                "r-" + UUID.randomUUID(),
                "[{\"t\":" + now + ",\"x\":0.5,\"y\":1.2,\"type\":\"move\"}]"));
    assertThat(answer.body().get("details").get(0).get("path").asText()).isEqualTo("events[0].y");
    assertThat(answer.body().get("details").get(0).get("reason").asText())
        .isEqualTo("must be within [0,1]");
  }

  @Test
  void clientOverItsRateGets429WithRetryAfterAndOthersDoNot() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(post(batch("rl-" + UUID.randomUUID(), events(1000))).status());
    }
    assertThat(statuses).contains(202).contains(429);
    Answer limited = null;
    for (int i = 0; i < 4 && (limited == null || limited.status() != 429); i++) {
      limited = post(batch("rl-" + UUID.randomUUID(), events(1000)));
    }
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.raw().headers().firstValue("Retry-After")).isPresent();
    assertThat(limited.body().get("error").asText()).contains("rate limit");

    String otherClient =
        batch("rl-" + UUID.randomUUID(), events(10))
            .replace("\"client_id\":\"demo\"", "\"client_id\":\"other\"");
    assertThat(post(otherClient, "application/json", "Bearer other-key", "", null).status())
        .as("buckets are per client")
        .isEqualTo(202);
    Thread.sleep(1_200); // refill, so the other tests of this class stay under the limit
  }

  @Test
  void trafficGeneratorPostsRealisticBatchesThatAllLandInKafka(
      HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    var screens = ScreenCatalog.load().screens();
    var plan =
        TrafficPlan.of(endpoints.httpUrl(), "other", "other-key", screens)
            .withClients(5)
            .withRate(1500)
            .withDuration(Duration.ofSeconds(2))
            .withBackfillHours(2.0)
            .withClickRatio(0.1)
            .withMaxInFlight(16)
            .withSeed(7);
    TrafficStats.Snapshot total;
    try (var generator = new TrafficGenerator(plan)) {
      generator.start(s -> {});
      total = generator.awaitEnd();
    }
    assertThat(total.failedBatches()).isZero();
    assertThat(total.eventsAccepted()).isEqualTo(total.eventsSent()).isBetween(2_500L, 3_500L);

    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    List<LandedEvent> fromGenerator = new ArrayList<>();
    Map<Integer, Integer> perPartition = new TreeMap<>();
    long allRecords = 0;
    long allEvents = 0;
    Map<TopicPartition, Long> ends;
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      String topic = config.getString(HeatlabConfig.EVENTS_TOPIC);
      List<TopicPartition> tps =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      var end = c.endOffsets(tps);
      ends = end;
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          allRecords++;
          allEvents += BatchRecord.rowsOf(r.value()).size();
          if (r.key() != null && r.key().startsWith("other|s-")) {
            List<LandedEvent> rows = BatchRecord.rowsOf(r.value());
            fromGenerator.addAll(rows);
            perPartition.merge(r.partition(), rows.size(), Integer::sum);
          }
        }
      }
    }
    // one client, three screens: keyed by batch, every partition gets its share (v1: 3 of 6)
    assertThat(perPartition).hasSize(config.getInt(HeatlabConfig.EVENTS_TOPIC_PARTITIONS));
    assertThat((long) fromGenerator.size()).isEqualTo(total.eventsAccepted());
    long twoHoursAgo = System.currentTimeMillis() - 2 * 3_600_000L - 120_000;
    assertThat(fromGenerator)
        .allSatisfy(
            v -> assertThat(v.eventTime()).as("backfilled over 2 h").isGreaterThan(twoHoursAgo));
    assertThat(fromGenerator)
        .extracting(LandedEvent::screenId)
        .contains("landing", "pricing", "checkout");
    assertThat(fromGenerator).filteredOn(v -> v.eventType().equals("click")).isNotEmpty();

    // what the console's lag counts: a stretch's records (batches) and, from their headers, events
    long behindRecords = 0;
    long behindEvents = 0;
    long testStart = System.currentTimeMillis() - 10 * 60_000L; // records were received since
    try (CommittedTail tail = new CommittedTail(endpoints.kafkaBootstrap())) {
      for (var e : ends.entrySet()) {
        CommittedTail.Behind b =
            tail.behind(
                e.getKey().topic(),
                e.getKey().partition(),
                0,
                e.getValue(),
                Duration.ofSeconds(10));
        assertThat(b.exact()).isTrue();
        if (b.records() > 0) { // and in time: the oldest record's received_at
          assertThat(b.oldest()).isBetween(testStart, System.currentTimeMillis());
          assertThat(b.behindMs(System.currentTimeMillis())).isNotNegative();
        }
        behindRecords += b.records();
        behindEvents += b.events();
      }
    }
    assertThat(behindRecords).isEqualTo(allRecords);
    assertThat(behindEvents).isEqualTo(allEvents);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/v1/batches"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
  }

  @Test
  void corsIsAllowedOnlyForConfiguredOrigins() throws Exception {
    String own = STACK.endpoints().httpUrl();
    HttpResponse<String> allowed =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(own + "/v1/batches"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", own)
                .header("Access-Control-Request-Method", "POST")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.statusCode()).isBetween(200, 204);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(own);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

    HttpResponse<String> refused =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(own + "/v1/batches"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // Jetty's CrossOriginHandler answers it without CORS headers: the browser refuses to send the
    // POST
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(refused.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
  }
}
