package io.heatlab.console.heatmaps;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.testing.FxTesting;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.CellSources;
import io.heatlab.landing.HourPartition;
import io.heatlab.olap.Granularity;
import io.heatlab.query.HeatmapService;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.render.HeatmapRenderer;
import io.heatlab.screens.Backdrop;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.chart.BarChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Heatmaps view's model over a scripted heatmap service: the painted image over the screenshot,
 * the caption and coverage, compare mode, export, and what bad input and bad images are answered
 * with.
 */
class HeatmapsModelTest {
  private static final int W = 400;
  private static final int H = 300;
  private static final Instant H10 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant H11 = Instant.parse("2026-11-25T11:00:00Z");

  @TempDir Path exports;
  private final ExecutorService background = Executors.newCachedThreadPool();
  private final List<HeatmapService.Request> asked = new CopyOnWriteArrayList<>();
  private volatile List<String> clients = List.of("acme", "beta");
  private volatile byte[] screenshot; // null: the screen has none
  private HeatmapsModel model;
  private volatile CountDownLatch homeGate;
  private volatile CountDownLatch cellGate;
  private final CountDownLatch slowCellAnswered = new CountDownLatch(1);
  private final List<HourPartition> scannedHours = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @BeforeEach
  void model() throws IOException {
    screenshot = png(Color.WHITE);
    model =
        new HeatmapsModel(
            new HeatmapsModel.Source() {
              @Override
              public List<String> screenIds() {
                return List.of("home", "pricing");
              }

              @Override
              public Backdrop backdrop(String client, String screenId, ViewportClass viewport)
                  throws IOException {
                return screenshot == null
                    ? new Backdrop(
                        Backdrop.neutralPage(W, H),
                        "no " + viewport.id() + " screenshot of " + screenId)
                    : new Backdrop(ImageIO.read(new ByteArrayInputStream(screenshot)), null);
              }

              @Override
              public List<String> clients() {
                return clients;
              }

              @Override
              public HeatmapService.Answer heatmap(HeatmapService.Request r)
                  throws InterruptedException {
                CountDownLatch gate = homeGate;
                if (gate != null && r.screenId().equals("home")) {
                  gate.await(); // a slow answer
                }
                asked.add(r);
                HeatmapGrid grid = HeatmapGrid.empty(HeatmapGrid.SIZE, HeatmapGrid.SIZE);
                // period A: 1,200 events in the cell at (25 %, 50 %); B: 300 elsewhere
                boolean b = asked.size() > 1;
                grid.add(b ? 75 : 25, 50, b ? 300 : 1_200);
                return new HeatmapService.Answer(
                    r,
                    grid,
                    b ? List.of() : List.of(H11),
                    List.of(),
                    Map.of(Granularity.HOURLY, 1),
                    Map.of());
              }

              @Override
              public HeatmapService.Cell cell(HeatmapService.Request r, int x, int y)
                  throws InterruptedException {
                CountDownLatch gate = cellGate;
                if (gate != null && x == 10) {
                  gate.await(); // a slow answer (per day: no landed objects scanned for it)
                  slowCellAnswered.countDown();
                  return new HeatmapService.Cell(
                      x, y, Granularity.DAILY, new TreeMap<>(), List.of(), List.of());
                }
                TreeMap<Instant, Long> counts = new TreeMap<>(Map.of(H10, 900L, H11, 300L));
                return new HeatmapService.Cell(
                    x, y, Granularity.HOURLY, counts, List.of(), List.of());
              }

              @Override
              public CellSources.Scan sources(
                  List<HourPartition> hours, Predicate<LandedEvent> inCell) {
                scannedHours.addAll(hours);
                String screen = asked.get(0).screenId(); // the heatmap drilled into
                LandedEvent inside =
                    new LandedEvent(
                        "acme", screen, "s", "b", "click", 0, 0.255, 0.505, 1280, 800, 0);
                LandedEvent elsewhere =
                    new LandedEvent(
                        "acme", screen, "s", "b", "click", 0, 0.755, 0.505, 1280, 800, 0);
                assertThat(inCell).accepts(inside).rejects(elsewhere);
                return new CellSources.Scan(
                    List.of(
                        new CellSources.Holder(
                            hours.get(0), "k1", "heatmap.batches", 3, 1_200, 300),
                        new CellSources.Holder(hours.get(1), "k2", "heatmap.batches", 1, 800, 900)),
                    hours,
                    List.of(),
                    1_000);
              }

              @Override
              public Path exportDir() {
                return exports;
              }
            },
            background);
  }

