package io.heatlab.console.rollups;

import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.rollup.RollupScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.ProgressBarTableCell;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * Rollups: choose a granularity and a window or range, Run; a row per run with its state and a
 * progress bar, the selected run's live log, Cancel; the history from {@code rollup_runs}; the
 * scheduler switch.
 */
public final class RollupsView extends ConsoleView {
  private final RollupsModel model;
  private final ChoiceBox<Granularity> granularity =
      new ChoiceBox<>(FXCollections.observableArrayList(Granularity.values()));
  private final TextField from = new TextField();
  private final TextField to = new TextField();
  private final TableView<RunRow> runs;

  /** {@code openInBrowser} shows a URL in the system browser (Spark's UI, its history server). */
  public RollupsView(RollupsModel model, ConsolePrefs prefs, Consumer<String> openInBrowser) {
    super("Rollups", KeyCode.DIGIT4);
    this.model = model;
    granularity.setId("granularity");
    granularity.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(Granularity g) {
            return g == null ? "" : g.name().toLowerCase();
          }

          @Override
          public Granularity fromString(String s) {
            return Granularity.valueOf(s.toUpperCase());
          }
        });
    granularity.setValue(Granularity.valueOf(prefs.get("rollups.granularity", "HOURLY")));
    from.setId("window-from");
    to.setId("window-to");
    from.setText(
        prefs.get(
            "rollups.from", Granularity.HOURLY.label(Instant.now().minus(Duration.ofHours(1)))));
    to.setText(prefs.get("rollups.to", ""));
    granularity
        .valueProperty()
        .addListener(
            (o, was, g) -> {
              from.setPromptText(g.label(Instant.now()));
              from.setText(g.label(g.windowOf(Instant.now())));
              to.clear();
              prefs.put("rollups.granularity", g.name());
            });
    from.textProperty().addListener((o, a, b) -> prefs.put("rollups.from", b));
    to.textProperty().addListener((o, a, b) -> prefs.put("rollups.to", b));
    to.setPromptText("to (optional, inclusive)");
    Button run = new Button("Run");
    run.setId("run-rollup");
    run.setDefaultButton(true);
    run.setOnAction(e -> model.run(granularity.getValue(), from.getText(), to.getText()));
    CheckBox scheduler = new CheckBox("Scheduler");
    scheduler.setId("scheduler");
    scheduler.selectedProperty().bindBidirectional(model.schedulerOn());
    Label message = new Label();
    message.setId("rollup-message");
    message.textProperty().bind(model.message());
    HBox bar =
        new HBox(
            8,
            new Label("Roll up"),
            granularity,
            new Label("from"),
            from,
            new Label("to"),
            to,
            run,
            scheduler,
            message);
    bar.setAlignment(Pos.CENTER_LEFT);

    runs = new TableView<>(model.runs());
    runs.setId("runs");
    runs.getColumns().add(Tables.text("Run", RunRow::id, 250));
    runs.getColumns()
        .add(Tables.text("Granularity", r -> r.granularity().name().toLowerCase(), 85));
    runs.getColumns().add(Tables.text("Windows", RunRow::windows, 220));
    TableColumn<RunRow, String> state = new TableColumn<>("State");
    state.setCellValueFactory(c -> c.getValue().state().asString());
    state.setPrefWidth(95);
    runs.getColumns().add(state);
    TableColumn<RunRow, Double> progress = new TableColumn<>("Progress");
    progress.setCellValueFactory(c -> c.getValue().progress().asObject());
    progress.setCellFactory(ProgressBarTableCell.forTableColumn());
    progress.setPrefWidth(140);
    runs.getColumns().add(progress);
    TableColumn<RunRow, String> outcome = new TableColumn<>("Outcome");
    outcome.setCellValueFactory(c -> c.getValue().outcome());
    outcome.setPrefWidth(320);
    runs.getColumns().add(outcome);
    Button cancel = new Button("Cancel run");
    cancel.setId("cancel-run");
    cancel.disableProperty().bind(runs.getSelectionModel().selectedItemProperty().isNull());
    cancel.setOnAction(
        e -> {
          RunRow r = runs.getSelectionModel().getSelectedItem();
          if (r != null) {
            model.cancel(r);
          }
        });
    Button sparkUi = new Button("Spark UI");
    sparkUi.setId("run-spark-ui");
    sparkUi.setTooltip(
        new Tooltip(
            "Spark's own UI of the warm driver running it: jobs of group <run id>, stages, SQL"));
    sparkUi.disableProperty().bind(runs.getSelectionModel().selectedItemProperty().isNull());
    sparkUi.setOnAction(
        e -> {
          RunRow r = runs.getSelectionModel().getSelectedItem();
          if (r != null) {
            model.openSparkUi(r, openInBrowser);
          }
        });
    ListView<String> log = new ListView<>();
    log.setId("run-log");
    runs.getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, was, r) -> log.setItems(r == null ? FXCollections.observableArrayList() : r.log()));
    model
        .runs()
        .addListener(
            (ListChangeListener<RunRow>)
                c -> {
                  if (!model.runs().isEmpty()) {
                    runs.getSelectionModel().select(0); // follow the newest run
                  }
                });
    Label spark = new Label();
    spark.setId("spark-state");
    spark.textProperty().bind(model.spark());
    VBox runsBox =
        new VBox(
            6,
            spark,
            runs,
            new HBox(8, cancel, sparkUi, new Label("Log of the selected run")),
            log);
    VBox.setVgrow(log, Priority.ALWAYS);

    TableView<RollupRuns.Run> history = new TableView<>(model.history());
    history.setId("history");
    history.getColumns().add(Tables.text("Run", RollupRuns.Run::runId, 230));
    history.getColumns().add(Tables.text("Window", r -> r.granularity().label(r.window()), 110));
    history.getColumns().add(Tables.text("State", r -> r.state().name(), 90));
    history
        .getColumns()
        .add(
            Tables.text(
                "Started", r -> r.startedAt() == null ? "" : r.startedAt().toString(), 190));
    history
        .getColumns()
        .add(
            Tables.text(
                "Duration",
                r ->
                    r.finishedAt() == null || r.startedAt() == null
                        ? "running"
                        : String.format(
                            "%.1f s",
                            Duration.between(r.startedAt(), r.finishedAt()).toMillis() / 1000.0),
                80));
    history.getColumns().add(Tables.number("Rows in", RollupRuns.Run::rowsIn, 100));
    history.getColumns().add(Tables.number("Rows out", RollupRuns.Run::rowsOut, 90));
    TableColumn<RollupRuns.Run, String> error = new TableColumn<>("Error");
    error.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().error()));
    error.setPrefWidth(300);
    history.getColumns().add(error);
    Button inHistory = new Button("Open in Spark history");
    inHistory.setId("history-spark");
    inHistory.disableProperty().bind(history.getSelectionModel().selectedItemProperty().isNull());
    inHistory.setOnAction(
        e -> {
          RollupRuns.Run r = history.getSelectionModel().getSelectedItem();
          if (r != null) {
            model.openInSparkHistory(r, openInBrowser);
          }
        });
    HBox historyBar = new HBox(8, new Label("History (rollup_runs, newest first)"), inHistory);
    historyBar.setAlignment(Pos.CENTER_LEFT);
    VBox historyBox = new VBox(4, historyBar, history);
    VBox.setVgrow(history, Priority.ALWAYS);

    TableView<RollupScheduler.Due> plan = new TableView<>(model.plan());
    plan.setId("plan");
    plan.setPlaceholder(new Label("Nothing is due: every closed window is rolled up."));
    plan.getColumns()
        .add(Tables.text("Granularity", d -> d.granularity().name().toLowerCase(), 100));
    plan.getColumns().add(Tables.text("Window", d -> d.granularity().label(d.window()), 130));
    plan.getColumns().add(Tables.text("Why it is due", RollupScheduler.Due::why, 700));
    Button refreshPlan = new Button("Refresh plan");
    refreshPlan.setId("plan-refresh");
    refreshPlan.setOnAction(e -> model.refreshPlan());
    Label planCount = new Label();
    planCount
        .textProperty()
        .bind(
            Bindings.size(model.plan())
                .asString(
                    "%d window(s) a scheduler pass would roll up now (closed hours past the grace,"
                        + " then days, then weeks)"));
    HBox planBar = new HBox(8, refreshPlan, planCount);
    planBar.setAlignment(Pos.CENTER_LEFT);
    VBox planBox = new VBox(4, planBar, plan);
    VBox.setVgrow(plan, Priority.ALWAYS);
    Tab planTab = new Tab("Scheduler's plan", planBox);
    planTab.setOnSelectionChanged(
        e -> {
          if (planTab.isSelected()) {
            model.refreshPlan();
          }
        });
    TabPane lower = new TabPane(new Tab("History", historyBox), planTab);
    lower.setId("rollups-lower");
    lower.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);

    SplitPane split = new SplitPane(runsBox, lower);
    split.setOrientation(Orientation.VERTICAL);
    VBox top = new VBox(6, new ErrorBanner(model.failure()), bar);
    top.setPadding(new Insets(6));
    root.setTop(top);
    root.setCenter(split);
    BorderPane.setMargin(split, new Insets(0, 6, 6, 6));
  }

  public TableView<RunRow> runs() {
    return runs;
  }

  @Override
  public void shown() {
    model.refreshHistory();
  }

  @Override
  public void close() {
    model.close();
  }
}
