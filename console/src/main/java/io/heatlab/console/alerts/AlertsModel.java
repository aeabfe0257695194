package io.heatlab.console.alerts;

import io.heatlab.console.kafka.KafkaModel;
import io.heatlab.console.overview.PipelineStatus;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.Refresher;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.stack.PartHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts as observable state for the banner and the Alerts view: fed by what the console
 * samples anyway — the parts' health (every 2 s), the consumer groups' lag in time (the Kafka
 * model, every 3 s), the pipeline line (every 5 s) — and by the recent rollup runs it reads itself
 * every 15 s. Judged by {@link Alerts} on the FX thread (cheap, pure); every newly raised alert
 * goes to {@code notify} (the desktop notification), off the FX thread.
 */
public final class AlertsModel {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsModel.class);
  private final Alerts alerts;
  private final Clock clock;
  private final Consumer<Alerts.Alert> notify;
  private final ExecutorService background;
  private final ObservableList<Alerts.Alert> active = FXCollections.observableArrayList();
  private final ObservableList<Alerts.Alert> all = FXCollections.observableArrayList();
  private final Failure failure = new Failure(this::refresh);
  private final Refresher<List<RollupRuns.Run>> runs;

  public AlertsModel(
      Alerts alerts,
      ObservableList<PartHealth> parts,
      ObservableList<KafkaModel.GroupRow> groups,
      ObservableValue<PipelineStatus> pipeline,
      Callable<List<RollupRuns.Run>> recentRuns,
      ScheduledExecutorService timers,
      ExecutorService background,
      Clock clock,
      Consumer<Alerts.Alert> notify) {
    this.alerts = alerts;
    this.clock = clock;
    this.notify = notify;
    this.background = background;
    parts.addListener(
        (ListChangeListener<PartHealth>)
            c -> publish(alerts.parts(clock.instant(), List.copyOf(parts))));
    groups.addListener(
        (ListChangeListener<KafkaModel.GroupRow>)
            c -> publish(alerts.lags(clock.instant(), List.copyOf(groups))));
    pipeline.addListener(
        (o, was, s) -> {
          if (s != null) {
            publish(alerts.pipeline(s));
          }
        });
    runs =
        new Refresher<>(
            timers,
            background,
            Duration.ofSeconds(15),
            "rollup runs for the alerts",
            recentRuns,
            r -> publish(alerts.runs(clock.instant(), r)),
            failure);
  }

  /** Applies the book to the observable lists and hands the new alerts to the notifier. */
  private void publish(List<Alerts.Alert> raised) {
    List<Alerts.Alert> was = List.copyOf(active);
    active.setAll(alerts.active());
    for (Alerts.Alert a : raised) {
      LOG.warn("alert raised: {} — {}", a.title(), a.cause());
    }
    for (Alerts.Alert a : was) {
      if (active.stream().noneMatch(b -> b.key().equals(a.key()))) {
        LOG.info("alert cleared: {}", a.title());
      }
    }
    all.setAll(alerts.all());
    for (Alerts.Alert a : raised) {
      background.execute(() -> notify.accept(a));
    }
  }

  public ObservableList<Alerts.Alert> active() {
    return active;
  }

  /** The active alerts, then the cleared ones, newest first. */
  public ObservableList<Alerts.Alert> all() {
    return all;
  }

  public Alerts.Thresholds thresholds() {
    return alerts.thresholds();
  }

  public Failure failure() {
    return failure;
  }

  public void start() {
    runs.start();
  }

  public void refresh() {
    runs.now();
  }

  public void stop() {
    runs.stop();
  }
}
