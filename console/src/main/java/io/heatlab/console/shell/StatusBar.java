package io.heatlab.console.shell;

import io.heatlab.stack.PartHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The bottom bar: a health dot per stack part (green / red, the detail in a tooltip) and a note on
 * the right. A part's dot is created once, the first time the part is reported, and then only
 * restyled: the health probe reports every two seconds, and the bar must never be seen half
 * rebuilt.
 */
public final class StatusBar extends HBox {
  private final HBox dots = new HBox(12);
  private final Map<String, Dot> byName = new LinkedHashMap<>();

  public StatusBar(ObservableList<PartHealth> parts, String note) {
    dots.setAlignment(Pos.CENTER_LEFT);
    dots.setId("health-dots");
    parts.addListener((ListChangeListener<PartHealth>) c -> update(parts));
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    Label right = new Label(note);
    right.getStyleClass().add("muted");
    getChildren().addAll(dots, spacer, right);
    getStyleClass().add("status-bar");
    setAlignment(Pos.CENTER_LEFT);
    setPadding(new Insets(4, 10, 4, 10));
    update(parts);
  }

  private void update(List<PartHealth> parts) {
    for (PartHealth h : parts) {
      byName.computeIfAbsent(h.name(), this::add).show(h);
    }
  }

  private Dot add(String name) {
    Dot dot = new Dot(name);
    dots.getChildren().add(dot.label);
    return dot;
  }

  /** One part's dot and name. */
  private static final class Dot {
    private final Circle circle = new Circle(5);
    private final Label label;
    private final Tooltip tooltip = new Tooltip();

    Dot(String name) {
      label = new Label(name, circle);
      label.setId("dot-" + name);
      label.setTooltip(tooltip);
    }

    void show(PartHealth h) {
      circle.getStyleClass().setAll(h.healthy() ? "dot-ok" : "dot-bad");
      tooltip.setText(
          h.name() + " · " + h.state().json() + " · " + h.address() + "\n" + h.detail());
    }
  }
}
