package io.heatlab.console.kafka;

import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import io.heatlab.contract.EventType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Kafka: consumer groups with their Burrow-style status, per-partition lag, lag and throughput
 * charts of the last 15 minutes; topics and partitions with end offsets and produce rate; a live
 * tail with a filter.
 */
public final class KafkaView extends ConsoleView {
  private static final String ANY_TYPE = "any type";
  private final KafkaModel model;
  private final LineChart<Number, Number> lagChart =
      Tables.timeChart("Lag (records: one per batch)", "records");
  private final LineChart<Number, Number> rateChart =
      Tables.timeChart("Throughput (records/s)", "records/s");
  private final Map<String, XYChart.Series<Number, Number>> lagSeries = new HashMap<>();
  private final Map<String, XYChart.Series<Number, Number>> rateSeries = new HashMap<>();

  public KafkaView(KafkaModel model) {
    super("Kafka", KeyCode.DIGIT2);
    this.model = model;
    TabPane tabs =
        new TabPane(
            new Tab("Consumer lag", lagPane()),
            new Tab("Topics", topicsPane()),
            new Tab("Live tail", tailPane()));
    tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    tabs.setId("kafka-tabs");
    root.setTop(new ErrorBanner(model.failure()));
    root.setCenter(tabs);
    model.latest().addListener((o, was, p) -> plot(p));
  }

  private Parent lagPane() {
    TableView<KafkaModel.GroupRow> groups = new TableView<>(model.groups());
    groups.setId("groups");
    groups.getColumns().add(Tables.text("Group", KafkaModel.GroupRow::group, 260));
    groups.getColumns().add(Tables.text("State", KafkaModel.GroupRow::state, 90));
    groups.getColumns().add(Tables.number("Lag (batches)", KafkaModel.GroupRow::lag, 110));
    groups.getColumns().add(Tables.number("Events behind", KafkaModel.GroupRow::events, 110));
    groups.getColumns().add(Tables.text("Time behind", r -> KafkaModel.behind(r.behindMs()), 100));
    groups
        .getColumns()
        .add(Tables.status("Status", r -> r.status().name(), KafkaModel.GroupRow::rule, 80));
    groups.getColumns().add(Tables.text("Why", KafkaModel.GroupRow::rule, 420));
    groups.setPrefHeight(130);

    TableView<KafkaModel.LagRow> lags = new TableView<>(model.lags());
    lags.setId("lags");
    lags.getColumns().add(Tables.text("Group", KafkaModel.LagRow::group, 220));
    lags.getColumns().add(Tables.text("Topic", KafkaModel.LagRow::topic, 150));
    lags.getColumns().add(Tables.number("Partition", KafkaModel.LagRow::partition, 70));
    lags.getColumns().add(Tables.number("Committed", KafkaModel.LagRow::committed, 110));
    lags.getColumns().add(Tables.number("End", KafkaModel.LagRow::end, 110));
    lags.getColumns().add(Tables.number("Lag (batches)", KafkaModel.LagRow::lag, 100));
    lags.getColumns().add(Tables.number("Events behind", KafkaModel.LagRow::events, 100));
    lags.getColumns().add(Tables.text("Time behind", r -> KafkaModel.behind(r.behindMs()), 100));
    lags.getColumns()
        .add(Tables.status("Status", r -> r.status().name(), KafkaModel.LagRow::rule, 70));
    HBox charts = new HBox(8, lagChart, rateChart);
    HBox.setHgrow(lagChart, Priority.ALWAYS);
    HBox.setHgrow(rateChart, Priority.ALWAYS);
    VBox box = new VBox(6, groups, charts, lags);
    VBox.setVgrow(lags, Priority.ALWAYS);
    box.setPadding(new Insets(6));
    return box;
  }

  private Parent topicsPane() {
    TableView<KafkaModel.PartitionRow> table = new TableView<>(model.partitions());
    table.setId("partitions");
    table.getColumns().add(Tables.text("Topic", KafkaModel.PartitionRow::topic, 260));
    table.getColumns().add(Tables.number("Partition", KafkaModel.PartitionRow::partition, 80));
    table.getColumns().add(Tables.number("End offset", KafkaModel.PartitionRow::endOffset, 140));
    table
        .getColumns()
        .add(Tables.number("Produce rate (rec/s)", KafkaModel.PartitionRow::rate, 160));
    BorderPane p = new BorderPane(table);
    p.setPadding(new Insets(6));
    return p;
  }

