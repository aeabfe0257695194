package io.heatlab.console.storage;

import io.heatlab.console.shell.Background;
import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import io.heatlab.contract.LandedEvent;
import java.time.Instant;
import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Storage: the landing layout as a tree (children listed when a node is first expanded, off the FX
 * thread), hours needing a rollup marked, a summary of the selected hour, a preview of the selected
 * object's first records, and "Roll up this hour".
 */
public final class StorageView extends ConsoleView {
  private final StorageModel model;
  private final TreeView<StorageNode> tree = new TreeView<>();

  public StorageView(StorageModel model) {
    super("Storage", KeyCode.DIGIT3);
    this.model = model;
    tree.setId("storage-tree");
    tree.setRoot(lazy(model.root()));
    tree.getRoot().setExpanded(true);
    tree.setCellFactory(
        t ->
            new TreeCell<>() {
              @Override
              protected void updateItem(StorageNode node, boolean empty) {
                super.updateItem(node, empty);
                getStyleClass().remove("stale");
                setText(empty || node == null ? null : node.toString());
                if (!empty && node != null && node.rollup().stale()) {
                  getStyleClass().add("stale");
                }
              }
            });
    Button rollUp = new Button("Roll up this hour");
    rollUp.setId("roll-up-hour");
    rollUp.setDisable(true);
    Button refresh = new Button("Refresh");
    refresh.setOnAction(e -> refresh());
    tree.getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, was, item) -> {
              StorageNode node = item == null ? null : item.getValue();
              rollUp.setDisable(node == null || node.kind() != StorageNode.Kind.HOUR);
              model.select(node);
            });
    rollUp.setOnAction(e -> model.rollUp(selected()));

    Label summary = new Label();
    summary.setId("storage-summary");
    summary.textProperty().bind(model.summary());
    summary.setWrapText(true);
    TableView<LandedEvent> preview = new TableView<>(model.preview());
    preview.setId("preview");
    preview.getColumns().add(Tables.text("client_id", LandedEvent::clientId, 80));
    preview.getColumns().add(Tables.text("screen_id", LandedEvent::screenId, 100));
    preview.getColumns().add(Tables.text("event_type", LandedEvent::eventType, 85));
    preview
        .getColumns()
        .add(Tables.text("event_time", e -> Instant.ofEpochMilli(e.eventTime()).toString(), 190));
    preview.getColumns().add(Tables.text("x_norm", e -> String.format("%.4f", e.xNorm()), 65));
    preview.getColumns().add(Tables.text("y_norm", e -> String.format("%.4f", e.yNorm()), 65));
    preview.getColumns().add(Tables.text("session_id", LandedEvent::sessionId, 140));
    preview.getColumns().add(Tables.text("batch_id", LandedEvent::batchId, 140));
    HBox actions = new HBox(8, refresh, rollUp);
    actions.setAlignment(Pos.CENTER_LEFT);
    VBox right =
        new VBox(
            6,
            actions,
            summary,
            new Label("Preview (first " + StorageModel.PREVIEW_ROWS + " records)"),
            preview);
    VBox.setVgrow(preview, Priority.ALWAYS);
    right.setPadding(new Insets(6));
    SplitPane split = new SplitPane(tree, right);
    split.setDividerPositions(0.38);
    root.setTop(new ErrorBanner(model.failure()));
    root.setCenter(split);
  }

  private StorageNode selected() {
    TreeItem<StorageNode> item = tree.getSelectionModel().getSelectedItem();
    return item == null ? null : item.getValue();
  }

  /** A tree item whose children are listed the first time it is expanded. */
  private TreeItem<StorageNode> lazy(StorageNode node) {
    TreeItem<StorageNode> item = new TreeItem<>(node);
    if (node.kind() != StorageNode.Kind.OBJECT) {
      item.getChildren().add(new TreeItem<>()); // placeholder: makes the node expandable
      item.expandedProperty()
          .addListener(
              (o, was, expanded) -> {
                if (expanded
                    && item.getChildren().size() == 1
                    && item.getChildren().get(0).getValue() == null) {
                  load(item);
                }
              });
    }
    return item;
  }

  private void load(TreeItem<StorageNode> item) {
    Background.run(
        model.contextExecutor(),
        model.failure(),
        "listing " + item.getValue().prefix(),
        () -> model.children(item.getValue()),
        (List<StorageNode> children) ->
            item.getChildren().setAll(children.stream().map(this::lazy).toList()));
  }

  /** Lists the tree again from the bucket. */
  public void refresh() {
    TreeItem<StorageNode> root = lazy(model.root());
    tree.setRoot(root);
    root.setExpanded(true);
  }

  public TreeView<StorageNode> tree() {
    return tree;
  }

  @Override
  public void shown() {
    if (tree.getRoot().getChildren().isEmpty()) {
      refresh();
    }
  }
}
