package io.heatlab.landing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventCodec;
import io.heatlab.contract.EventType;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.PointerEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The landing task as Connect drives it — start, open, put, preCommit, close — with a fake task
 * context and an in-memory store: valid records land, poison records go to the dead-letter reporter
 * without stalling the stream, only durable offsets are committed, a storage outage commits nothing
 * new and loses nothing, a partition whose buffer runs far ahead is paused and resumed.
 */
class LandingSinkTaskTest {
  private static final String TOPIC = "heatmap.events";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final long T = 1_764_237_600_000L;

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final FakeContext context = new FakeContext();
  private final LandingSinkTask task = new LandingSinkTask(c -> store, true);

  @BeforeEach
  void start() {
    task.initialize(context);
    task.start(settings());
    task.open(List.of(P0, P1));
  }

  private static Map<String, String> settings() {
    return Map.of(
        "name",
        "heatlab-landing",
        LandingConfig.S3_ENDPOINT,
        "http://unused",
        LandingConfig.S3_ACCESS_KEY,
        "k",
        LandingConfig.S3_SECRET_KEY,
        "s",
        LandingConfig.FLUSH_SIZE,
        "10",
        LandingConfig.ROTATE_SCHEDULE_INTERVAL_MS,
        "60000");
  }

  private static SinkRecord record(TopicPartition tp, long offset, byte[] value) {
    return new SinkRecord(tp.topic(), tp.partition(), null, null, null, value, offset);
  }

  private static byte[] event(long i) {
    return EventCodec.toJson(
        new LandedEvent(
            "acme", "pricing", "s", "b-" + i / 50, "move", T + i, 0.5, 0.5, 1280, 800, T + 100));
  }

