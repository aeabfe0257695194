package io.heatlab.console.shell;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * A red strip above a view while its model reports a {@link Failure}: the cause and a Retry button.
 */
public final class ErrorBanner extends HBox {
  public ErrorBanner(Failure failure) {
    Label text = new Label();
    text.getStyleClass().add("error-text");
    text.textProperty().bind(failure.message());
    text.setWrapText(true);
    HBox.setHgrow(text, Priority.ALWAYS);
    text.setMaxWidth(Double.MAX_VALUE);
    Button retry = new Button("Retry");
    retry.setOnAction(e -> failure.retry());
    getChildren().addAll(text, retry);
    getStyleClass().add("error-banner");
    setAlignment(Pos.CENTER_LEFT);
    setSpacing(8);
    setPadding(new Insets(4, 8, 4, 8));
    visibleProperty().bind(failure.message().isNotEmpty());
    managedProperty().bind(visibleProperty());
  }
}
