package io.heatlab.console.overview;

import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.stack.PartHealth;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The overview: one row per stack part (address, state, uptime, detail) and the pipeline line —
 * accepted → in Kafka → landed → aggregated, with lag and freshness — red with the reasons when the
 * counts disagree.
 */
public final class OverviewView extends ConsoleView {
  private final StackHealthModel health;
  private final PipelineModel pipeline;

  public OverviewView(StackHealthModel health, PipelineModel pipeline) {
    super("Overview", KeyCode.DIGIT1);
    this.health = health;
    this.pipeline = pipeline;
    TableView<PartHealth> table = new TableView<>(health.parts());
    table.setId("parts");
    table.getColumns().add(column("Part", PartHealth::name, 115));
    table.getColumns().add(column("Role", h -> health.role(h.name()), 250));
    TableColumn<PartHealth, String> state = column("State", h -> h.state().json(), 90);
    state.setCellFactory(
        c ->
            new TableCell<>() {
              @Override
              protected void updateItem(String value, boolean empty) {
                super.updateItem(value, empty);
                setText(empty ? null : value);
                getStyleClass().removeAll("ok-text", "bad-text");
                if (!empty) {
                  getStyleClass().add("healthy".equals(value) ? "ok-text" : "bad-text");
                }
              }
            });
    table.getColumns().add(state);
    table.getColumns().add(column("Address", PartHealth::address, 190));
    table.getColumns().add(column("Uptime", OverviewView::uptime, 90));
    table
        .getColumns()
        .add(
            column(
                "Detail", h -> (h.pid() == null ? "" : "pid " + h.pid() + ", ") + h.detail(), 420));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    // every part in sight without a scroll bar: rows of a fixed height, the table as tall as they
    // are
    table.setFixedCellSize(32);
    table.prefHeightProperty().bind(Bindings.size(health.parts()).multiply(32).add(46));
    table.minHeightProperty().bind(table.prefHeightProperty());

    Label summary = new Label();
    summary.setId("summary");
    summary.textProperty().bind(health.summary());

    Label accepted = stage("accepted");
    Label inKafka = stage("in-kafka");
    Label landed = stage("landed");
    Label aggregated = stage("aggregated");
    HBox line = new HBox(8, accepted, arrow(), inKafka, arrow(), landed, arrow(), aggregated);
    line.setAlignment(Pos.CENTER_LEFT);
    Label freshness = new Label("freshness: –");
    freshness.setId("freshness");
    Label verdict = new Label("sampling…");
    verdict.setId("pipeline-verdict");
    verdict.setWrapText(true);
    pipeline
        .status()
        .addListener(
            (o, was, s) -> {
              accepted.setText(
                  String.format(
                      "accepted batches (HTTP, since start)%n%s",
                      s.accepted() == null ? "unreachable" : String.format("%,d", s.accepted())));
              inKafka.setText(String.format("in Kafka (records)%n%,d", s.inKafka()));
              landed.setText(String.format("landed%n%,d  (lag %,d)", s.landed(), s.lag()));
              aggregated.setText(String.format("aggregated (hourly)%n%,d", s.aggregated()));
              freshness.setText(
                  s.freshThrough() == null
                      ? "freshness: nothing landed yet"
                      : "freshness: rolled up through "
                          + s.freshThrough().truncatedTo(ChronoUnit.SECONDS)
                          + " ("
                          + PipelineStatus.human(s.freshness())
                          + " behind)");
              verdict.setText(s.ok() ? "pipeline consistent" : String.join("\n", s.problems()));
              for (Label l :
                  new Label[] {accepted, inKafka, landed, aggregated, verdict, freshness}) {
                l.getStyleClass().removeAll("ok-text", "bad-text");
                l.getStyleClass().add(s.ok() ? "ok-text" : "bad-text");
              }
            });
    VBox pipelineBox = new VBox(6, new Label("Pipeline"), line, freshness, verdict);
    pipelineBox.getStyleClass().add("section");
    pipelineBox.setPadding(new Insets(8));

    VBox top =
        new VBox(
            6,
            new ErrorBanner(health.failure()),
            new ErrorBanner(pipeline.failure()),
            table,
            summary);
    top.setPadding(new Insets(8));
    root.setTop(top);
    root.setCenter(pipelineBox);
  }

  private static Label stage(String id) {
    Label l = new Label("–");
    l.setId("stage-" + id);
    l.getStyleClass().add("stage");
    l.setMinWidth(190);
    return l;
  }

  private static Label arrow() {
    return new Label("→");
  }

  static String uptime(PartHealth h) {
    if (h.pid() == null || !h.healthy()) {
      return "–";
    }
    return ProcessHandle.of(h.pid())
        .flatMap(p -> p.info().startInstant())
        .map(start -> PipelineStatus.human(Duration.between(start, Instant.now())))
        .orElse("–");
  }

  private static TableColumn<PartHealth, String> column(
      String title, Function<PartHealth, String> value, double width) {
    TableColumn<PartHealth, String> column = new TableColumn<>(title);
    column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
    column.setPrefWidth(width);
    return column;
  }

  @Override
  public void shown() {
    pipeline.refresh(); // sampled all along (the alerts judge it), fresh on arrival
  }

  @Override
  public void close() {
    pipeline.close();
  }
}
