package io.heatlab.console.heatmaps;

import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.shell.ConsoleView;
import io.heatlab.console.shell.ErrorBanner;
import io.heatlab.console.shell.Tables;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.CellSources;
import io.heatlab.olap.Granularity;
import io.heatlab.render.HeatmapRenderer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Slider;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.util.StringConverter;

/**
 * Heatmaps: pick client, screen, event types and hours; the screenshot with the heatmap overlay
 * (legend included), hover for a cell's count, the coverage strip (orange = landed but not rolled
 * up), compare mode (A against another period, or against another event type over the same hours)
 * and PNG export. Every choice is remembered.
 */
public final class HeatmapsView extends ConsoleView {
  private final HeatmapsModel model;
  private final ConsolePrefs prefs;
  private final ChoiceBox<String> client = new ChoiceBox<>();
  private final ChoiceBox<String> screen = new ChoiceBox<>();
  private final CheckBox moves = new CheckBox("moves");
  private final CheckBox clicks = new CheckBox("clicks");
  private final ChoiceBox<ViewportClass> viewport =
      new ChoiceBox<>(FXCollections.observableArrayList(ViewportClass.values()));
  private final TextField from = new TextField();
  private final TextField to = new TextField();
  private final Slider radius = new Slider(0, 8, 2.5);
  private final Slider opacity = new Slider(0.1, 1, 0.75);
  private final CheckBox log = new CheckBox("log scale");
  private final CheckBox compare = new CheckBox("compare with B");
  private static final String ANOTHER_PERIOD = "another period";
  private final ChoiceBox<String> compareBy =
      new ChoiceBox<>(FXCollections.observableArrayList(ANOTHER_PERIOD, "click", "move"));
  private final TextField compareFrom = new TextField();
  private final TextField compareTo = new TextField();
  private final ImageView image = new ImageView();
  private final Canvas strip = new Canvas(600, 14);
  private final Label hover = new Label(" ");
  private final Label coverageText = new Label();
  private boolean answered; // a heatmap was asked for (by Show, or on arrival)
  private final BooleanProperty drillOpen = new SimpleBooleanProperty(false);

