package io.heatlab.console.alerts;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The strip above every view while an alert is active: the most severe (then oldest) alert's title
 * and cause, how many more there are, and a button to the Alerts view. Red for a critical alert,
 * amber for a warning; hidden when all is well.
 */
public final class AlertBanner extends HBox {
  public AlertBanner(ObservableList<Alerts.Alert> active, Runnable openList) {
    Label text = new Label();
    text.setId("alert-banner-text");
    text.setWrapText(true);
    text.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(text, Priority.ALWAYS);
    text.textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> {
                  if (active.isEmpty()) {
                    return "";
                  }
                  Alerts.Alert top = active.get(0);
                  return "⚠ "
                      + top.title()
                      + " — "
                      + top.cause()
                      + (active.size() > 1 ? "   (+" + (active.size() - 1) + " more)" : "");
                },
                active));
    Button show = new Button("Alerts");
    show.setId("alert-banner-show");
    show.setOnAction(e -> openList.run());
    getChildren().addAll(text, show);
    setId("alert-banner");
    setAlignment(Pos.CENTER_LEFT);
    setSpacing(8);
    setPadding(new Insets(5, 10, 5, 10));
    active.addListener((ListChangeListener<Alerts.Alert>) c -> restyle(active));
    restyle(active);
    visibleProperty().bind(Bindings.isNotEmpty(active));
    managedProperty().bind(visibleProperty());
  }

  private void restyle(ObservableList<Alerts.Alert> active) {
    boolean critical = active.stream().anyMatch(a -> a.severity() == Alerts.Severity.CRITICAL);
    getStyleClass().setAll("alert-banner", critical ? "alert-critical" : "alert-warning");
  }
}
