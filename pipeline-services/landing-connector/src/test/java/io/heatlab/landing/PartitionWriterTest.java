package io.heatlab.landing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.contract.LandedEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The landing writer's rules on an in-memory store: cycles cut by size, event-time span or the
 * clock; one object per hour (and client) named after its first offset; the cycle's end logged
 * before its objects; a replay after a crash cuts the same cycles and overwrites the same objects;
 * a storage failure keeps the cycle.
 */
class PartitionWriterTest {
  private static final String TOPIC = "heatmap.events";
  private static final long H10 = 1_764_237_600_000L; // 2025-11-27T10:00:00Z
  private static final long H11 = H10 + 3_600_000L;

  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private static LandingConfig config(Map<String, Object> overrides) {
    Map<String, Object> props =
        new HashMap<>(
            Map.of(
                LandingConfig.S3_ENDPOINT,
                "http://unused",
                LandingConfig.S3_ACCESS_KEY,
                "k",
                LandingConfig.S3_SECRET_KEY,
                "s",
                LandingConfig.FLUSH_SIZE,
                1000,
                LandingConfig.ROTATE_SCHEDULE_INTERVAL_MS,
                30_000L,
                // every writeDue cuts what is buffered (the mechanics under test), unless a test
                // sets the interval
                LandingConfig.CYCLE_MIN_INTERVAL_MS,
                0L));
    props.putAll(overrides);
    return new LandingConfig(props);
  }

  private PartitionWriter writer(LandingConfig config) {
    return new PartitionWriter(
        "heatlab-landing", TOPIC, 3, config, new JsonLinesFormat(), store, null, Runnable::run);
  }

  private static LandedEvent event(long time, String client) {
    return new LandedEvent(
        client, "pricing", "s", "b-" + time, "move", time, 0.25, 0.5, 1280, 800, time + 10);
  }

  @Test
  void aCycleWritesOneObjectPerHourNamedAfterItsFirstOffsetThenMakesItsEndCommittable()
      throws Exception {
    PartitionWriter w = writer(config(Map.of()));
    w.add(100, event(H10 + 5, "acme"), null, 0);
    w.add(101, event(H11 + 5, "acme"), null, 0);
    w.add(102, event(H10 + 9, "beta"), null, 0);
    assertThat(w.committable())
        .as("nothing new is durable: the offset delivered from")
        .isEqualTo(100);

    w.writeDue(1_000);

    LandingLayout layout = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
    String h10 =
        layout.objectKey(new JsonLinesFormat(), HourPartition.of(H10), null, TOPIC, 3, 100);
    String h11 =
        layout.objectKey(new JsonLinesFormat(), HourPartition.of(H11), null, TOPIC, 3, 101);
    assertThat(store.list(LandingLayout.DEFAULT_PREFIX + "/"))
        .extracting(ObjectStore.Entry::key)
        .containsExactly(h10, h11);
    assertThat(new JsonLinesFormat().decode(store.get(h10).orElseThrow()))
        .extracting(LandedEvent::clientId)
        .containsExactly("acme", "beta");
    assertThat(store.metadata(h10))
        .containsEntry("records", "2")
        .containsEntry("first-offset", "100")
        .containsEntry("last-offset", "102");
    assertThat(w.committable()).isEqualTo(103);
    PartitionState state = PartitionWriter.loadState(store, "heatlab-landing", TOPIC, 3);
    assertThat(state.boundaries()).containsExactly(102L);
    assertThat(state.durableOffset()).isEqualTo(103);
    assertThat(store.list(LandingLayout.MANIFEST_PREFIX)).hasSize(1);
  }

