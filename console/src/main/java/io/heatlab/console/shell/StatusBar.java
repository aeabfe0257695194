package io.heatlab.console.shell;

import io.heatlab.stack.PartHealth;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;

/** The bottom bar: a health dot per stack part (green / red, the detail in a tooltip) and a note on the right. */
public final class StatusBar extends HBox {
  private final HBox dots = new HBox(12);

  public StatusBar(ObservableList<PartHealth> parts, String note) {
    dots.setAlignment(Pos.CENTER_LEFT);
    dots.setId("health-dots");
    parts.addListener((ListChangeListener<PartHealth>) c -> redraw(parts));
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    Label right = new Label(note);
    right.getStyleClass().add("muted");
    getChildren().addAll(dots, spacer, right);
    getStyleClass().add("status-bar");
    setAlignment(Pos.CENTER_LEFT);
    setPadding(new Insets(4, 10, 4, 10));
    redraw(parts);
  }

  private void redraw(List<PartHealth> parts) {
    dots.getChildren().clear();
    for (PartHealth h : parts) {
      Circle dot = new Circle(5);
      dot.getStyleClass().add(h.healthy() ? "dot-ok" : "dot-bad");
      Label label = new Label(h.name(), dot);
      label.setId("dot-" + h.name());
      label.setTooltip(new Tooltip(h.name() + " · " + h.state().json() + " · " + h.address() + "\n" + h.detail()));
      dots.getChildren().add(label);
    }
  }
}