  @AfterEach
  void close() {
    background.shutdownNow();
  }

  @Test
  void theScreensAreTheSourcesAndTheClientsThoseRolledUp() throws Exception {
    assertThat(model.screens()).as("read off the FX thread, on loadChoices").isEmpty();
    FxTesting.run(model::loadChoices);
    await(() -> model.clients().size() == 2 && model.screens().size() == 2);
    assertThat(model.screens()).containsExactly("home", "pricing");
    assertThat(model.clients()).containsExactly("acme", "beta");

    clients = List.of();
    FxTesting.run(model::loadChoices);
    await(() -> model.clients().equals(List.of("demo"))); // nothing rolled up yet: the demo client
  }

  @Test
  void aHeatmapIsPaintedOverTheScreenshotWithItsCaptionAndCoverage() throws Exception {
    FxTesting.run(() -> model.show(request("")));
    await(() -> model.shown().get() != null);
    HeatmapsModel.Shown shown = model.shown().get();

    assertThat(asked)
        .singleElement()
        .satisfies(r -> assertThat(r.types()).containsExactly("click"));
    assertThat(shown.image().getWidth()).isEqualTo(W);
    assertThat(shown.image().getHeight()).isEqualTo(H);
    int hot = shown.painted().getRGB(W / 4 + 2, H / 2 + 1);
    int cold = shown.painted().getRGB(W - 5, 5);
    assertThat(hot).as("the hot cell is coloured").isNotEqualTo(Color.WHITE.getRGB());
    assertThat(cold)
        .as("the screenshot shows where nothing happened")
        .isEqualTo(Color.WHITE.getRGB());
    assertThat(shown.caption())
        .isEqualTo(
            "1,200 events (click, desktop) · read 1 hourly window · 1 landed hour(s) not rolled up yet");
    assertThat(model.message().get()).isEqualTo(shown.caption());
    assertThat(shown.coverage())
        .containsExactly(
            new HeatmapRequest.CoverageHour(H10, true),
            new HeatmapRequest.CoverageHour(H11, false));
  }

  @Test
  void compareModeQueriesBothPeriodsAndSaysWhichIsWhich() throws Exception {
    FxTesting.run(() -> model.show(request("2026-11-24T10")));
    await(() -> model.shown().get() != null);
    HeatmapsModel.Shown shown = model.shown().get();
    assertThat(asked).hasSize(2);
    assertThat(asked.get(1).from()).isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
    assertThat(shown.compareGrid().total()).isEqualTo(300);
    assertThat(shown.caption())
        .startsWith("A 2026-11-25T10 … 2026-11-25T11: 1,200 events")
        .endsWith("· B 2026-11-24T10 … 2026-11-24T10: 300 events");
  }

  @Test
  void badInputIsAnsweredAndNothingIsQueried() throws Exception {
    HeatmapRequest noClient =
        new HeatmapRequest(
            "",
            "pricing",
            false,
            true,
            ViewportClass.DESKTOP,
            "2026-11-25T10",
            "2026-11-25T11",
            2.5,
            HeatmapRenderer.Scale.LINEAR,
            0.7,
            null,
            null,
            null);
    FxTesting.run(() -> model.show(noClient));
    assertThat(model.message().get()).isEqualTo("Cannot show: choose a client");
    assertThat(asked).isEmpty();
  }

