package io.heatlab.console.overview;

import io.heatlab.stack.PartHealth;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.geometry.Insets;
import java.util.function.Function;

/** Nodes and bindings of the overview: one row per stack part, and a summary line. */
public final class OverviewView {
  private final BorderPane root = new BorderPane();

  public OverviewView(StackHealthModel model) {
    TableView<PartHealth> table = new TableView<>(model.parts());
    table.setId("parts");
    table.getColumns().add(column("Part", PartHealth::name, 110));
    TableColumn<PartHealth, String> state = column("State", h -> h.state().json(), 100);
    state.setCellFactory(c -> new TableCell<>() {
      @Override
      protected void updateItem(String value, boolean empty) {
        super.updateItem(value, empty);
        setText(empty ? null : value);
        setStyle(empty ? "" : "healthy".equals(value) ? "-fx-text-fill: #1a7f37;" : "-fx-text-fill: #c62828;");
      }
    });
    table.getColumns().add(state);
    table.getColumns().add(column("Address", PartHealth::address, 240));
    table.getColumns().add(column("Detail", h -> (h.pid() == null ? "" : "pid " + h.pid() + ", ") + h.detail(), 480));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

    Label summary = new Label();
    summary.setId("summary");
    summary.textProperty().bind(model.summary());
    summary.setPadding(new Insets(6, 8, 6, 8));
    root.setCenter(table);
    root.setBottom(summary);
  }

  private static TableColumn<PartHealth, String> column(String title, Function<PartHealth, String> value, double width) {
    TableColumn<PartHealth, String> column = new TableColumn<>(title);
    column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
    column.setPrefWidth(width);
    return column;
  }

  public Parent root() {
    return root;
  }
}
