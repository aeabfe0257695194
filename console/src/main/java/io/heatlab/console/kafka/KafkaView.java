package io.heatlab.console.kafka;

import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import io.heatlab.contract.EventType;
import io.heatlab.stack.ConnectAdmin;
import io.heatlab.stack.DeadLetters;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
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
 * tail with a filter; the Connect worker's connectors with pause / resume / restart; the dead
 * letters with re-drive.
 */
public final class KafkaView extends ConsoleView {
  private static final String ANY_TYPE = "any type";
  private final KafkaModel model;
  private final ConnectModel connect;
  private final LineChart<Number, Number> lagChart =
      Tables.timeChart("Lag (records: one per batch)", "records");
  private final LineChart<Number, Number> rateChart =
      Tables.timeChart("Throughput (records/s)", "records/s");
  private final Map<String, XYChart.Series<Number, Number>> lagSeries = new HashMap<>();
  private final Map<String, XYChart.Series<Number, Number>> rateSeries = new HashMap<>();

  public KafkaView(KafkaModel model, ConnectModel connect) {
    super("Kafka", KeyCode.DIGIT2);
    this.model = model;
    this.connect = connect;
    Tab letters = new Tab("Dead letters", lettersPane());
    TabPane tabs =
        new TabPane(
            new Tab("Consumer lag", lagPane()),
            new Tab("Topics", topicsPane()),
            new Tab("Live tail", tailPane()),
            new Tab("Connector", connectorPane()),
            letters);
    letters.setOnSelectionChanged(
        e -> {
          if (letters.isSelected()) {
            connect.loadLetters(); // read afresh on arrival
          }
        });
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

  /**
   * The Connect worker's connectors and the selected one's tasks, with pause / resume / restart.
   */
  private Parent connectorPane() {
    TableView<ConnectAdmin.Connector> table = new TableView<>(connect.connectors());
    table.setId("connectors");
    table.getColumns().add(Tables.text("Connector", ConnectAdmin.Connector::name, 180));
    table
        .getColumns()
        .add(
            Tables.status(
                "State", ConnectAdmin.Connector::state, ConnectAdmin.Connector::summary, 100));
    table.getColumns().add(Tables.text("Type", ConnectAdmin.Connector::type, 70));
    table.getColumns().add(Tables.text("Worker", ConnectAdmin.Connector::worker, 160));
    table.getColumns().add(Tables.text("Tasks", ConnectAdmin.Connector::summary, 240));
    table.setPrefHeight(160);
    TableView<ConnectAdmin.Task> tasks = new TableView<>();
    tasks.setId("connector-tasks");
    tasks.getColumns().add(Tables.number("Task", ConnectAdmin.Task::id, 60));
    tasks
        .getColumns()
        .add(Tables.status("State", ConnectAdmin.Task::state, ConnectAdmin.Task::trace, 100));
    tasks.getColumns().add(Tables.text("Worker", ConnectAdmin.Task::worker, 160));
    tasks
        .getColumns()
        .add(Tables.text("Error (first line)", t -> t.trace().lines().findFirst().orElse(""), 600));
    tasks.setPlaceholder(new Label("Choose a connector to see its tasks."));
    // keep the choice across the 3-s refresh (the list is replaced), and show its tasks
    String[] chosen = {null};
    table
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, was, c) -> {
              if (c != null) {
                chosen[0] = c.name();
                tasks.getItems().setAll(c.tasks());
              }
            });
    connect
        .connectors()
        .addListener(
            (ListChangeListener<ConnectAdmin.Connector>)
                ch -> {
                  for (ConnectAdmin.Connector c : connect.connectors()) {
                    if (c.name().equals(chosen[0]) || chosen[0] == null) {
                      table.getSelectionModel().select(c);
                      tasks.getItems().setAll(c.tasks());
                      return;
                    }
                  }
                });
    Button pause = new Button("Pause");
    pause.setId("connector-pause");
    Button resume = new Button("Resume");
    resume.setId("connector-resume");
    Button restart = new Button("Restart with its tasks");
    restart.setId("connector-restart");
    for (Button b : List.of(pause, resume, restart)) {
      b.disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
    }
    pause.setOnAction(e -> connect.pause(chosen[0]));
    resume.setOnAction(e -> connect.resume(chosen[0]));
    restart.setOnAction(e -> connect.restart(chosen[0]));
    Label outcome = new Label();
    outcome.setId("connector-outcome");
    outcome.textProperty().bind(connect.outcome());
    outcome.getStyleClass().add("muted");
    Label hint =
        new Label(
            "Pause stops landing (the lag grows, nothing is lost: the connector resumes from its"
                + " committed offsets); Restart runs a FAILED task again.");
    hint.getStyleClass().add("muted");
    hint.setWrapText(true);
    HBox bar = new HBox(6, pause, resume, restart, outcome);
    bar.setAlignment(Pos.CENTER_LEFT);
    VBox box =
        new VBox(6, new ErrorBanner(connect.failure()), table, bar, hint, resetPane(), tasks);
    VBox.setVgrow(tasks, Priority.ALWAYS);
    box.setPadding(new Insets(6));
    return box;
  }

  /**
   * The landing connector's offsets reset: a target (earliest, latest, a time), Preview shows what
   * would be read again or skipped per partition, Apply stops the connector, moves its offsets and
   * resumes it.
   */
  private Parent resetPane() {
    ChoiceBox<String> to =
        new ChoiceBox<>(FXCollections.observableArrayList("earliest", "latest", "a time"));
    to.setId("reset-to");
    to.setValue("earliest");
    TextField time = new TextField(Instant.now().truncatedTo(ChronoUnit.HOURS).toString());
    time.setId("reset-time");
    time.setPrefColumnCount(18);
    time.visibleProperty().bind(to.valueProperty().isEqualTo("a time"));
    time.managedProperty().bind(time.visibleProperty());
    Button preview = new Button("Preview reset");
    preview.setId("reset-preview");
    // the landing connector's group first, then every other group the cluster has
    ChoiceBox<String> group =
        new ChoiceBox<>(FXCollections.observableArrayList(connect.landingGroup()));
    group.setId("reset-group");
    group.setValue(connect.landingGroup());
    model
        .groups()
        .addListener(
            (ListChangeListener<KafkaModel.GroupRow>)
                c -> {
                  for (KafkaModel.GroupRow g : model.groups()) {
                    if (!group.getItems().contains(g.group())) {
                      group.getItems().add(g.group());
                    }
                  }
                });
    preview.setOnAction(
        e ->
            connect.planReset(
                group.getValue(), "a time".equals(to.getValue()) ? time.getText() : to.getValue()));
    Button apply = new Button("Apply reset");
    apply.setId("reset-apply");
    apply.getStyleClass().add("danger");
    apply.disableProperty().bind(connect.resetPlan().isEmpty());
    apply.setOnAction(e -> connect.applyReset());
    HBox bar =
        new HBox(
            6, new Label("Reset the offsets of"), group, new Label("to"), to, time, preview, apply);
    bar.setAlignment(Pos.CENTER_LEFT);
    TextArea plan = new TextArea();
    plan.setId("reset-plan");
    plan.setEditable(false);
    plan.setPrefRowCount(8);
    plan.setWrapText(true);
    plan.textProperty().bind(connect.resetPlan());
    plan.visibleProperty().bind(connect.resetPlan().isNotEmpty());
    plan.managedProperty().bind(plan.visibleProperty());
    return new VBox(6, bar, plan);
  }

  /** The dead-letter topic as a table, with re-drive of the chosen letters. */
  private Parent lettersPane() {
    TableView<DeadLetters.Letter> table = new TableView<>(connect.letters());
    table.setId("dead-letters");
    table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
    table.setPlaceholder(
        new Label("No dead letter: every record the connector read was a valid batch."));
    table
        .getColumns()
        .add(Tables.text("Reported", l -> Tables.clock(l.reportedAt()) + " UTC", 110));
    table.getColumns().add(Tables.text("Source record", DeadLetters.Letter::source, 200));
    table.getColumns().add(Tables.text("Reason", DeadLetters.Letter::reason, 380));
    table
        .getColumns()
        .add(Tables.number("Bytes", l -> l.value() == null ? 0 : l.value().length, 70));
    table.getColumns().add(Tables.text("Record", l -> l.preview(200), 400));
    Button refresh = new Button("Refresh");
    refresh.setOnAction(e -> connect.loadLetters());
    Button redrive = new Button("Re-drive selected");
    redrive.setId("letters-redrive");
    redrive.disableProperty().bind(Bindings.isEmpty(table.getSelectionModel().getSelectedItems()));
    redrive.setOnAction(
        e -> connect.redrive(List.copyOf(table.getSelectionModel().getSelectedItems())));
    Label count = new Label();
    count
        .textProperty()
        .bind(
            Bindings.size(connect.letters())
                .asString("%d dead letter(s) in " + connect.deadLetterTopic() + ", newest first"));
    Label outcome = new Label();
    outcome.textProperty().bind(connect.outcome());
    outcome.getStyleClass().add("muted");
    Label hint =
        new Label(
            "A batch record the landing connector refused (not a v2 batch, or an event breaking the"
                + " contract), its reason from Connect's headers. Re-drive sends the chosen records"
                + " back to their source topic after a fix; one still refused comes back here.");
    hint.getStyleClass().add("muted");
    hint.setWrapText(true);
    HBox bar = new HBox(6, refresh, redrive, count, outcome);
    bar.setAlignment(Pos.CENTER_LEFT);
    VBox box = new VBox(6, new ErrorBanner(connect.failure()), hint, bar, table);
    VBox.setVgrow(table, Priority.ALWAYS);
    box.setPadding(new Insets(6));
    return box;
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

  public ConnectModel connect() {
    return connect;
  }

  @Override
  public void close() {
    model.close();
    connect.close();
  }
}