  @Test
  void aScreenWithoutScreenshotIsPaintedOverANeutralGridWithANote() throws Exception {
    screenshot = null;
    FxTesting.run(() -> model.show(request("")));
    await(() -> model.shown().get() != null);
    assertThat(model.shown().get().caption()).endsWith(" · no desktop screenshot of pricing");
    assertThat(model.shown().get().painted().getRGB(W / 4 + 2, H / 2 + 1))
        .as("the heatmap is still painted")
        .isNotEqualTo(Backdrop.neutralPage(W, H).getRGB(W / 4 + 2, H / 2 + 1));
    assertThat(model.failure().message().get()).isEmpty();
  }

  @Test
  void exportWritesThePaintedImageAsPng() throws Exception {
    FxTesting.run(model::export);
    assertThat(model.message().get()).isEqualTo("Nothing to export yet: Show a heatmap first");

    FxTesting.run(() -> model.show(request("")));
    await(() -> model.shown().get() != null);
    FxTesting.run(model::export);
    await(() -> model.lastExport().get() != null);
    Path file = model.lastExport().get();
    assertThat(file.getParent()).isEqualTo(exports);
    assertThat(file.getFileName().toString())
        .isEqualTo("heatmap-acme-pricing-desktop-2026-11-25T10-2026-11-25T11.png");
    BufferedImage written = ImageIO.read(file.toFile());
    assertThat(written.getWidth()).isEqualTo(W);
    assertThat(written.getRGB(W / 4 + 2, H / 2 + 1))
        .isEqualTo(model.shown().get().painted().getRGB(W / 4 + 2, H / 2 + 1));
    try (var listing = Files.list(exports)) {
      assertThat(listing.map(p -> p.getFileName().toString()).toList())
          .containsExactly(file.getFileName().toString());
    }
  }

  /** A slow answer to an older request never replaces the answer to a newer one. */
  @Test
  void theNewestRequestWins() throws Exception {
    homeGate = new CountDownLatch(1);
    FxTesting.run(() -> model.show(request("home", null)));
    FxTesting.run(() -> model.show(request(null)));
    await(() -> model.shown().get() != null);
    assertThat(model.shown().get().request().screen()).isEqualTo("pricing");
    homeGate.countDown();
    await(() -> asked.size() == 2); // the home answer arrived…
    Thread.sleep(200);
    FxTesting.flush();
    assertThat(model.shown().get().request().screen()).as("…and was dropped").isEqualTo("pricing");
  }

