package io.heatlab.landing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.EventCodec;
import io.heatlab.contract.LandedEvent;
import io.heatlab.stack.ConnectAdmin;
import io.heatlab.stack.DeadLetters;
import io.heatlab.stack.LandingDeployment;
import io.heatlab.stack.OffsetsReset;
import io.heatlab.stack.Stack;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The landing connector on the real broker, Connect worker and S3 server: everything produced lands
 * once, in its event-time hour, as JSON lines and (by a second connector on the same topic) as
 * Parquet; late events land in their hour; poison records go to the dead-letter topic and the
 * stream goes on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LandingIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(HeatlabConfig.LANDING_FLUSH_SIZE, "4000")
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "2000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "2000");

  private static LandingFixture fixture;
  private static final Map<String, LandedEvent> PRODUCED = new HashMap<>();
  private static final long NOW = System.currentTimeMillis();

  @BeforeAll
  static void produce() {
    fixture = new LandingFixture(STACK.stack());
    String run = "it-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 30_000; i++) {
      long t = NOW - 3 * 3_600_000L + i * 300L; // three hours of event time, in order
      LandedEvent e = LandingFixture.event(run, i, t);
      PRODUCED.put(LandingFixture.identity(e), e);
      fixture.produce(e);
    }
    fixture.produceRaw("this is not JSON".getBytes(StandardCharsets.UTF_8));
    LandedEvent outOfRange =
        new LandedEvent(
            "demo", "pricing", null, run + "-bad", "move", NOW, 5.0, 0.5, null, null, NOW);
    fixture.produceRaw(EventCodec.toJson(outOfRange));
    LandedEvent late =
        LandingFixture.event(run + "-late", 1, NOW - 3L * 24 * 3_600_000L); // three days late
    PRODUCED.put(LandingFixture.identity(late), late);
    fixture.produce(late);
    fixture.flush(); // the last batch record out before the v1 records below
    for (int i = 30_000; i < 31_000; i++) { // the stream goes on after the poison, as v1 records
      LandedEvent e = LandingFixture.event(run, i, NOW - 3_600_000L + i);
      PRODUCED.put(LandingFixture.identity(e), e);
      fixture.produceV1(e); // a replay of the v1 topic lands beside batch records
    }
    fixture.flush();
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  @Test
  @Order(1)
  void everyEventLandsExactlyOnceInItsHourAsJsonLines() throws Exception {
    fixture.awaitLanded("heatlab-landing", Duration.ofSeconds(90));
    Map<String, String> hours = new HashMap<>();
    Map<String, Integer> landed = fixture.landedIdentities(new JsonLinesFormat(), hours);

    LandingFixture.assertExactlyOnce(PRODUCED.keySet(), landed);
    LandedEvent late =
        PRODUCED.values().stream()
            .filter(e -> e.batchId().contains("-late"))
            .findFirst()
            .orElseThrow();
    assertThat(hours.get(LandingFixture.identity(late)))
        .isEqualTo(HourPartition.of(late.eventTime()).toString());
  }

  @Test
  @Order(2)
  void objectsAreSplitAtFlushSizeAndNamedByTopicPartitionAndFirstOffset() throws Exception {
    List<ObjectStore.Entry> all = fixture.store.list("events/v1/format=jsonl/");
    assertThat(all)
        .isNotEmpty()
        .allSatisfy(
            o ->
                assertThat(o.key())
                    .matches(
                        "events/v1/format=jsonl/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/heatmap\\.batches\\+\\d\\+\\d{20}\\.jsonl\\.gz"));
    for (ObjectStore.Entry o : all) {
      assertThat(new JsonLinesFormat().decode(fixture.store.get(o.key()).orElseThrow()).size())
          .as("flush.size, then up to the end of the record (a 50-event batch is never split)")
          .isLessThanOrEqualTo(4000 + 49);
    }
  }

  @Test
  @Order(3)
  void poisonRecordsReachTheDeadLetterTopicWithTheirReason(HeatlabConfig config) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.endpoints().kafkaBootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // reports are at least once: a partition replayed after a rebalance reports its poison
    // records again (Connect's reporter is a plain producer), so reports are counted per source
    // record, named by the headers Connect adds
    Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(config.getString(HeatlabConfig.LANDING_DLQ_TOPIC)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (dead.size() < 2 && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(500)).forEach(r -> dead.putIfAbsent(source(r), r));
      }
    }
    assertThat(dead.keySet()).as("poison records reported").hasSize(2);
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : dead.values()) {
      reasons.add(header(r, "__connect.errors.exception.message"));
    }
    assertThat(reasons)
        .anySatisfy(r -> assertThat(r).contains("not the contract's JSON"))
        .anySatisfy(r -> assertThat(r).contains("x_norm and y_norm must be within [0,1]"));
  }

  /** The topic, partition and offset of the record a dead-letter report is about. */
  private static String source(ConsumerRecord<byte[], byte[]> report) {
    return header(report, "__connect.errors.topic")
        + "-"
        + header(report, "__connect.errors.partition")
        + "@"
        + header(report, "__connect.errors.offset");
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    assertThat(h).as(name).isNotNull();
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  @Order(4)
  void indexAnswersWhichHoursReceivedObjectsAfterATime() throws Exception {
    LandingIndex index =
        new LandingIndex(fixture.store, new LandingLayout(LandingLayout.DEFAULT_PREFIX));
    LandedEvent late =
        PRODUCED.values().stream()
            .filter(e -> e.batchId().contains("-late"))
            .findFirst()
            .orElseThrow();
    assertThat(index.hoursChangedSince(Instant.ofEpochMilli(NOW - 60_000)))
        .contains(HourPartition.of(late.eventTime()), HourPartition.of(NOW - 3_600_000L));
    assertThat(index.hoursChangedSince(Instant.now().plusSeconds(5))).isEmpty();
    assertThat(index.hours()).contains(HourPartition.of(late.eventTime()));
    List<PartitionState> states = index.partitionStates("heatlab-landing");
    long endOffsets = fixture.endOffsets().values().stream().mapToLong(Long::longValue).sum();
    assertThat(states).isNotEmpty().allSatisfy(s -> assertThat(s.durableOffset()).isPositive());
    assertThat(states.stream().mapToLong(PartitionState::durableOffset).sum())
        .as("durable = produced")
        .isEqualTo(endOffsets);
    // the counter includes rewrites: a rebalance (e.g. the second task's consumer joining late on
    // a loaded machine) replays a partition from its committed offset and rewrites the same
    // objects; that they hold each event once is the first test's check
    assertThat(states.stream().mapToLong(PartitionState::recordsWritten).sum())
        .as("valid records written, rewrites after a rebalance included")
        .isGreaterThanOrEqualTo(PRODUCED.size());
  }

  @Test
  @Order(5)
  void aParquetConnectorLandsTheSameEventsExactlyOnce(Stack stack) throws Exception {
    Map<String, String> config =
        new HashMap<>(
            LandingDeployment.connectorConfig(
                stack.config(),
                stack.endpoints(),
                stack.layout().confDir().resolve(LandingDeployment.SECRETS_FILE)));
    config.put(LandingConfig.FORMAT, "parquet");
    LandingDeployment.deploy(stack.endpoints().connectUrl(), "landing-parquet-it", config);

    fixture.awaitLanded("landing-parquet-it", Duration.ofSeconds(120));
    Map<String, Integer> landed =
        fixture.landedIdentities(new ParquetFormat("zstd"), new HashMap<>());
    LandingFixture.assertExactlyOnce(PRODUCED.keySet(), landed);
  }

  /**
   * The operator's tools on the real worker: the dead letters listed once per source record with
   * their reason, one re-driven to its source topic (still poison, it is reported again from its
   * new offset, carrying the header that names the letter it came from); the landing connector
   * paused, resumed and restarted through Connect's REST API.
   */
  @Test
  @Order(6)
  void deadLettersAreListedOnceAndReDrivenAndTheConnectorIsPausedResumedRestarted(
      HeatlabConfig config, Stack stack) throws Exception {
    try (DeadLetters dlq =
        new DeadLetters(
            stack.endpoints().kafkaBootstrap(),
            config.getString(HeatlabConfig.LANDING_DLQ_TOPIC))) {
      List<DeadLetters.Letter> letters = dlq.newest(100, Duration.ofSeconds(10));
      assertThat(letters).as("one per source record, however often reported").hasSize(2);
      assertThat(letters)
          .allSatisfy(
              l -> {
                assertThat(l.sourceTopic()).isEqualTo(config.getString(HeatlabConfig.EVENTS_TOPIC));
                assertThat(l.sourceOffset()).isNotNegative();
              })
          .anySatisfy(l -> assertThat(l.reason()).contains("not the contract's JSON"))
          .anySatisfy(l -> assertThat(l.preview(100)).isEqualTo("this is not JSON"));
      DeadLetters.Letter notJson =
          letters.stream()
              .filter(l -> l.preview(100).equals("this is not JSON"))
              .findFirst()
              .orElseThrow();

      assertThat(dlq.redrive(List.of(notJson))).isEqualTo(1);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> dlq.newest(100, Duration.ofSeconds(5)).size() == 3);
      DeadLetters.Letter again =
          dlq.newest(100, Duration.ofSeconds(5)).stream()
              .filter(l -> l.preview(100).equals("this is not JSON"))
              .max(Comparator.comparingLong(DeadLetters.Letter::sourceOffset))
              .orElseThrow();
      assertThat(again.sourceOffset()).isGreaterThan(notJson.sourceOffset());
      assertThat(redrivenFrom(stack, again))
          .isEqualTo(dlq.topic() + "-" + notJson.partition() + "@" + notJson.offset());
    }

    ConnectAdmin connect = new ConnectAdmin(stack.endpoints().connectUrl());
    String landing = config.getString(HeatlabConfig.LANDING_CONNECTOR);
    assertThat(state(connect, landing)).startsWith("RUNNING, tasks");
    connect.pause(landing);
    awaitState(connect, landing, "PAUSED");
    connect.resume(landing);
    awaitState(connect, landing, "RUNNING");
    connect.restart(landing);
    awaitState(connect, landing, "RUNNING");
    assertThat(connect.connectors())
        .filteredOn(c -> c.name().equals(landing))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.tasks())
                    .isNotEmpty()
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING")));
  }

  /**
   * The landing connector's offsets reset to earliest (KIP-875: stopped, moved, resumed): every
   * record is read again and landing cuts its cycles at the logged ends, so it rewrites exactly the
   * same objects — same names, same sizes — and every event is still landed exactly once.
   */
  @Test
  @Order(7)
  void aRewindToEarliestRewritesTheSameObjectsAndEveryEventStaysLandedOnce(
      HeatlabConfig config, Stack stack) throws Exception {
    Map<String, Long> before = new HashMap<>();
    fixture.store.list("events/v1/format=jsonl/").forEach(o -> before.put(o.key(), o.size()));
    OffsetsReset.Landing landing =
        OffsetsReset.Landing.of(
            config,
            stack.endpoints(),
            fixture.admin,
            new LandingIndex(fixture.store, new LandingLayout(LandingLayout.DEFAULT_PREFIX)));
    List<OffsetsReset.Move> plan = landing.plan(new OffsetsReset.Earliest());
    assertThat(plan)
        .isNotEmpty()
        .allSatisfy(m -> assertThat(m.to()).as("every cycle is remembered").isZero());
    long reread = plan.stream().mapToLong(OffsetsReset.Move::reread).sum();
    assertThat(reread).isGreaterThan(31_000 / 50);
    assertThat(OffsetsReset.confirmation(landing.connector(), true, plan))
        .contains(reread + " offsets read again");

    Instant reset = Instant.now().minusSeconds(1);
    List<String> progress = new ArrayList<>();
    List<OffsetsReset.Move> applied = landing.apply(new OffsetsReset.Earliest(), progress::add);
    assertThat(applied).extracting(OffsetsReset.Move::to).containsOnly(0L);
    assertThat(progress).first().asString().startsWith("stopping connector");
    assertThat(progress).last().asString().startsWith("resuming connector");

    fixture.awaitLanded(landing.connector(), Duration.ofSeconds(120));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(fixture.store.list("events/v1/format=jsonl/"))
                    .as("every object rewritten after the reset")
                    .allSatisfy(o -> assertThat(o.lastModified()).isAfter(reset)));
    Map<String, Long> after = new HashMap<>();
    fixture.store.list("events/v1/format=jsonl/").forEach(o -> after.put(o.key(), o.size()));
    assertThat(after).as("the same objects, overwritten in place").isEqualTo(before);
    LandingFixture.assertExactlyOnce(
        PRODUCED.keySet(), fixture.landedIdentities(new JsonLinesFormat(), new HashMap<>()));
  }

  /**
   * Any other consumer group (an operator's consumer): moved with the Admin client only while it
   * has no member — refused with the reason while its consumer runs, then rewound to earliest.
   */
  @Test
  @Order(8)
  void anotherGroupIsResetOnlyWhileInactive(Stack stack) throws Exception {
    String topic = "heatmap.batches";
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().kafkaBootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "operator-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    OffsetsReset.Group group = new OffsetsReset.Group(fixture.admin, "operator-reader");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int read = 0;
      while (read < 500 && System.nanoTime() < deadline) {
        read += c.poll(Duration.ofMillis(500)).count();
      }
      c.commitSync();
      assertThat(read).isPositive();
      List<OffsetsReset.Move> plan = group.plan(new OffsetsReset.Earliest());
      assertThat(plan).isNotEmpty().allSatisfy(m -> assertThat(m.topic()).isEqualTo(topic));
      assertThat(plan.stream().mapToLong(OffsetsReset.Move::reread).sum()).isPositive();
      assertThat(OffsetsReset.confirmation("operator-reader", false, plan))
          .contains("The group must be inactive");
      assertThatThrownBy(() -> group.apply(new OffsetsReset.Earliest()))
          .hasMessageContaining("active member(s): stop its consumers first");
    }
    List<OffsetsReset.Move> applied = group.apply(new OffsetsReset.Earliest());
    Map<TopicPartition, OffsetAndMetadata> now =
        fixture
            .admin
            .listConsumerGroupOffsets("operator-reader")
            .partitionsToOffsetAndMetadata()
            .get();
    for (OffsetsReset.Move m : applied) {
      assertThat(now.get(new TopicPartition(m.topic(), m.partition())).offset()).isEqualTo(m.to());
    }
  }

  private static String state(ConnectAdmin connect, String name) throws Exception {
    return connect.connectors().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .map(ConnectAdmin.Connector::summary)
        .orElse("absent");
  }

  private static void awaitState(ConnectAdmin connect, String name, String state) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              ConnectAdmin.Connector c =
                  connect.connectors().stream()
                      .filter(x -> x.name().equals(name))
                      .findFirst()
                      .orElseThrow();
              return c.state().equals(state)
                  && !c.tasks().isEmpty()
                  && c.tasks().stream().allMatch(t -> t.state().equals(state));
            });
  }

  /** The re-drive header of the source record a letter reports. */
  private static String redrivenFrom(Stack stack, DeadLetters.Letter letter) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().kafkaBootstrap());
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(letter.sourceTopic(), letter.sourcePartition());
      c.assign(List.of(tp));
      c.seek(tp, letter.sourceOffset());
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.offset() == letter.sourceOffset()) {
            Header h = r.headers().lastHeader(DeadLetters.REDRIVEN_FROM);
            return h == null ? "no header" : new String(h.value(), StandardCharsets.UTF_8);
          }
        }
      }
    }
    return "not found";
  }
}