  @Test
  void byClientEachClientsEventsGoToTheirOwnObject() throws Exception {
    PartitionWriter w = writer(config(Map.of(LandingConfig.PARTITION_BY_CLIENT, true)));
    w.add(0, event(H10, "acme"), null, 0);
    w.add(1, event(H10 + 1, "beta"), null, 0);
    w.writeDue(0);
    assertThat(store.list(LandingLayout.DEFAULT_PREFIX + "/"))
        .extracting(ObjectStore.Entry::key)
        .anySatisfy(
            k ->
                assertThat(k)
                    .contains("/client=acme/")
                    .endsWith("+0000000000000000000" + "0.jsonl.gz"))
        .anySatisfy(k -> assertThat(k).contains("/client=beta/").endsWith("1.jsonl.gz"));
  }

  @Test
  void aCycleIsDueBySizeBySpanOfEventTimeOrByTheClock() {
    PartitionWriter bySize = writer(config(Map.of(LandingConfig.FLUSH_SIZE, 2)));
    bySize.add(0, event(H10, "a"), null, 0);
    assertThat(bySize.cycleDue(0)).isFalse();
    bySize.add(1, event(H10, "a"), null, 0);
    assertThat(bySize.cycleDue(0)).isTrue();

    PartitionWriter bySpan = writer(config(Map.of(LandingConfig.ROTATE_INTERVAL_MS, 60_000L)));
    bySpan.add(0, event(H10, "a"), null, 0);
    bySpan.add(1, event(H10 + 59_999, "a"), null, 0);
    assertThat(bySpan.cycleDue(0)).isFalse();
    bySpan.add(2, event(H10 + 60_000, "a"), null, 0);
    assertThat(bySpan.cycleDue(0)).isTrue();

    PartitionWriter byClock = writer(config(Map.of()));
    byClock.add(0, event(H10, "a"), null, 1_000);
    assertThat(byClock.cycleDue(30_999)).isFalse();
    assertThat(byClock.millisUntilScheduledCycle(30_999)).isEqualTo(1);
    assertThat(byClock.cycleDue(31_000)).isTrue();
  }

  /**
   * A commit writes the buffered records early at most once per cycle.min.interval.ms: commits
   * asked for by each finished write must not cut one tiny object per write. Due cycles (flush
   * size, rotation) are cut whenever they are due.
   */
  @Test
  void earlyCutsAtMostOncePerMinimumIntervalDueOnesAlways() throws Exception {
    PartitionWriter w =
        writer(
            config(
                Map.of(LandingConfig.CYCLE_MIN_INTERVAL_MS, 10_000L, LandingConfig.FLUSH_SIZE, 3)));
    w.add(0, event(H10, "acme"), null, 0);
    w.writeDue(1_000); // the first early cut: nothing was cut before
    assertThat(w.committable()).isEqualTo(1);
    w.add(1, event(H10 + 1, "acme"), null, 1_100);
    w.writeDue(1_200); // a commit right after the write: not due, too soon
    w.writeDue(10_999);
    assertThat(w.committable()).as("buffered until the interval passed").isEqualTo(1);
    w.writeDue(11_000);
    assertThat(w.committable()).isEqualTo(2);

    w.add(2, event(H10 + 2, "acme"), null, 11_100);
    w.add(3, event(H10 + 3, "acme"), null, 11_100);
    w.add(4, event(H10 + 4, "acme"), null, 11_100);
    w.writeDue(11_200); // flush.size reached: due, cut at once
    assertThat(w.committable()).isEqualTo(5);
  }

