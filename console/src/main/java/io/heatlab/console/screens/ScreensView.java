package io.heatlab.console.screens;

import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import io.heatlab.contract.ViewportClass;
import java.io.File;
import java.time.Instant;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

/**
 * Screens: every screen with traffic or registered, and its screenshots per viewport class (missing
 * ones marked); a form to capture a screenshot from the page's URL (headless Chromium, full page)
 * or add one from a file; the selected screenshot previewed at its real size, scrollable.
 */
public final class ScreensView extends ConsoleView {
  private final ScreensModel model;
  private final TableView<ScreensModel.Row> table;
  private final TextField client = new TextField("demo");
  private final TextField screen = new TextField();
  private final TextField url = new TextField();
  private final ChoiceBox<ViewportClass> viewport = new ChoiceBox<>();

  public ScreensView(ScreensModel model) {
    super("Screens", KeyCode.DIGIT7);
    this.model = model;
    table = new TableView<>(model.rows());
    table.setId("screens-table");
    table.getColumns().add(Tables.text("client", ScreensModel.Row::client, 55));
    table.getColumns().add(Tables.text("screen", ScreensModel.Row::screen, 90));
    table
        .getColumns()
        .add(Tables.number("events (7 d)", r -> r.events() == 0 ? null : r.events(), 80));
    table.getColumns().add(Tables.text("last seen", r -> when(r.lastSeen()), 95));
    table.getColumns().add(Tables.text("desktop", ScreensModel.Row::desktop, 78));
    table.getColumns().add(Tables.text("tablet", ScreensModel.Row::tablet, 65));
    table.getColumns().add(Tables.text("mobile", ScreensModel.Row::mobile, 65));
    table.getColumns().add(Tables.text("url", r -> r.url() == null ? "" : r.url(), 200));

    viewport.getItems().setAll(ScreensModel.VIEWPORTS);
    viewport.setValue(ViewportClass.DESKTOP);
    viewport.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(ViewportClass v) {
            return v == null ? "" : v.id() + " (" + v.captureWidth() + " px)";
          }

          @Override
          public ViewportClass fromString(String s) {
            return ViewportClass.of(s.split(" ")[0]);
          }
        });
    client.setId("screens-client");
    screen.setId("screens-screen");
    url.setId("screens-url");
    url.setPromptText("https://www.example.com/pricing/");
    viewport.setId("screens-viewport");
    table
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, was, row) -> {
              if (row != null) {
                client.setText(row.client());
                screen.setText(row.screen());
                url.setText(row.url() == null ? "" : row.url());
                model.select(row.client(), row.screen(), viewport.getValue());
              }
            });
    viewport
        .valueProperty()
        .addListener((o, was, v) -> model.select(client.getText(), screen.getText(), v));

    Button capture = new Button("Capture from URL");
    capture.setId("screens-capture");
    capture.setOnAction(
        e -> model.capture(client.getText(), screen.getText(), viewport.getValue(), url.getText()));
    Button add = new Button("Add screenshot…");
    add.setId("screens-add");
    add.setOnAction(e -> chooseFile());
    Button refresh = new Button("Refresh");
    refresh.setOnAction(e -> model.refresh());
    capture.disableProperty().bind(model.busy());
    add.disableProperty().bind(model.busy());

    GridPane form = new GridPane();
    form.setHgap(8);
    form.setVgap(6);
    form.addRow(0, new Label("client"), client, new Label("screen"), screen);
    form.addRow(1, new Label("viewport"), viewport, new Label("page URL"), url);
    GridPane.setHgrow(url, Priority.ALWAYS);
    HBox actions = new HBox(8, capture, add, refresh);
    actions.setAlignment(Pos.CENTER_LEFT);
    Label message = new Label();
    message.setId("screens-message");
    message.setWrapText(true);
    message.textProperty().bind(model.message());

    ImageView image = new ImageView();
    image.setId("screens-preview");
    image.imageProperty().bind(model.preview());
    image.setPreserveRatio(true);
    ScrollPane previewPane = new ScrollPane(image);
    previewPane.setPannable(true);
    VBox right = new VBox(8, form, actions, message, previewPane);
    VBox.setVgrow(previewPane, Priority.ALWAYS);
    right.setPadding(new Insets(6));

    SplitPane split = new SplitPane(table, right);
    split.setDividerPositions(0.6);
    root.setTop(new ErrorBanner(model.failure()));
    root.setCenter(split);
  }

  private void chooseFile() {
    FileChooser chooser = new FileChooser();
    chooser.setTitle("A screenshot of " + client.getText() + "/" + screen.getText());
    chooser
        .getExtensionFilters()
        .add(new FileChooser.ExtensionFilter("PNG or JPEG", "*.png", "*.jpg", "*.jpeg"));
    File file =
        chooser.showOpenDialog(root.getScene() == null ? null : root.getScene().getWindow());
    if (file != null) {
      model.addFile(
          client.getText(), screen.getText(), viewport.getValue(), file.toPath(), url.getText());
    }
  }

  private static String when(Instant t) {
    return t == null ? "" : t.toString().substring(5, 16).replace('T', ' '); // 12-06 10:00 (UTC)
  }

  public ScreensModel model() {
    return model;
  }

  @Override
  public void shown() {
    model.refresh();
  }
}
