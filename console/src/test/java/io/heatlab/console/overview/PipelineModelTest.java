package io.heatlab.console.overview;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.testing.FxTesting;
import io.heatlab.console.testing.MutableClock;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.PartHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The overview's pipeline line over scripted stage counters: what each sample shows and which
 * problems turn it red — double counts, a stuck landing, stale rollups, a failed sample.
 */
class PipelineModelTest {
  private static final Instant H08 = Instant.parse("2026-11-25T08:00:00Z");
  private static final Instant H10 = Instant.parse("2026-11-25T10:00:00Z");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:30:00Z"));
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService background = Executors.newCachedThreadPool();
  private final Map<Instant, Instant> rollups = new HashMap<>();
  private final Map<Instant, Instant> writes = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger samples = new AtomicInteger();
  private volatile Long accepted = 1_000L;
  private volatile long end = 1_000;
  private volatile long committed = 1_000;
  private volatile long aggregated = 1_000;
  private volatile List<RollupRuns.OverCount> overCounted = List.of();
  private volatile Exception lagFailure;
  private PipelineModel model;

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @BeforeEach
  void model() {
    writes.put(H10, H10.plusSeconds(600));
    rollups.put(H10, H10.plusSeconds(900)); // rolled up after its last write
    model =
        new PipelineModel(
            new PipelineModel.Source() {
              @Override
              public Long acceptedBatches() {
                return accepted;
              }

              @Override
              public ConsumerLag landingLag() throws Exception {
                samples.incrementAndGet();
                if (lagFailure != null) {
                  throw lagFailure;
                }
                return new ConsumerLag(
                    "heatmap.events",
                    "connect-heatlab-landing",
                    List.of(new ConsumerLag.Partition(0, end, committed, end - committed)));
              }

              @Override
              public long aggregatedEvents() {
                return aggregated;
              }

              @Override
              public Map<Instant, Instant> lastHourlyRollups() {
                return Map.copyOf(rollups);
              }

              @Override
              public Map<Instant, Instant> newestWritesSince(Instant since) {
                return Map.copyOf(writes);
              }

              @Override
              public List<RollupRuns.OverCount> overCounted(Instant since) {
                return overCounted;
              }

              @Override
              public void close() {
                closed.set(true);
              }
            },
            timers,
            background,
            clock,
            Duration.ofHours(1),
            Duration.ofHours(6));
  }

  @AfterEach
  void close() {
    model.close();
    timers.shutdownNow();
    background.shutdownNow();
  }

  @Test
  void aHealthyPipelineShowsEachStagesCountAndNoProblem() throws Exception {
    PipelineStatus s = sample();
    assertThat(s.ok()).as(s.problems().toString()).isTrue();
    assertThat(s.accepted()).isEqualTo(1_000L);
    assertThat(s.inKafka()).isEqualTo(1_000);
    assertThat(s.landed()).isEqualTo(1_000);
    assertThat(s.lag()).isZero();
    assertThat(s.aggregated()).isEqualTo(1_000);
    assertThat(s.freshThrough()).isEqualTo(clock.instant()); // hour 10 rolled up, capped at now
  }

  @Test
  void anHourCountedTwiceTurnsTheLineRed() throws Exception {
    overCounted = List.of(new RollupRuns.OverCount(H10, 60_000, 30_000));
    PipelineStatus s = sample();
    assertThat(s.problems())
        .singleElement()
        .asString()
        .contains("counts 60,000 events but its rollup read 30,000 rows");
  }

  @Test
  void landingThatStopsMovingWithLagIsStuckAfterTwoMinutes() throws Exception {
    end = 1_500;
    assertThat(sample().ok()).isTrue(); // behind, but it has only just been seen
    clock.advance(Duration.ofMinutes(3));
    assertThat(sample().problems())
        .singleElement()
        .asString()
        .startsWith("landing stuck: 500 records behind and nothing landed for 3 min 00 s");
    committed = 1_500;
    assertThat(sample().ok()).isTrue();
  }

  @Test
  void anHourThatLandedButWasNeverRolledUpMakesTheDataStale() throws Exception {
    writes.put(H08, H08.plusSeconds(1800));
    PipelineStatus s = sample();
    assertThat(s.freshThrough()).isEqualTo(H08);
    assertThat(s.problems())
        .singleElement()
        .asString()
        .isEqualTo("freshness 2 h 30 min is past the 1 h 00 min threshold: run the hourly rollup");
  }

  @Test
  void anEndpointThatDoesNotAnswerIsUnknownNotAProblem() throws Exception {
    accepted = null;
    PipelineStatus s = sample();
    assertThat(s.accepted()).isNull();
    assertThat(s.ok()).isTrue();
  }

  @Test
  void aFailedSampleIsReportedAndCloseClosesTheSource() throws Exception {
    lagFailure = new IllegalStateException("broker unreachable");
    model.refresh();
    await(() -> model.failure().message().get().contains("broker unreachable"));
    model.close();
    assertThat(closed).isTrue();
  }

  /** One sample, as the overview would show it. */
  /**
   * The Overview view on the headless toolkit: the parts table and its summary follow the health
   * probe (a part down is named); the pipeline line shows each stage's count and "pipeline
   * consistent", then the reason in red when an hour counts more than its rollup read.
   */
  @Test
  void theViewShowsThePartsAndThePipelineLineAndItsVerdict() throws Exception {
    List<PartHealth> probed =
        new CopyOnWriteArrayList<>(
            List.of(
                PartHealth.healthy("kafka", "127.0.0.1:9092", "1 broker"),
                PartHealth.unhealthy("storage", "http://127.0.0.1:9000", "connection refused")));
    StackHealthModel health =
        new StackHealthModel(() -> List.copyOf(probed))
            .withRoles(Map.of("kafka", "Kafka broker + KRaft controller, node 2 of 3"));
    Parent[] root = new Parent[1];
    FxTesting.run(
        () -> {
          root[0] = FxTesting.laidOut(new OverviewView(health, model).root());
          health.start();
        });
    TableView<?> parts = (TableView<?>) root[0].lookup("#parts");
    await(() -> parts.getItems().size() == 2);
    TableColumn<?, ?> role = parts.getColumns().get(1);
    assertThat(role.getText()).isEqualTo("Role");
    assertThat(role.getCellData(0)).isEqualTo("Kafka broker + KRaft controller, node 2 of 3");
    assertThat(role.getCellData(1)).isEqualTo("");
    Label summary = (Label) root[0].lookup("#summary");
    await(() -> summary.getText().startsWith("1 of 2 parts healthy — storage not"));

    sample();
    Label verdict = (Label) root[0].lookup("#pipeline-verdict");
    assertThat(verdict.getText()).isEqualTo("pipeline consistent");
    assertThat(((Label) root[0].lookup("#stage-aggregated")).getText()).endsWith("1,000");
    assertThat(verdict.getStyleClass()).contains("ok-text");
    overCounted = List.of(new RollupRuns.OverCount(H10, 60_000, 30_000));
    sample();
    assertThat(verdict.getText()).contains("counts 60,000 events but its rollup read 30,000 rows");
    assertThat(verdict.getStyleClass()).contains("bad-text");
    FxTesting.run(health::stop);
  }

  private PipelineStatus sample() throws Exception {
    PipelineStatus before = model.status().get();
    int taken = samples.get();
    await(
        () -> {
          if (samples.get() == taken) {
            model.refresh(); // exactly one new sample (a no-op while one is running)
          }
          return model.status().get() != before;
        });
    return model.status().get();
  }
}
