package io.heatlab.console.kafka;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.heatlab.console.testing.FxTesting;
import io.heatlab.contract.LandedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka view's model over scripted cluster snapshots: partition rates, groups and their lag
 * status, chart points, the live tail's newest-first cap, and a failed sample.
 */
class KafkaModelTest {
  private static final String GROUP = "connect-heatlab-landing";
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final ConcurrentLinkedQueue<Object> script = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sourceClosed = new AtomicBoolean();
  private final AtomicReference<Consumer<List<LiveTail.Row>>> tailSink = new AtomicReference<>();
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService background = Executors.newCachedThreadPool();
  private KafkaModel model;

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @BeforeEach
  void model() {
    model =
        new KafkaModel(
            new KafkaModel.Source() {
              @Override
              public KafkaSnapshot sample() throws Exception {
                Object next = script.poll();
                if (next instanceof Exception e) {
                  throw e;
                }
                return (KafkaSnapshot) next;
              }

              @Override
              public KafkaModel.Tail tail(
                  LiveTail.Filter filter,
                  Consumer<List<LiveTail.Row>> sink,
                  Consumer<Exception> onError) {
                tailSink.set(sink);
                return new KafkaModel.Tail() {
                  @Override
                  public void filter(LiveTail.Filter f) {}

                  @Override
                  public void close() {}
                };
              }

              @Override
              public void close() {
                sourceClosed.set(true);
              }
            },
            timers,
            background,
            Duration.ofHours(1)); // samples only when the test asks
  }

  @AfterEach
  void close() {
    model.close();
    timers.shutdownNow();
    background.shutdownNow();
  }

  @Test
  void twoSnapshotsGiveRatesLagAndAChartPoint() throws Exception {
    sample(snapshot(0, 100, 50, 90, 50));
    sample(snapshot(3, 130, 50, 125, 50));

    assertThat(model.partitions())
        .extracting(KafkaModel.PartitionRow::partition, KafkaModel.PartitionRow::endOffset)
        .containsExactly(tuple(0, 130L), tuple(1, 50L));
    assertThat(model.partitions().get(0).rate()).isCloseTo(10.0, within(1e-9));
    assertThat(model.partitions().get(1).rate()).isZero();

    KafkaModel.GroupRow group = model.groups().get(0);
    assertThat(group.group()).isEqualTo(GROUP);
    assertThat(group.state()).isEqualTo("STABLE");
    assertThat(group.lag()).isEqualTo(5);
    assertThat(group.events()).as("events beside batches").isEqualTo(250);
    assertThat(group.behindMs()).as("and in time: its oldest unconsumed record").isEqualTo(5_000);
    assertThat(KafkaModel.behind(group.behindMs())).isEqualTo("5 s");
    assertThat(group.status()).isEqualTo(LagEvaluator.Status.OK);

    assertThat(model.lags())
        .extracting(
            KafkaModel.LagRow::partition,
            KafkaModel.LagRow::committed,
            KafkaModel.LagRow::lag,
            KafkaModel.LagRow::events)
        .containsExactly(tuple(0, 125L, 5L, 250L), tuple(1, 50L, 0L, 0L));

    KafkaRates.Point point = model.latest().get();
    assertThat(point.producedPerSecond()).isCloseTo(10.0, within(1e-9));
    assertThat(point.consumedPerSecond().get(GROUP)).isCloseTo(35 / 3.0, within(1e-9));
  }

  @Test
  void timeBehindReadsLikeAPersonWouldSayIt() {
    assertThat(KafkaModel.behind(null)).isEqualTo("—");
    assertThat(KafkaModel.behind(850L)).isEqualTo("850 ms");
    assertThat(KafkaModel.behind(12_400L)).isEqualTo("12 s");
    assertThat(KafkaModel.behind(200_000L)).isEqualTo("3 min 20 s");
    assertThat(KafkaModel.behind(180_000L)).isEqualTo("3 min");
    assertThat(KafkaModel.behind(7_500_000L)).isEqualTo("2 h 5 min");
  }

  @Test
  void aPartitionWhoseOffsetStopsMovingWithLagTurnsTheGroupStop() throws Exception {
    sample(snapshot(0, 100, 50, 10, 50));
    sample(snapshot(3, 110, 50, 20, 50));
    sample(snapshot(6, 120, 50, 30, 50));
    for (int t = 9; t <= 60; t += 3) {
      sample(snapshot(t, 120 + t, 50, 30, 50)); // the log grows, the commit stays
    }
    assertThat(model.groups().get(0).status()).isEqualTo(LagEvaluator.Status.STOP);
    assertThat(model.groups().get(0).rule()).doesNotStartWith("OK");
    assertThat(model.lags())
        .extracting(KafkaModel.LagRow::status)
        .containsExactly(LagEvaluator.Status.STOP, LagEvaluator.Status.OK);
  }

  @Test
  void aFailedSampleIsReportedAndTheNextOneClearsIt() throws Exception {
    script.add(new IllegalStateException("broker unreachable"));
    await(
        () -> {
          if (!script.isEmpty()) {
            model.refresh();
          }
          return script.isEmpty();
        });
    await(() -> model.failure().message().get().contains("broker unreachable"));
    sample(snapshot(0, 1, 1, 1, 1));
    await(() -> model.failure().message().get().isEmpty());
  }

  @Test
  void theLiveTailShowsTheNewest500FirstAndStopsWithTheModel() throws Exception {
    FxTesting.run(() -> model.startTail(LiveTail.Filter.ANY));
    tailSink.get().accept(rows(0, 300));
    tailSink.get().accept(rows(300, 700)); // one batch larger than the table
    await(() -> !model.tail().isEmpty() && model.tail().get(0).offset() == 699);
    assertThat(model.tail()).hasSize(500);
    assertThat(model.tail().get(499).offset()).isEqualTo(200);

    model.close();
    assertThat(sourceClosed).isTrue();
  }

  /** Hands {@code s} to the model and waits until it is applied. */
  private void sample(KafkaSnapshot s) throws Exception {
    script.add(s);
    await(
        () -> {
          if (!script.isEmpty()) {
            model.refresh(); // a no-op while the previous sample is still finishing
          }
          return script.isEmpty();
        });
    await(
        () ->
            model.partitions().stream()
                .anyMatch(p -> p.endOffset() == s.endOffsets().get("heatmap.events-0")));
  }

  /** The events topic's two partitions' ends, and the landing group's commits on them. */
  private static KafkaSnapshot snapshot(int second, long end0, long end1, long c0, long c1) {
    String p0 = "heatmap.events-0";
    String p1 = "heatmap.events-1";
    return new KafkaSnapshot(
        T0.plusSeconds(second),
        new TreeMap<>(Map.of(p0, end0, p1, end1)),
        Map.of(GROUP, new TreeMap<>(Map.of(p0, c0, p1, c1))),
        Map.of(GROUP, "STABLE"),
        Map.of(GROUP, Map.of(p0, end0 - c0, p1, end1 - c1)),
        Map.of(GROUP, Map.of(p0, 50 * (end0 - c0), p1, 50 * (end1 - c1))),
        Map.of(GROUP, Map.of(p0, 1_000L * (end0 - c0))));
  }

  private static List<LiveTail.Row> rows(int from, int to) {
    List<LiveTail.Row> rows = new ArrayList<>();
    IntStream.range(from, to)
        .forEach(
            i ->
                rows.add(
                    new LiveTail.Row(
                        0,
                        i,
                        new LandedEvent(
                            "acme", "pricing", "s", "b", "click", i, 0.5, 0.5, 1440, 900, i))));
    return rows;
  }
}
