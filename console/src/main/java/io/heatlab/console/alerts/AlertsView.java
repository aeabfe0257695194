package io.heatlab.console.alerts;

import io.heatlab.console.kafka.KafkaModel;
import io.heatlab.console.overview.PipelineStatus;
import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;

/**
 * Alerts: every alert of this console session — active ones first (critical, then oldest), then the
 * cleared ones, newest first — with severity, what, cause, when raised and when cleared; and the
 * rules' thresholds (settings {@code alerts.*}).
 */
public final class AlertsView extends ConsoleView {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private final AlertsModel model;

  public AlertsView(AlertsModel model) {
    super("Alerts", KeyCode.DIGIT8);
    this.model = model;
    TableView<Alerts.Alert> table = new TableView<>(model.all());
    table.setId("alerts");
    table.setPlaceholder(new Label("No alert since the console started: all rules pass."));
    table
        .getColumns()
        .addAll(
            List.of(
                Tables.status(
                    "State", a -> a.active() ? "ACTIVE" : "CLEARED", Alerts.Alert::cause, 80),
                Tables.status("Severity", a -> a.severity().name(), Alerts.Alert::cause, 90),
                Tables.text("Alert", Alerts.Alert::title, 380),
                Tables.text("Raised", a -> when(a.raised()), 160),
                Tables.text("Cleared", a -> when(a.cleared()), 160),
                Tables.text("Cause", Alerts.Alert::cause, 300)));
    table.getColumns().forEach(c -> c.setMinWidth(c.getPrefWidth())); // the cause takes the rest
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

    Alerts.Thresholds t = model.thresholds();
    Label rules =
        new Label(
            "Rules: a part the stack needs is down · a part restarted by the supervisor (shown "
                + PipelineStatus.human(t.restartWindow())
                + ") · a consumer group over "
                + KafkaModel.behind(t.lagBehind().toMillis())
                + " behind (alerts.lag.behind.ms) · freshness over "
                + PipelineStatus.human(t.freshness())
                + " (console.freshness.threshold.ms) · landing stuck · the consistency check"
                + " broken · a window's newest rollup run failed. New alerts also go to the"
                + " desktop's notifications (alerts.desktop.notify).");
    rules.setWrapText(true);
    rules.getStyleClass().add("muted");
    VBox box = new VBox(6, new ErrorBanner(model.failure()), rules);
    box.setPadding(new Insets(8));
    root.setTop(box);
    root.setCenter(table);
    BorderPane.setMargin(table, new Insets(0, 8, 8, 8));
  }

  static String when(Instant t) {
    return t == null ? "" : WHEN.format(t);
  }

  @Override
  public void close() {
    model.stop();
  }
}