  private Parent tailPane() {
    TextField client = new TextField();
    client.setPromptText("client contains…");
    client.setId("tail-client");
    TextField screen = new TextField();
    screen.setPromptText("screen contains…");
    ChoiceBox<String> type = new ChoiceBox<>();
    type.setId("tail-type");
    type.getItems().add(ANY_TYPE);
    for (EventType t : EventType.values()) {
      type.getItems().add(t.wire()); // the contract's names, as they are in the records
    }
    type.setValue(ANY_TYPE);
    ToggleButton run = new ToggleButton("Start tail");
    run.setId("tail-toggle");
    Label count = new Label();
    count
        .textProperty()
        .bind(Bindings.size(model.tail()).asString("%d events shown (newest first, last 500)"));
    Runnable refilter = () -> model.filterTail(filter(client, screen, type));
    client.textProperty().addListener((o, a, b) -> refilter.run());
    screen.textProperty().addListener((o, a, b) -> refilter.run());
    type.valueProperty().addListener((o, a, b) -> refilter.run());
    run.selectedProperty()
        .addListener(
            (o, was, on) -> {
              run.setText(on ? "Stop tail" : "Start tail");
              if (on) {
                model.startTail(filter(client, screen, type));
              } else {
                model.stopTail();
              }
            });
    HBox bar = new HBox(6, run, client, screen, type, count);
    bar.setAlignment(Pos.CENTER_LEFT);

    TableView<LiveTail.Row> table = new TableView<>(model.tail());
    table.setId("tail");
    table
        .getColumns()
        .add(
            Tables.text(
                "Event time", r -> Tables.clock(Instant.ofEpochMilli(r.event().eventTime())), 90));
    table.getColumns().add(Tables.text("Client", r -> r.event().clientId(), 90));
    table.getColumns().add(Tables.text("Screen", r -> r.event().screenId(), 110));
    table.getColumns().add(Tables.text("Type", r -> r.event().eventType(), 90));
    table.getColumns().add(Tables.text("x", r -> String.format("%.3f", r.event().xNorm()), 60));
    table.getColumns().add(Tables.text("y", r -> String.format("%.3f", r.event().yNorm()), 60));
    table.getColumns().add(Tables.text("Session", r -> r.event().sessionId(), 150));
    table.getColumns().add(Tables.number("Partition", LiveTail.Row::partition, 70));
    table.getColumns().add(Tables.number("Offset", LiveTail.Row::offset, 100));
    VBox box = new VBox(6, new ErrorBanner(model.tailFailure()), bar, table);
    VBox.setVgrow(table, Priority.ALWAYS);
    box.setPadding(new Insets(6));
    return box;
  }

  private static LiveTail.Filter filter(
      TextField client, TextField screen, ChoiceBox<String> type) {
    return new LiveTail.Filter(
        client.getText(),
        screen.getText(),
        ANY_TYPE.equals(type.getValue()) ? null : type.getValue());
  }

  private void plot(KafkaRates.Point p) {
    long x = p.at().getEpochSecond();
    long oldest = x - KafkaModel.HISTORY.getSeconds();
    p.lag().forEach((group, lag) -> add(lagChart, lagSeries, group, x, lag, oldest));
    add(rateChart, rateSeries, "produced", x, p.producedPerSecond(), oldest);
    p.consumedPerSecond()
        .forEach((group, rate) -> add(rateChart, rateSeries, group, x, rate, oldest));
  }

  private static void add(
      LineChart<Number, Number> chart,
      Map<String, XYChart.Series<Number, Number>> all,
      String name,
      long x,
      Number y,
      long oldest) {
    XYChart.Series<Number, Number> s =
        all.computeIfAbsent(
            name,
            n -> {
              XYChart.Series<Number, Number> series = new XYChart.Series<>();
              series.setName(n);
              chart.getData().add(series);
              return series;
            });
    s.getData().add(new XYChart.Data<>(x, y));
    s.getData().removeIf(d -> d.getXValue().longValue() < oldest);
  }

  public KafkaModel model() {
    return model;
  }

  @Override
  public void close() {
    model.close();
  }
}