  @Test
  void validRecordsLandAndOnlyDurableOffsetsAreCommitted() throws Exception {
    List<SinkRecord> batch = new ArrayList<>();
    for (long o = 0; o < 4; o++) {
      batch.add(record(P0, o, event(o)));
    }
    task.put(batch);
    assertThat(context.commitRequested).as("4 of flush.size 10: not due yet").isFalse();
    assertThat(context.timeoutMs).as("woken for the scheduled rotation").isBetween(50L, 60_000L);

    Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of());
    assertThat(committed).containsOnlyKeys(P0);
    assertThat(committed.get(P0).offset()).isEqualTo(4);
    assertThat(store.keys())
        .anySatisfy(
            k ->
                assertThat(k)
                    .startsWith("events/v1/format=jsonl/")
                    .endsWith("heatmap.events+0+00000000000000000000.jsonl.gz"));
  }

  @Test
  void aBatchRecordLandsTheSameJsonLinesAsItsEventsAsV1RecordsAndStaysWhole() throws Exception {
    List<PointerEvent> events = new ArrayList<>();
    for (int i = 0; i < 25; i++) { // more than flush.size (10): one object anyway
      events.add(new PointerEvent(T + i, i / 25.0, 0.123456789 * (i % 8), EventType.MOVE));
    }
    EventBatch a =
        new EventBatch("acme", "b-a", "pricing", "s-1", new EventBatch.Viewport(390, 844), events);
    EventBatch b = new EventBatch("acme", "b-b", "pricing", null, null, events.subList(0, 3));
    task.put(
        List.of(
            record(P0, 0, BatchRecord.of(a, T + 100).encode()),
            record(P0, 1, BatchRecord.of(b, T + 200).encode())));
    assertThat(task.preCommit(Map.of()).get(P0).offset()).isEqualTo(2);
    assertThat(store.keys().stream().filter(k -> k.endsWith(".jsonl.gz")))
        .as("flush.size 10 splits between records, never inside the 25-event one")
        .hasSize(2)
        .anyMatch(k -> k.endsWith("+00000000000000000000.jsonl.gz"))
        .anyMatch(k -> k.endsWith("+00000000000000000001.jsonl.gz"));

    InMemoryObjectStore v1Store = new InMemoryObjectStore();
    LandingSinkTask v1 = new LandingSinkTask(c -> v1Store, true);
    v1.initialize(new FakeContext());
    v1.start(settings());
    v1.open(List.of(P0));
    List<SinkRecord> perEvent = new ArrayList<>();
    for (int i = 0; i < a.events().size(); i++) {
      perEvent.add(record(P0, perEvent.size(), EventCodec.toJson(a.landed(i, T + 100))));
    }
    for (int i = 0; i < b.events().size(); i++) {
      perEvent.add(record(P0, perEvent.size(), EventCodec.toJson(b.landed(i, T + 200))));
    }
    v1.put(perEvent);
    v1.preCommit(Map.of());
    assertThat(jsonLines(store)).isEqualTo(jsonLines(v1Store)).hasSize(28);
  }

  @Test
  void aBatchRecordThatBreaksTheContractGoesToTheDeadLetterQueueWhole() {
    EventBatch bad =
        new EventBatch(
            "acme",
            "b-1",
            "pricing",
            null,
            null,
            List.of(
                new PointerEvent(T, 0.5, 0.5, EventType.MOVE),
                new PointerEvent(T, 0.5, 2.0, EventType.CLICK)));
    byte[] truncated = BatchRecord.of(bad, T).encode();
    task.put(
        List.of(
            record(P0, 0, BatchRecord.of(bad, T).encode()),
            record(P0, 1, Arrays.copyOf(truncated, 20)),
            record(P0, 2, event(2))));
    assertThat(context.reported).extracting(r -> r.kafkaOffset()).containsExactly(0L, 1L);
    assertThat(task.preCommit(Map.of()).get(P0).offset()).isEqualTo(3);
  }

  /** The landed JSON lines of every object, in key (offset) order. */
  private static List<String> jsonLines(InMemoryObjectStore s) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String k : s.keys().stream().filter(k -> k.endsWith(".jsonl.gz")).sorted().toList()) {
      try (var in = new GZIPInputStream(new ByteArrayInputStream(s.get(k).orElseThrow()))) {
        lines.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
      }
    }
    return lines;
  }

  @Test
  void aPoisonRecordGoesToTheDeadLetterQueueAndTheStreamGoesOn() {
    task.put(
        List.of(
            record(P0, 0, event(0)),
            record(P0, 1, "{not json".getBytes(StandardCharsets.UTF_8)),
            record(
                P0,
                2,
                EventCodec.toJson(
                    new LandedEvent(
                        "acme", "pricing", "s", "b", "move", T, 1.5, 0.5, 1280, 800, T))),
            record(P0, 3, event(3))));

    assertThat(context.reported).extracting(r -> r.kafkaOffset()).containsExactly(1L, 2L);
    assertThat(task.preCommit(Map.of()).get(P0).offset())
        .as("the poison offsets are covered by the cycle")
        .isEqualTo(4);
  }

  @Test
  void aStorageOutageCommitsNothingNewAndLosesNothing() {
    task.put(List.of(record(P1, 0, event(0)), record(P1, 1, event(1))));
    store.down(true);
    assertThat(task.preCommit(Map.of())).as("nothing durable: nothing committed").isEmpty();
    store.down(false);
    assertThat(task.preCommit(Map.of()).get(P1).offset()).isEqualTo(2);
  }

  @Test
  void aPartitionFarAheadOfStorageIsPausedAndResumedOnceWritten() {
    store.down(true);
    List<SinkRecord> batch = new ArrayList<>();
    for (long o = 0; o < 31; o++) {
      batch.add(record(P0, o, event(o)));
    }
    task.put(batch);
    assertThat(context.commitRequested).isTrue();
    assertThat(context.paused).containsExactly(P0);
    task.preCommit(Map.of());
    assertThat(context.paused).as("still down").containsExactly(P0);

    store.down(false);
    task.preCommit(Map.of());
    assertThat(context.paused).isEmpty();
  }

  @Test
  void overTheBufferBudgetEveryPartitionPausesAndAPausedPartitionIsResumedWhenClosed() {
    LandingSinkTask small = new LandingSinkTask(c -> store, true);
    FakeContext ctx = new FakeContext();
    small.initialize(ctx);
    Map<String, String> settings = new HashMap<>(settings());
    settings.put(LandingConfig.FLUSH_SIZE, "1000000");
    settings.put(LandingConfig.BUFFER_MAX_BYTES, String.valueOf(1024 * 1024));
    small.start(settings);
    small.open(List.of(P0, P1));
    List<SinkRecord> batch = new ArrayList<>();
    for (long o = 0; o < 40_000; o++) { // ~40k rows of ~30 bytes: over 1 MiB
      batch.add(record(P0, o, event(o)));
    }
    small.put(batch);
    assertThat(ctx.paused).as("the whole task pauses").containsExactlyInAnyOrder(P0, P1);
    assertThat(ctx.commitRequested).isTrue();

    // a rebalance takes the partitions away: Connect would re-pause them on their next assignment
    // unless the task resumes them before they go
    small.close(List.of(P0, P1));
    assertThat(ctx.paused).isEmpty();
    small.stop();
  }

  /** What the task asks of Connect. */
  private static final class FakeContext implements SinkTaskContext {
    final Set<TopicPartition> paused = new HashSet<>();
    final List<SinkRecord> reported = new ArrayList<>();
    boolean commitRequested;
    long timeoutMs = -1;

    @Override
    public Map<String, String> configs() {
      return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {}

    @Override
    public void offset(TopicPartition tp, long offset) {}

    @Override
    public void timeout(long timeoutMs) {
      this.timeoutMs = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
      return Set.of(P0, P1);
    }

    @Override
    public void pause(TopicPartition... partitions) {
      paused.addAll(List.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
      List.of(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {
      commitRequested = true;
    }

    @Override
    public PluginMetrics pluginMetrics() {
      throw new UnsupportedOperationException("the landing task registers no metrics");
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
      return (record, error) -> {
        reported.add((SinkRecord) record);
        return CompletableFuture.<Void>completedFuture(null);
      };
    }
  }
}