  /** Two clicks in a row: the second cell's history is shown, whenever the first one's arrives. */
  @Test
  void theNewestCellClickedWinsOverAnOlderSlowerOne() throws Exception {
    FxTesting.run(() -> model.show(request("")));
    await(() -> model.shown().get() != null);
    cellGate = new CountDownLatch(1);
    FxTesting.run(() -> model.drill(10, 10)); // slow
    FxTesting.run(() -> model.drill(25, 50));
    await(() -> model.drilled().get() != null);
    assertThat(model.drilled().get().x()).isEqualTo(25);
    cellGate.countDown(); // the older answer arrives…
    assertThat(slowCellAnswered.await(30, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(200); // its hand-over to the FX thread
    FxTesting.flush();
    assertThat(model.drilled().get().x()).as("…and is dropped").isEqualTo(25);
  }

  @Test
  void aCellDrilledIntoShowsItsHoursItsShareAndTheObjectsHoldingItsEvents() throws Exception {
    FxTesting.run(() -> model.drill(25, 50));
    assertThat(model.drilled().get()).as("nothing shown: nothing to drill into").isNull();
    FxTesting.run(() -> model.show(request("")));
    await(() -> model.shown().get() != null);
    FxTesting.run(() -> model.drill(25, 50));
    await(() -> model.drilled().get() != null);
    HeatmapsModel.Drill d = model.drilled().get();
    assertThat(d.events()).isEqualTo(1_200);
    assertThat(d.share()).isEqualTo(1.0);
    assertThat(d.cell().total()).isEqualTo(1_200);
    assertThat(scannedHours)
        .as("the hours with events, newest first")
        .containsExactly(
            HourPartition.of(H11.toEpochMilli()), HourPartition.of(H10.toEpochMilli()));
    assertThat(d.summary())
        .isEqualTo(
            "cell (25, 50): 1,200 events, 100.00 % of the screen's 1,200 over the range"
                + " · 1,200 landed rows in 2 object(s) of 2 hour(s)");
  }

  /**
   * The Heatmaps view on the headless toolkit: it answers on arrival (the first client, the busiest
   * screen, over the last 24 h) without Show; a click on the painted cell opens the drill-down
   * beside it with the cell's summary, its hours and the objects holding it.
   */
  @Test
  void theViewAnswersOnArrivalAndAClickDrillsIntoTheCell() throws Exception {
    ConsolePrefs prefs = new ConsolePrefs(exports.resolve("prefs.properties"));
    HeatmapsView[] view = new HeatmapsView[1];
    Parent[] root = new Parent[1];
    FxTesting.run(
        () -> {
          view[0] = new HeatmapsView(model, prefs);
          root[0] = FxTesting.laidOut(view[0].root());
          view[0].shown();
        });
    await(() -> model.shown().get() != null);
    assertThat(model.shown().get().request().client()).isEqualTo("acme");
    assertThat(model.shown().get().request().screen()).as("the busiest screen").isEqualTo("home");
    Node drill = root[0].lookup("#hm-drill");
    assertThat(drill.isVisible()).isFalse();

    ImageView image = (ImageView) root[0].lookup("#hm-image");
    FxTesting.run(
        () -> {
          root[0].applyCss();
          root[0].layout();
          Bounds b = image.getBoundsInLocal();
          // a MouseEvent without a source carries scene coordinates
          Point2D at = image.localToScene(b.getWidth() * 0.255, b.getHeight() * 0.505);
          double x = at.getX();
          double y = at.getY();
          image.fireEvent(
              new MouseEvent(
                  MouseEvent.MOUSE_CLICKED,
                  x,
                  y,
                  x,
                  y,
                  MouseButton.PRIMARY,
                  1,
                  false,
                  false,
                  false,
                  false,
                  true,
                  false,
                  false,
                  false,
                  false,
                  true,
                  null));
        });
    await(() -> model.drilled().get() != null);
    FxTesting.flush();
    assertThat(drill.isVisible()).isTrue();
    assertThat(((Label) root[0].lookup("#hm-drill-summary")).getText())
        .startsWith("cell (25, 50): 1,200 events");
    assertThat(((BarChart<?, ?>) root[0].lookup("#hm-drill-chart")).getData())
        .singleElement()
        .satisfies(series -> assertThat(series.getData()).hasSize(2));
    assertThat(((TableView<?>) root[0].lookup("#hm-drill-objects")).getItems()).hasSize(2);
    FxTesting.run(() -> ((Button) root[0].lookup("#hm-drill-close")).fire());
    assertThat(drill.isVisible()).isFalse();
  }

  private static HeatmapRequest request(String compareFrom) {
    return request("pricing", compareFrom);
  }

  private static HeatmapRequest request(String screen, String compareFrom) {
    return new HeatmapRequest(
        "acme",
        screen,
        false,
        true,
        ViewportClass.DESKTOP,
        "2026-11-25T10",
        "2026-11-25T11",
        2.5,
        HeatmapRenderer.Scale.LINEAR,
        0.7,
        compareFrom,
        "",
        null);
  }

  private static byte[] png(Color fill) throws IOException {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(fill);
    g.fillRect(0, 0, W, H);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
