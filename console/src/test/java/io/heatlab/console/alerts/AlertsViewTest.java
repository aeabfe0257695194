package io.heatlab.console.alerts;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.kafka.KafkaModel;
import io.heatlab.console.overview.PipelineStatus;
import io.heatlab.console.testing.FxTesting;
import io.heatlab.stack.PartHealth;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alerts' nodes on the headless toolkit: the banner appears with the alert, red for a critical
 * one, its button opens the list; the list shows it active, then cleared; each alert is notified
 * once.
 */
class AlertsViewTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService background = Executors.newCachedThreadPool();
  private final ObservableList<PartHealth> parts = FXCollections.observableArrayList();
  private final List<Alerts.Alert> notified = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @AfterEach
  void stop() {
    timers.shutdownNow();
    background.shutdownNow();
  }

  @Test
  void aPartDownRaisesTheBannerAndTheListThenClears() throws Exception {
    AlertsModel model =
        new AlertsModel(
            new Alerts(
                new Alerts.Thresholds(
                    Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofMinutes(10))),
            parts,
            FXCollections.<KafkaModel.GroupRow>observableArrayList(),
            new SimpleObjectProperty<PipelineStatus>(),
            List::of,
            timers,
            background,
            Clock.systemUTC(),
            notified::add);
    AtomicInteger opened = new AtomicInteger();
    AlertBanner[] banner = new AlertBanner[1];
    AlertsView[] view = new AlertsView[1];
    FxTesting.run(
        () -> {
          banner[0] = new AlertBanner(model.active(), opened::incrementAndGet);
          view[0] = new AlertsView(model);
          parts.setAll(PartHealth.healthy("kafka", "127.0.0.1:9092", "1 broker"));
        });
    assertThat(banner[0].isVisible()).as("all is well: no banner").isFalse();

    FxTesting.run(
        () ->
            parts.setAll(
                PartHealth.healthy("kafka", "127.0.0.1:9092", "1 broker"),
                PartHealth.unhealthy("storage", "http://127.0.0.1:9000", "connection refused")));
    assertThat(banner[0].isVisible()).isTrue();
    assertThat(banner[0].getStyleClass()).contains("alert-critical");
    Label text = (Label) banner[0].lookup("#alert-banner-text");
    assertThat(text.getText())
        .isEqualTo("⚠ storage is unhealthy — connection refused (http://127.0.0.1:9000)");
    FxTesting.run(() -> ((Button) banner[0].lookup("#alert-banner-show")).fire());
    assertThat(opened).hasValue(1);
    TableView<?> table = (TableView<?>) view[0].root().lookup("#alerts");
    assertThat(table.getItems()).hasSize(1);

    // the same sample again: no second notification
    FxTesting.run(() -> parts.setAll(List.copyOf(parts)));
    await(() -> notified.size() == 1);
    Thread.sleep(100);
    assertThat(notified)
        .singleElement()
        .extracting(Alerts.Alert::title)
        .isEqualTo("storage is unhealthy");

    FxTesting.run(() -> parts.setAll(PartHealth.healthy("storage", "http://127.0.0.1:9000", "ok")));
    assertThat(banner[0].isVisible()).isFalse();
    assertThat(model.all()).singleElement().satisfies(a -> assertThat(a.active()).isFalse());
    assertThat(table.getItems()).hasSize(1);
  }
}