  @Test
  void aReplayAfterACrashCutsTheSameCyclesAndOverwritesTheSameObjects() throws Exception {
    LandingConfig config = config(Map.of());
    PartitionWriter first = writer(config);
    for (long o = 0; o < 5; o++) {
      first.add(o, event(H10 + o, "acme"), null, 0);
    }
    first.writeDue(0); // cycle 0..4
    for (long o = 5; o < 9; o++) {
      first.add(o, event(H11 + o, "acme"), null, 0);
    }
    first.writeDue(0); // cycle 5..8, then the task dies before Connect commits offset 9
    Map<String, byte[]> before = contents();

    PartitionWriter replay =
        writer(config); // Connect redelivers from the committed offset 5, in other batches
    replay.add(5, event(H11 + 5, "acme"), null, 0);
    replay.add(6, event(H11 + 6, "acme"), null, 0);
    replay.writeDue(0);
    assertThat(replay.committable())
        .as("the logged cycle ends at 8: it waits for its records")
        .isEqualTo(5);
    replay.add(7, event(H11 + 7, "acme"), null, 0);
    replay.add(8, event(H11 + 8, "acme"), null, 0);
    replay.add(9, event(H11 + 9, "acme"), null, 0); // new after the crash: a new cycle
    replay.writeDue(0);

    assertThat(replay.committable()).isEqualTo(10);
    Map<String, byte[]> after = contents();
    before.forEach(
        (key, bytes) -> {
          if (!key.startsWith("_landing/")) {
            assertThat(after.get(key)).as("%s rewritten identically", key).isEqualTo(bytes);
          }
        });
    List<String> h11 =
        store
            .list(
                new LandingLayout(LandingLayout.DEFAULT_PREFIX)
                    .hourPrefix("jsonl", HourPartition.of(H11)))
            .stream()
            .map(ObjectStore.Entry::key)
            .toList();
    assertThat(h11)
        .as("the replayed cycle's object and the new cycle's: no second copy")
        .hasSize(2)
        .anySatisfy(k -> assertThat(k).endsWith("+00000000000000000005.jsonl.gz"))
        .anySatisfy(k -> assertThat(k).endsWith("+00000000000000000009.jsonl.gz"));
  }

  @Test
  void aStorageFailureKeepsTheCycleAndTheNextAttemptWritesIt() throws Exception {
    PartitionWriter w = writer(config(Map.of()));
    w.add(0, event(H10, "acme"), null, 0);
    w.add(1, event(H10 + 1, "acme"), null, 0);
    store.down(true);
    assertThatThrownBy(() -> w.writeDue(0))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("storage is down");
    assertThat(w.committable()).as("nothing durable yet").isEqualTo(-1);
    assertThat(w.unwritten()).isEqualTo(2);

    store.down(false);
    w.writeDue(0);
    assertThat(w.committable()).isEqualTo(2);
    assertThat(w.unwritten()).isZero();
  }

  @Test
  void cyclesAreWrittenInTheBackgroundInOrderWhileThePollThreadGoesOnBuffering() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      PartitionWriter w =
          new PartitionWriter(
              "heatlab-landing",
              TOPIC,
              3,
              config(Map.of()),
              new JsonLinesFormat(),
              store,
              null,
              pool);
      w.add(0, event(H10, "acme"), null, 0);
      w.add(1, event(H10 + 1, "acme"), null, 0);
      store.hold(); // a slow upload
      w.writeDue(0); // cycle 0..1 cut; its write starts and blocks in the store
      assertThat(w.writing()).isTrue();
      w.add(2, event(H11, "acme"), null, 0); // the poll thread is free meanwhile
      w.add(3, event(H11 + 1, "acme"), null, 0);
      w.writeDue(0); // cycle 2..3 cut, queued behind the first
      assertThat(w.committable()).as("nothing durable while the upload hangs").isEqualTo(-1);
      assertThat(w.unwritten()).isEqualTo(4);

      store.release();
      assertThat(w.awaitWrite(60_000)).isTrue();
      w.writeDue(0);
      assertThat(w.committable()).isEqualTo(4);
      assertThat(w.unwritten()).isZero();
      PartitionState state = PartitionWriter.loadState(store, "heatlab-landing", TOPIC, 3);
      assertThat(state.boundaries()).as("both cycles logged, in order").containsExactly(1L, 3L);
      assertThat(state.durableOffset()).isEqualTo(4);
    } finally {
      pool.shutdownNow();
    }
  }

  private Map<String, byte[]> contents() throws IOException {
    Map<String, byte[]> all = new HashMap<>();
    for (String key : store.keys()) {
      all.put(key, store.get(key).orElseThrow());
    }
    return all;
  }
}
