package io.heatlab.console.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.kafka.KafkaModel;
import io.heatlab.console.kafka.LagEvaluator;
import io.heatlab.console.overview.PipelineStatus;
import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.rollup.RunState;
import io.heatlab.stack.PartHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert rules and book, on samples built by hand. */
class AlertsTest {
  private static final Instant T0 = Instant.parse("2026-12-07T04:00:00Z");
  private final Alerts alerts =
      new Alerts(
          new Alerts.Thresholds(
              Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofMinutes(10)));

  private static PartHealth healthy(String name) {
    return PartHealth.healthy(name, "http://127.0.0.1:1", "ok");
  }

  @Test
  void aPartDownIsRaisedOnceAndClearedWhenItIsBack() {
    assertThat(alerts.parts(T0, List.of(healthy("kafka"), healthy("storage")))).isEmpty();
    PartHealth down =
        PartHealth.unhealthy("storage", "http://127.0.0.1:9000", "connection refused");
    List<Alerts.Alert> raised = alerts.parts(T0.plusSeconds(2), List.of(healthy("kafka"), down));
    assertThat(raised)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.title()).isEqualTo("storage is unhealthy");
              assertThat(a.cause()).isEqualTo("connection refused (http://127.0.0.1:9000)");
              assertThat(a.severity()).isEqualTo(Alerts.Severity.CRITICAL);
              assertThat(a.raised()).isEqualTo(T0.plusSeconds(2));
            });
    // still down: not raised again, raised time kept
    assertThat(alerts.parts(T0.plusSeconds(4), List.of(healthy("kafka"), down))).isEmpty();
    assertThat(alerts.active())
        .singleElement()
        .extracting(Alerts.Alert::raised)
        .isEqualTo(T0.plusSeconds(2));

    alerts.parts(T0.plusSeconds(6), List.of(healthy("kafka"), healthy("storage")));
    assertThat(alerts.active()).isEmpty();
    assertThat(alerts.all())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.active()).isFalse();
              assertThat(a.cleared()).isEqualTo(T0.plusSeconds(6));
            });
  }

  @Test
  void anOptionalPartDownIsNoAlertButARestartIsForTheWindow() {
    PartHealth driverDown =
        PartHealth.unhealthy("spark-driver", "127.0.0.1", "relaunching").asOptional();
    assertThat(alerts.parts(T0, List.of(driverDown))).isEmpty();

    PartHealth restarted = healthy("kafka").withRestarts(1, "restarted 1× (last 04:00:05)");
    assertThat(alerts.parts(T0.plusSeconds(5), List.of(restarted)))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.key()).isEqualTo("part-restarted:kafka");
              assertThat(a.severity()).isEqualTo(Alerts.Severity.WARNING);
              assertThat(a.title()).contains("kafka was restarted", "1×");
            });
    assertThat(alerts.parts(T0.plus(Duration.ofMinutes(9)), List.of(restarted))).isEmpty();
    assertThat(alerts.active()).hasSize(1);
    alerts.parts(T0.plus(Duration.ofMinutes(11)), List.of(restarted));
    assertThat(alerts.active()).as("10 min after the restart").isEmpty();
    // a second restart raises it again
    PartHealth again = healthy("kafka").withRestarts(2, "restarted 2×");
    assertThat(alerts.parts(T0.plus(Duration.ofMinutes(12)), List.of(again))).hasSize(1);
  }

  @Test
  void lagInTimeOverTheThreshold() {
    KafkaModel.GroupRow late =
        new KafkaModel.GroupRow(
            "connect-heatlab-landing",
            "Stable",
            12,
            1_200,
            6 * 60_000L,
            LagEvaluator.Status.OK,
            "");
    KafkaModel.GroupRow fine =
        new KafkaModel.GroupRow("other", "Stable", 1, 10, 4 * 60_000L, LagEvaluator.Status.OK, "");
    KafkaModel.GroupRow caughtUp =
        new KafkaModel.GroupRow("idle", "Empty", 0, 0, null, LagEvaluator.Status.OK, "");
    assertThat(alerts.lags(T0, List.of(late, fine, caughtUp)))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.title()).isEqualTo("connect-heatlab-landing is 6 min behind");
              assertThat(a.cause()).contains("12 batches", "1,200 events", "threshold 5 min");
            });
    alerts.lags(T0.plusSeconds(3), List.of(fine));
    assertThat(alerts.active()).isEmpty();
  }

  @Test
  void freshnessStuckAndConsistencyAreSeparateAlerts() {
    PipelineStatus.Sample sample =
        new PipelineStatus.Sample(
            T0,
            100L,
            90,
            80,
            10,
            5_000,
            List.of(new PipelineStatus.HourCheck("2026-12-07 01:00:00", 600, 500)),
            T0.minus(Duration.ofHours(3)));
    PipelineStatus moving =
        PipelineStatus.judge(
            sample,
            null,
            new PipelineStatus.Thresholds(Duration.ofMinutes(2), Duration.ofHours(2)));
    PipelineStatus stuck =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                T0.plus(Duration.ofMinutes(3)),
                100L,
                90,
                80,
                10,
                5_000,
                List.of(),
                T0.minus(Duration.ofHours(3))),
            moving,
            new PipelineStatus.Thresholds(Duration.ofMinutes(2), Duration.ofHours(2)));

    assertThat(alerts.pipeline(moving))
        .extracting(Alerts.Alert::key)
        .containsExactlyInAnyOrder("pipeline:consistency", "pipeline:freshness");
    assertThat(alerts.active())
        .filteredOn(a -> a.key().equals("pipeline:consistency"))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.cause())
                    .contains("accepted 100 batches > in Kafka 90", "counted twice"));

    assertThat(alerts.pipeline(stuck))
        .extracting(Alerts.Alert::key)
        .containsExactly("pipeline:stuck");
    assertThat(alerts.active())
        .extracting(Alerts.Alert::key)
        .containsExactlyInAnyOrder("pipeline:consistency", "pipeline:stuck", "pipeline:freshness");
    assertThat(alerts.active().get(0).severity())
        .as("critical first")
        .isEqualTo(Alerts.Severity.CRITICAL);
  }

  @Test
  void aWindowWhoseNewestRunFailedUntilARunFinishesIt() {
    Instant hour = Instant.parse("2026-12-07T03:00:00Z");
    RollupRuns.Run failed =
        run("r1", hour, RunState.FAILED, T0, "java.io.IOException: s3a timed out\n\tat …");
    RollupRuns.Run otherOk = run("r1", hour.plusSeconds(3600), RunState.FINISHED, T0, "");
    assertThat(alerts.runs(T0, List.of(failed, otherOk)))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.title()).isEqualTo("hourly 2026-12-07T03 rollup failed");
              assertThat(a.cause()).startsWith("run r1: java.io.IOException: s3a timed out —");
            });
    RollupRuns.Run killed = run("r2", hour, RunState.KILLED, T0.plusSeconds(60), "cancelled");
    alerts.runs(T0.plusSeconds(90), List.of(killed, failed, otherOk));
    assertThat(alerts.active()).as("a cancelled rerun is no failure").isEmpty();
    assertThat(alerts.all()).hasSize(1);
  }

  private static RollupRuns.Run run(
      String id, Instant window, RunState state, Instant started, String error) {
    return new RollupRuns.Run(
        id,
        Granularity.HOURLY,
        window,
        state,
        1,
        1,
        started,
        started.plusSeconds(10),
        "",
        error,
        "local[*]");
  }

  @Test
  void theHistoryIsBounded() {
    PartHealth down = PartHealth.unhealthy("storage", "x", "refused");
    for (int i = 0; i < Alerts.HISTORY + 20; i++) {
      alerts.parts(T0.plusSeconds(2L * i), List.of(down));
      alerts.parts(T0.plusSeconds(2L * i + 1), List.of(healthy("storage")));
    }
    assertThat(alerts.all()).hasSize(Alerts.HISTORY);
    assertThat(alerts.all().get(0).cleared())
        .isEqualTo(T0.plusSeconds(2L * (Alerts.HISTORY + 19) + 1));
  }

  @Test
  void restartsOlderThanTheWindowWhenFirstSeenRaiseNothing() {
    Alerts alerts =
        new Alerts(
            new Alerts.Thresholds(
                Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofMinutes(10)));
    PartHealth old =
        healthy("storage")
            .withRestarts(
                1,
                "restarted by the supervisor, last at "
                    + T0.minus(Duration.ofHours(3))
                    + " after exit code 137");
    PartHealth recent =
        healthy("kafka")
            .withRestarts(
                1,
                "restarted by the supervisor, last at "
                    + T0.minus(Duration.ofMinutes(2))
                    + " after exit code 137");
    assertThat(alerts.parts(T0, List.of(old, recent)))
        .singleElement()
        .satisfies(a -> assertThat(a.key()).isEqualTo("part-restarted:kafka"));
    assertThat(Alerts.lastRestart("no note")).isEmpty();
  }
}
