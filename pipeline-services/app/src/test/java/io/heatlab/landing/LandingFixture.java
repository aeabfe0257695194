package io.heatlab.landing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventCodec;
import io.heatlab.contract.EventType;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.PointerEvent;
import io.heatlab.ingest.EventProducer;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StorageClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces contract events straight into the topic and reads back what landed, for the landing
 * tests.
 */
final class LandingFixture implements AutoCloseable {
  final Stack stack;
  final String topic;
  final ObjectStore store;
  final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  private final List<LandedEvent> pending = new ArrayList<>(); // the batch being gathered

  LandingFixture(Stack stack) {
    this.stack = stack;
    HeatlabConfig c = stack.config();
    this.topic = c.getString(HeatlabConfig.EVENTS_TOPIC);
    this.store =
        new MinioObjectStore(
            StorageClients.minio(c, stack.endpoints()), c.getString(HeatlabConfig.STORAGE_BUCKET));
    this.admin = Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().kafkaBootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A unique, recognisable contract event: identity = batch_id + event_time. */
  static LandedEvent event(String run, int i, long eventTime) {
    return new LandedEvent(
        "demo",
        new String[] {"landing", "pricing", "checkout"}[(i / 50) % 3], // one screen per batch
        "s-" + run,
        run + "-" + (i / 50),
        i % 20 == 0 ? "click" : "move",
        eventTime,
        (i % 997) / 997.0,
        (i % 991) / 991.0,
        1440,
        900,
        eventTime + 1000);
  }

  static String identity(LandedEvent e) {
    return e.batchId() + "@" + e.eventTime();
  }

  /**
   * Produces {@code e} as ingestion does (contract v2): events of one batch, produced one after the
   * other, go out as one batch record when the next batch begins or on {@link #flush}.
   */
  synchronized void produce(LandedEvent e) {
    if (!pending.isEmpty() && !pending.get(0).batchId().equals(e.batchId())) {
      sendPending();
    }
    pending.add(e);
  }

  /** Produces {@code e} as a v1 record (one event as JSON): the replay of an old topic. */
  void produceV1(LandedEvent e) {
    producer.send(
        new ProducerRecord<>(
            topic,
            null,
            e.eventTime(),
            (e.clientId() + "|" + e.screenId()).getBytes(),
            EventCodec.toJson(e)));
  }

  private void sendPending() {
    LandedEvent first = pending.get(0);
    List<PointerEvent> events = new ArrayList<>();
    for (LandedEvent e : pending) {
      events.add(
          new PointerEvent(
              e.eventTime(),
              e.xNorm(),
              e.yNorm(),
              EventType.fromWire(e.eventType()).orElseThrow()));
    }
    EventBatch batch =
        new EventBatch(
            first.clientId(),
            first.batchId(),
            first.screenId(),
            first.sessionId(),
            first.viewportW() == null
                ? null
                : new EventBatch.Viewport(first.viewportW(), first.viewportH()),
            events);
    producer.send(EventProducer.record(topic, BatchRecord.of(batch, first.receivedAt())));
    pending.clear();
  }

  void produceRaw(byte[] value) {
    producer.send(
        new ProducerRecord<>(topic, null, System.currentTimeMillis(), "poison".getBytes(), value));
  }

  synchronized void flush() {
    if (!pending.isEmpty()) {
      sendPending();
    }
    producer.flush();
  }

  /**
   * Waits until the connector's committed offsets reach the topic's end: everything produced is
   * landed.
   */
  void awaitLanded(String connector, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> end = endOffsets();
    while (System.nanoTime() < deadline) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets("connect-" + connector)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      boolean done =
          end.entrySet().stream()
              .allMatch(
                  e ->
                      e.getValue() == 0
                          || (committed.get(e.getKey()) != null
                              && committed.get(e.getKey()).offset() >= e.getValue()));
      if (done) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "connector " + connector + " did not land everything within " + timeout + ": end " + end);
  }

  Map<TopicPartition, Long> endOffsets() throws Exception {
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
    return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /**
   * Every landed row of a format, with the hour folder it was found in, read through {@link
   * ObjectFormat#decode}.
   */
  Map<String, Integer> landedIdentities(ObjectFormat format, Map<String, String> hourOfIdentity)
      throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (ObjectStore.Entry o :
        store.list(new LandingLayout(LandingLayout.DEFAULT_PREFIX).formatPrefix(format.name()))) {
      LandingLayout.ObjectName name =
          LandingLayout.parse(o.key()).orElseThrow(() -> new AssertionError("odd key " + o.key()));
      assertThat(o.key()).endsWith("." + format.extension());
      for (LandedEvent e : format.decode(store.get(o.key()).orElseThrow())) {
        counts.merge(identity(e), 1, Integer::sum);
        hourOfIdentity.put(identity(e), name.hour().toString());
        assertThat(HourPartition.of(e.eventTime()))
            .as("event in its event-time hour")
            .isEqualTo(name.hour());
      }
    }
    return counts;
  }

  /**
   * Every produced identity landed exactly once, nothing else landed. (Set arithmetic here:
   * AssertJ's collection assertions compare element by element, minutes for 100k identities.)
   */
  static void assertExactlyOnce(Set<String> produced, Map<String, Integer> landed) {
    Set<String> missing = new HashSet<>(produced);
    missing.removeAll(landed.keySet());
    Set<String> invented = new HashSet<>(landed.keySet());
    invented.removeAll(produced);
    Map<String, Integer> twice =
        landed.entrySet().stream()
            .filter(e -> e.getValue() != 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(missing)
        .as("produced but not landed (%d of %d)", missing.size(), produced.size())
        .isEmpty();
    assertThat(invented).as("landed but never produced").isEmpty();
    assertThat(twice).as("landed more than once").isEmpty();
  }

  @Override
  public void close() {
    producer.close();
    admin.close();
  }
}