  public HeatmapsView(HeatmapsModel model, ConsolePrefs prefs) {
    super("Heatmaps", KeyCode.DIGIT5);
    this.model = model;
    this.prefs = prefs;
    client.setId("hm-client");
    screen.setId("hm-screen");
    from.setId("hm-from");
    to.setId("hm-to");
    viewport.setId("hm-viewport");
    viewport.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(ViewportClass v) {
            return v == null ? "" : v.id();
          }

          @Override
          public ViewportClass fromString(String id) {
            return ViewportClass.of(id);
          }
        });
    viewport.setTooltip(
        new Tooltip(
            "Layouts differ by width: desktop ≥ "
                + ViewportClass.DESKTOP_MIN
                + " px, tablet ≥ "
                + ViewportClass.TABLET_MIN
                + " px, mobile below; unknown: pages that sent no viewport"));
    compare.setId("hm-compare");
    compareFrom.setId("hm-compare-from");
    compareTo.setId("hm-compare-to");
    client.setItems(model.clients());
    screen.setItems(model.screens());
    model
        .clients()
        .addListener(
            (ListChangeListener<String>)
                c -> {
                  if (client.getValue() == null || !model.clients().contains(client.getValue())) {
                    String remembered = prefs.get("heatmaps.client", "demo");
                    client.setValue(
                        model.clients().contains(remembered)
                            ? remembered
                            : model.clients().isEmpty() ? null : model.clients().get(0));
                  }
                  answerOnArrival();
                });
    screen.setValue(prefs.get("heatmaps.screen", null));
    model
        .screens()
        .addListener(
            (ListChangeListener<String>)
                c -> {
                  if (screen.getValue() == null && !model.screens().isEmpty()) {
                    screen.setValue(model.screens().get(0)); // the busiest
                  }
                  answerOnArrival();
                });
    moves.setSelected(Boolean.parseBoolean(prefs.get("heatmaps.moves", "true")));
    clicks.setSelected(Boolean.parseBoolean(prefs.get("heatmaps.clicks", "true")));
    viewport.setValue(viewportPref(prefs.get("heatmaps.viewport", ViewportClass.DESKTOP.id())));
    viewport.setOnAction(e -> show());
    Instant now = Instant.now();
    from.setText(
        prefs.get(
            "heatmaps.from",
            Granularity.HOURLY.label(
                Granularity.HOURLY.windowOf(now.minus(Duration.ofHours(23))))));
    to.setText(
        prefs.get("heatmaps.to", Granularity.HOURLY.label(Granularity.HOURLY.windowOf(now))));
    radius.setValue(prefs.getDouble("heatmaps.radius", 2.5));
    opacity.setValue(prefs.getDouble("heatmaps.opacity", 0.75));
    log.setSelected(Boolean.parseBoolean(prefs.get("heatmaps.log", "false")));
    compareFrom.setPromptText(
        "B from, e.g. "
            + Granularity.HOURLY.label(Granularity.HOURLY.windowOf(now.minus(Duration.ofDays(7)))));
    compareTo.setPromptText("B to");
    compareBy.setId("hm-compare-by");
    compareBy.setValue(prefs.get("heatmaps.compare.by", ANOTHER_PERIOD));
    compareBy.setTooltip(
        new Tooltip("B: another period (its hours below), or click / move events over A's hours"));
    compareBy.disableProperty().bind(compare.selectedProperty().not());
    compareFrom
        .disableProperty()
        .bind(
            compare
                .selectedProperty()
                .not()
                .or(compareBy.valueProperty().isNotEqualTo(ANOTHER_PERIOD)));
    compareTo.disableProperty().bind(compareFrom.disableProperty());

    Button show = new Button("Show");
    show.setId("hm-show");
    show.setDefaultButton(true);
    show.setOnAction(e -> show());
    Button last24 = new Button("Last 24 h");
    last24.setOnAction(
        e -> {
          Instant n = Instant.now();
          from.setText(
              Granularity.HOURLY.label(Granularity.HOURLY.windowOf(n.minus(Duration.ofHours(23)))));
          to.setText(Granularity.HOURLY.label(Granularity.HOURLY.windowOf(n)));
          show();
        });
    Button export = new Button("Export PNG");
    export.setId("hm-export");
    export.disableProperty().bind(model.shown().isNull());
    export.setOnAction(e -> model.export());
    radius
        .valueChangingProperty()
        .addListener(
            (o, was, changing) -> {
              if (!changing) {
                show();
              }
            });
    opacity
        .valueChangingProperty()
        .addListener(
            (o, was, changing) -> {
              if (!changing) {
                show();
              }
            });
    log.setOnAction(e -> show());

    VBox controls =
        new VBox(
            6,
            new Label("Client"),
            client,
            new Label("Screen"),
            screen,
            new HBox(8, moves, clicks),
            new Label("Viewport"),
            viewport,
            new Label("Hours (UTC, inclusive)"),
            from,
            to,
            last24,
            new Separator(),
            new Label("Radius (cells)"),
            radius,
            new Label("Opacity"),
            opacity,
            log,
            new Separator(),
            compare,
            compareBy,
            compareFrom,
            compareTo,
            new Separator(),
            show,
            export);
    controls.setPadding(new Insets(8));
    controls.setPrefWidth(210);
    for (ChoiceBox<?> box : List.of(client, screen, viewport, compareBy)) {
      box.setMaxWidth(Double.MAX_VALUE); // the column's width: a long screen name stays readable
    }

    image.setPreserveRatio(true);
    image.setId("hm-image");
    StackPane canvasHolder = new StackPane(image);
    canvasHolder.setAlignment(Pos.TOP_LEFT);
    ScrollPane scroll = new ScrollPane(canvasHolder);
    scroll.setFitToWidth(true);
    // as wide as the pane, never wider than the screenshot: a 390 px mobile page stays narrow
    image
        .fitWidthProperty()
        .bind(
            Bindings.createDoubleBinding(
                () ->
                    Math.min(
                        scroll.getWidth() - 20,
                        image.getImage() == null ? Double.MAX_VALUE : image.getImage().getWidth()),
                scroll.widthProperty(),
                image.imageProperty()));
    image.setOnMouseMoved(e -> hover(e.getX(), e.getY()));
    image.setOnMouseExited(e -> hover.setText(" "));
    image.setOnMouseClicked(e -> drill(e.getX(), e.getY()));
    hover.setId("hm-hover");
    Label caption = new Label();
    caption.setId("hm-caption");
    caption.textProperty().bind(model.message());
    caption.setWrapText(true);
    strip.widthProperty().bind(scroll.widthProperty().subtract(20));
    strip.widthProperty().addListener((o, a, b) -> drawStrip());
    coverageText.setId("hm-coverage");
    VBox center =
        new VBox(
            4,
            caption,
            scroll,
            hover,
            new Label("Coverage (green = rolled up, orange = landed but not rolled up)"),
            new Pane(
                strip), // a Pane's min width is 0: the strip follows the pane, never holds it wide
            coverageText);
    VBox.setVgrow(scroll, Priority.ALWAYS);
    center.setPadding(new Insets(8));

    model
        .shown()
        .addListener(
            (o, was, s) -> {
              image.setImage(s.image());
              drawStrip();
            });
    root.setTop(new ErrorBanner(model.failure()));
    root.setLeft(new ScrollPane(controls));
    root.setCenter(center);
    root.setRight(drillPane());
  }

  private static ViewportClass viewportPref(String id) {
    try {
      return ViewportClass.of(id);
    } catch (IllegalArgumentException e) {
      return ViewportClass.DESKTOP; // a preference written by another version
    }
  }

  /** Shows the heatmap of the current choices (and remembers them). */
  /**
   * The view's default answer, once, as soon as it is open and knows a client and a screen: the
   * last choices (remembered), else the busiest screen over the last 24 h — never an empty canvas
   * waiting for Show.
   */
  private void answerOnArrival() {
    if (!answered
        && root.isVisible()
        && client.getValue() != null
        && screen.getValue() != null
        && model.shown().get() == null) {
      show();
    }
  }

  public void show() {
    answered = true;
    prefs.put("heatmaps.client", client.getValue());
    prefs.put("heatmaps.screen", screen.getValue());
    prefs.put("heatmaps.moves", moves.isSelected());
    prefs.put("heatmaps.clicks", clicks.isSelected());
    prefs.put("heatmaps.viewport", viewport.getValue().id());
    prefs.put("heatmaps.from", from.getText());
    prefs.put("heatmaps.to", to.getText());
    prefs.put("heatmaps.radius", radius.getValue());
    prefs.put("heatmaps.opacity", opacity.getValue());
    prefs.put("heatmaps.log", log.isSelected());
    prefs.put("heatmaps.compare.by", compareBy.getValue());
    boolean byPeriod = ANOTHER_PERIOD.equals(compareBy.getValue());
    model.show(
        new HeatmapRequest(
            client.getValue(),
            screen.getValue(),
            moves.isSelected(),
            clicks.isSelected(),
            viewport.getValue(),
            from.getText(),
            to.getText(),
            radius.getValue(),
            log.isSelected() ? HeatmapRenderer.Scale.LOG : HeatmapRenderer.Scale.LINEAR,
            opacity.getValue(),
            compare.isSelected() && byPeriod ? compareFrom.getText() : null,
            compareTo.getText(),
            compare.isSelected() && !byPeriod ? compareBy.getValue() : null));
  }

  private void hover(double x, double y) {
    HeatmapsModel.Shown s = model.shown().get();
    if (s == null) {
      return;
    }
    var bounds = image.getBoundsInLocal();
    int[] cell = HeatmapRequest.cellAt(s.grid(), x, y, bounds.getWidth(), bounds.getHeight());
    if (cell == null) {
      hover.setText(" ");
      return;
    }
    String text =
        String.format("cell (%d, %d): %,d events", cell[0], cell[1], s.grid().at(cell[0], cell[1]));
    if (s.compareGrid() != null) {
      text += String.format(" · B: %,d", s.compareGrid().at(cell[0], cell[1]));
    }
    hover.setText(text);
  }

  /** A click on the heatmap: the cell under it drilled into. */
  private void drill(double x, double y) {
    HeatmapsModel.Shown s = model.shown().get();
    if (s == null) {
      return;
    }
    var bounds = image.getBoundsInLocal();
    int[] cell = HeatmapRequest.cellAt(s.grid(), x, y, bounds.getWidth(), bounds.getHeight());
    if (cell != null) {
      drillInto(cell[0], cell[1]);
    }
  }

  /** Opens the drill-down of cell ({@code x}, {@code y}) of the heatmap shown. */
  public void drillInto(int x, int y) {
    drillOpen.set(true);
    model.drill(x, y);
  }

  /**
   * The drill-down beside the heatmap: a clicked cell's count per hour (or day, week), its share of
   * the screen, and the landed objects — topic, partition, first offset — holding its events.
   */
  private Parent drillPane() {
    Label summary = new Label("Click a cell of the heatmap to see its history and sources.");
    summary.setId("hm-drill-summary");
    summary.setWrapText(true);
    CategoryAxis windows = new CategoryAxis();
    NumberAxis counts = new NumberAxis();
    counts.setLabel("events");
    BarChart<String, Number> chart = new BarChart<>(windows, counts);
    chart.setId("hm-drill-chart");
    chart.setLegendVisible(false);
    chart.setAnimated(false);
    chart.setBarGap(0);
    chart.setCategoryGap(1);
    chart.setPrefHeight(220);
    TableView<CellSources.Holder> objects = new TableView<>();
    objects.setId("hm-drill-objects");
    objects.getColumns().add(Tables.text("Hour", h -> h.hour().toString(), 100));
    objects.getColumns().add(Tables.text("Topic", CellSources.Holder::topic, 105));
    objects.getColumns().add(Tables.number("Part.", CellSources.Holder::partition, 50));
    objects.getColumns().add(Tables.number("From offset", CellSources.Holder::startOffset, 90));
    objects.getColumns().add(Tables.number("Events", CellSources.Holder::events, 60));
    objects.setPlaceholder(new Label("No landed object read yet."));
    Button close = new Button("Close");
    close.setId("hm-drill-close");
    close.setOnAction(e -> drillOpen.set(false));
    model
        .drilled()
        .addListener(
            (o, was, d) -> {
              if (d == null) {
                summary.setText("reading the cell's history and its landed objects…");
                chart.getData().clear();
                objects.getItems().clear();
                return;
              }
              summary.setText(d.summary());
              XYChart.Series<String, Number> series = new XYChart.Series<>();
              d.cell()
                  .counts()
                  .forEach(
                      (w, n) ->
                          series
                              .getData()
                              .add(new XYChart.Data<>(d.cell().granularity().label(w), n)));
              chart.getData().setAll(List.of(series));
              counts.setLabel(
                  switch (d.cell().granularity()) {
                    case HOURLY -> "events per hour";
                    case DAILY -> "events per day";
                    case WEEKLY -> "events per week";
                  });
              objects.getItems().setAll(d.scan() == null ? List.of() : d.scan().holders());
            });
    VBox pane =
        new VBox(
            6,
            new HBox(8, new Label("Cell drill-down"), close),
            summary,
            chart,
            new Label("Landed objects holding its events (pixel → Kafka offset)"),
            objects);
    VBox.setVgrow(objects, Priority.ALWAYS);
    pane.setId("hm-drill");
    pane.setPadding(new Insets(8));
    pane.setPrefWidth(480);
    pane.setMinWidth(380);
    pane.visibleProperty().bind(drillOpen);
    pane.managedProperty().bind(drillOpen);
    return pane;
  }

  private void drawStrip() {
    HeatmapsModel.Shown s = model.shown().get();
    GraphicsContext g = strip.getGraphicsContext2D();
    g.clearRect(0, 0, strip.getWidth(), strip.getHeight());
    if (s == null || s.coverage().isEmpty()) {
      return;
    }
    List<HeatmapRequest.CoverageHour> hours = s.coverage();
    double w = strip.getWidth() / hours.size();
    long missing = 0;
    for (int i = 0; i < hours.size(); i++) {
      boolean ok = hours.get(i).rolledUp();
      missing += ok ? 0 : 1;
      g.setFill(ok ? Color.web("#2e7d32") : Color.web("#ef6c00"));
      g.fillRect(i * w, 0, Math.max(1, w - (w > 3 ? 1 : 0)), strip.getHeight());
    }
    coverageText.setText(
        String.format(
            "%d of %d hours rolled up%s",
            hours.size() - missing,
            hours.size(),
            missing == 0
                ? ""
                : " — orange hours come from later runs (Rollups view or the scheduler)"));
  }

  @Override
  public void shown() {
    model.loadChoices();
    answerOnArrival(); // the choices of an earlier visit are there already
  }
}
