package io.heatlab.console.traffic;

import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Traffic: the generator's settings (client, page sessions, events/s, burst, backfill hours, the
 * screens to visit), Start/Stop, a live chart of achieved events/s, failed batches and p99 latency
 * (last 5 minutes), and a button that opens the simulator page in the system browser.
 */
public final class TrafficView extends ConsoleView {
  private static final int CHART_SECONDS = 300;
  private final TrafficModel model;
  private final TextField client = new TextField();
  private final TextField sessions = new TextField();
  private final TextField rate = new TextField();
  private final TextField burst = new TextField();
  private final TextField backfill = new TextField();
  private final HBox screens = new HBox(10);
  private final XYChart.Series<Number, Number> acceptedSeries = new XYChart.Series<>();
  private final XYChart.Series<Number, Number> errorSeries = new XYChart.Series<>();
  private final XYChart.Series<Number, Number> p99Series = new XYChart.Series<>();

  /** {@code openInBrowser} shows a URL in the system browser (HostServices in the application). */
  public TrafficView(TrafficModel model, ConsolePrefs prefs, Consumer<String> openInBrowser) {
    super("Traffic", KeyCode.DIGIT6);
    this.model = model;
    client.setId("traffic-client");
    rate.setId("traffic-rate");
    backfill.setId("traffic-backfill");
    client.setText(prefs.get("traffic.client", "demo"));
    sessions.setText(prefs.get("traffic.sessions", "20"));
    rate.setText(prefs.get("traffic.rate", "1000"));
    burst.setText(prefs.get("traffic.burst", ""));
    burst.setPromptText("e.g. 3x10s/60s");
    backfill.setText(prefs.get("traffic.backfill", "0"));
    GridPane form = new GridPane();
    form.setHgap(8);
    form.setVgap(6);
    form.addRow(0, new Label("Client"), client, new Label("Page sessions"), sessions);
    form.addRow(1, new Label("Events/s"), rate, new Label("Burst"), burst);
    form.addRow(2, new Label("Backfill hours"), backfill, new Label("Screens"), screens);
    screens.setId("traffic-screens");
    screens.setAlignment(Pos.CENTER_LEFT);
    Set<String> unchecked = Set.of(prefs.get("traffic.screens.off", "").split(","));
    Runnable boxes =
        () -> {
          screens.getChildren().clear();
          for (String id : model.screenIds()) {
            CheckBox box = new CheckBox(id);
            box.setId("traffic-screen-" + id);
            box.setSelected(!unchecked.contains(id));
            screens.getChildren().add(box);
          }
        };
    boxes.run(); // the screens the model may know already, then each change
    model.screenIds().addListener((ListChangeListener<String>) c -> boxes.run());

    Button start = new Button("Start traffic");
    start.setId("traffic-start");
    start.disableProperty().bind(model.running());
    start.setOnAction(
        e -> {
          prefs.put("traffic.client", client.getText());
          prefs.put("traffic.sessions", sessions.getText());
          prefs.put("traffic.rate", rate.getText());
          prefs.put("traffic.burst", burst.getText());
          prefs.put("traffic.backfill", backfill.getText());
          prefs.put(
              "traffic.screens.off",
              screenBoxes()
                  .filter(b -> !b.isSelected())
                  .map(CheckBox::getText)
                  .collect(Collectors.joining(",")));
          try {
            model.start(
                new TrafficSettings(
                    client.getText().strip(),
                    Integer.parseInt(sessions.getText().strip()),
                    Integer.parseInt(rate.getText().strip()),
                    burst.getText(),
                    Double.parseDouble(backfill.getText().strip()),
                    screenBoxes()
                        .filter(CheckBox::isSelected)
                        .map(CheckBox::getText)
                        .collect(Collectors.toSet())));
          } catch (NumberFormatException bad) {
            model
                .failure()
                .report(
                    "traffic not started",
                    new IllegalArgumentException(
                        "sessions, events/s and backfill hours must be numbers"));
          }
        });
    Button stop = new Button("Stop");
    stop.setId("traffic-stop");
    stop.disableProperty().bind(model.running().not());
    stop.setOnAction(e -> model.stop());
    Button open = new Button("Open simulator page");
    open.setOnAction(e -> openInBrowser.accept(model.simulatorUrl()));
    Label totals = new Label();
    totals.setId("traffic-totals");
    totals.textProperty().bind(model.totals());
    HBox buttons = new HBox(8, start, stop, open);
    buttons.setAlignment(Pos.CENTER_LEFT);

    LineChart<Number, Number> rates =
        Tables.timeChart("Achieved (events/s) and failed batches/s", "per second");
    acceptedSeries.setName("accepted events/s");
    errorSeries.setName("failed batches/s");
    rates.getData().add(acceptedSeries);
    rates.getData().add(errorSeries);
    LineChart<Number, Number> latency = Tables.timeChart("Latency p99 (ms)", "ms");
    p99Series.setName("p99 ms");
    latency.getData().add(p99Series);
    model.latest().addListener((o, was, s) -> plot(s));

    VBox box = new VBox(8, new ErrorBanner(model.failure()), form, buttons, totals, rates, latency);
    VBox.setVgrow(rates, Priority.ALWAYS);
    VBox.setVgrow(latency, Priority.ALWAYS);
    box.setPadding(new Insets(8));
    root.setCenter(box);
  }

  private Stream<CheckBox> screenBoxes() {
    return screens.getChildren().stream().map(CheckBox.class::cast);
  }

  private void plot(TrafficModel.Second s) {
    long x = s.at().getEpochSecond();
    append(acceptedSeries, x, s.stats().acceptedPerSecond());
    append(errorSeries, x, s.stats().failedBatches() / Math.max(0.001, s.stats().seconds()));
    append(p99Series, x, s.stats().p99Ms());
  }

  private static void append(XYChart.Series<Number, Number> series, long x, double y) {
    series.getData().add(new XYChart.Data<>(x, y));
    if (series.getData().size() > CHART_SECONDS) {
      series.getData().remove(0, series.getData().size() - CHART_SECONDS);
    }
  }

  public TrafficModel model() {
    return model;
  }

  @Override
  public void close() {
    model.stop();
  }
}
