package io.heatlab.console;

import io.heatlab.assets.ScreenCatalog;
import io.heatlab.console.rollups.RunRow;
import io.heatlab.console.storage.StorageNode;
import io.heatlab.console.traffic.TrafficSettings;
import io.heatlab.olap.Granularity;
import io.heatlab.render.HeatmapGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javafx.animation.PauseTransition;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.TreeItem;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --tour=DIR}: sends traffic (1,500 events/s with bursts), starts an hourly rollup of the
 * current hour and waits for it to end, visits every view with the data of the running stack (the
 * overview last, once the rollup has landed its counts), and saves the window as {@code
 * DIR/console-<view>.png} — how docs/ gets its screenshots (run under Xvfb, see docs/console.md).
 * Steps are chained with pauses on the FX thread; nothing blocks it.
 */
final class ConsoleTour {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleTour.class);
  private final ConsoleWindow window;
  private final Scene scene;
  private final Path dir;
  private final Deque<Step> steps = new ArrayDeque<>();

  /**
   * Runs {@code action} once {@code waitSeconds} have passed and {@code ready} holds (or {@code
   * maxSeconds} passed).
   */
  private record Step(
      double waitSeconds, BooleanSupplier ready, double maxSeconds, Runnable action) {}

  ConsoleTour(ConsoleWindow window, Scene scene, Path dir) {
    this.window = window;
    this.scene = scene;
    this.dir = dir;
  }

  void run(Runnable done) {
    step(
        0,
        () ->
            window
                .traffic()
                .model()
                .start(
                    new TrafficSettings(
                        "demo", 20, 1500, "3x5s/30s", 0, Set.copyOf(ScreenCatalog.load().ids()))));
    step(0, () -> window.select("Storage"));
    for (int depth = 0; depth < 3; depth++) {
      int d = depth;
      step(3, () -> expandFirst(descend(window.storage().tree().getRoot(), d)));
    }
    step(
        3,
        () -> {
          TreeItem<StorageNode> object = first(descend(window.storage().tree().getRoot(), 3));
          if (object != null) {
            window.storage().tree().getSelectionModel().select(object);
          }
        });
    step(3, () -> shoot("storage"));
    step(
        0,
        () -> {
          window.select("Rollups");
          window.rollupsModel().runHour(Instant.now());
        });
    // a cold Spark takes longer than any fixed pause: wait for the run's end (and its history row)
    until(5, this::rollupEnded, 300, () -> window.rollupsModel().refreshHistory());
    step(3, () -> shoot("rollups"));
    step(
        0,
        () -> {
          this.<TabPane>node("#rollups-lower").getSelectionModel().select(1); // the plan
          window.rollupsModel().refreshPlan();
        });
    step(3, () -> shoot("rollups-plan"));
    step(0, () -> this.<TabPane>node("#rollups-lower").getSelectionModel().select(0));
    step(0, () -> window.select("Heatmaps"));
    step(2, () -> window.heatmaps().show());
    until(2, () -> window.heatmapsModel().shown().get() != null, 60, () -> {});
    step(2, () -> shoot("heatmaps"));
    // the drill-down of the busiest cell: its hours, its share, the landed objects holding it
    step(
        0,
        () -> {
          long[] counts = window.heatmapsModel().shown().get().grid().counts();
          int best = 0;
          for (int i = 1; i < counts.length; i++) {
            best = counts[i] > counts[best] ? i : best;
          }
          window.heatmaps().drillInto(best % HeatmapGrid.SIZE, best / HeatmapGrid.SIZE);
        });
    until(2, () -> window.heatmapsModel().drilled().get() != null, 60, () -> {});
    step(2, () -> shoot("heatmaps-drill"));
    step(0, () -> this.<Button>node("#hm-drill-close").fire());
    // compare mode: today's hours so far (A) against the same hours of yesterday (B)
    step(
        0,
        () -> {
          Instant hour = Granularity.HOURLY.windowOf(Instant.now());
          Instant midnight = hour.truncatedTo(ChronoUnit.DAYS);
          this.<TextField>node("#hm-from").setText(Granularity.HOURLY.label(midnight));
          this.<TextField>node("#hm-to").setText(Granularity.HOURLY.label(hour));
          this.<CheckBox>node("#hm-compare").setSelected(true);
          this.<ChoiceBox<String>>node("#hm-compare-by").setValue("another period");
          this.<TextField>node("#hm-compare-from")
              .setText(Granularity.HOURLY.label(midnight.minus(1, ChronoUnit.DAYS)));
          this.<TextField>node("#hm-compare-to")
              .setText(Granularity.HOURLY.label(hour.minus(1, ChronoUnit.DAYS)));
          window.heatmaps().show();
        });
    until(
        2,
        () ->
            window.heatmapsModel().shown().get() != null
                && window.heatmapsModel().shown().get().compareGrid() != null,
        60,
        () -> {});
    step(2, () -> shoot("heatmaps-compare"));
    step(0, () -> this.<CheckBox>node("#hm-compare").setSelected(false));
    step(0, () -> window.select("Kafka"));
    step(2, () -> shoot("kafka"));
    // the live tail, clicks only
    step(
        0,
        () -> {
          this.<TabPane>node("#kafka-tabs").getSelectionModel().select(2);
          this.<ChoiceBox<String>>node("#tail-type").setValue("click");
          this.<ToggleButton>node("#tail-toggle").setSelected(true);
        });
    until(3, () -> window.kafka().model().tail().size() >= 20, 30, () -> shoot("kafka-tail"));
    step(
        0,
        () -> {
          this.<ToggleButton>node("#tail-toggle").setSelected(false);
          this.<TabPane>node("#kafka-tabs").getSelectionModel().select(3); // Connector
        });
    until(2, () -> !window.kafka().connect().connectors().isEmpty(), 20, () -> {});
    // an offsets reset previewed (nothing applied): what a rewind to earliest would read again
    step(0, () -> this.<Button>node("#reset-preview").fire());
    until(
        1,
        () -> !window.kafka().connect().resetPlan().get().isEmpty(),
        30,
        () -> shoot("kafka-connector"));
    step(0, () -> this.<TabPane>node("#kafka-tabs").getSelectionModel().select(4)); // dead letters
    step(
        3,
        () -> {
          TableView<?> letters = node("#dead-letters");
          if (!letters.getItems().isEmpty()) {
            letters.getSelectionModel().select(0);
          }
          shoot("kafka-dead-letters");
        });
    step(0, () -> this.<TabPane>node("#kafka-tabs").getSelectionModel().select(0));
    step(0, () -> window.select("Traffic"));
    step(1, () -> shoot("traffic"));
    step(0, () -> window.select("Screens"));
    until(1, () -> !window.screens().model().rows().isEmpty(), 30, () -> {});
    step(
        0,
        () -> {
          TableView<?> table = node("#screens-table");
          table.getSelectionModel().select(table.getItems().size() > 2 ? 2 : 0);
        });
    step(3, () -> shoot("screens"));
    step(0, () -> window.select("Alerts"));
    step(2, () -> shoot("alerts"));
    step(0, () -> window.select("Overview"));
    step(5, () -> shoot("overview"));
    step(0, () -> window.traffic().model().stop());
    step(3, done);
    next();
  }

  private boolean rollupEnded() {
    return !window.rollupsModel().runs().isEmpty()
        && window.rollupsModel().runs().stream()
            .map(RunRow::state)
            .allMatch(s -> s.get() != null && s.get().isFinal());
  }

  private void step(double wait, Runnable action) {
    steps.add(new Step(wait, () -> true, wait, action));
  }

  private void until(double wait, BooleanSupplier ready, double maxSeconds, Runnable action) {
    steps.add(new Step(wait, ready, maxSeconds, action));
  }

  private void next() {
    Step s = steps.poll();
    if (s != null) {
      await(s, s.waitSeconds(), 0);
    }
  }

  private void await(Step s, double pauseSeconds, double waited) {
    PauseTransition pause = new PauseTransition(Duration.seconds(Math.max(0.05, pauseSeconds)));
    pause.setOnFinished(
        e -> {
          double total = waited + pauseSeconds;
          if (!s.ready().getAsBoolean() && total < s.maxSeconds()) {
            await(s, 1, total);
            return;
          }
          try {
            s.action().run();
          } catch (RuntimeException ex) {
            LOG.warn("tour step failed: {}", ex.toString());
          }
          next();
        });
    pause.play();
  }

  @SuppressWarnings("unchecked")
  private <T extends Node> T node(String selector) {
    return (T) Objects.requireNonNull(scene.lookup(selector), selector);
  }

  private static <T> TreeItem<T> descend(TreeItem<T> item, int depth) {
    TreeItem<T> at = item;
    for (int i = 0; i < depth && at != null; i++) {
      at = first(at);
    }
    return at;
  }

  private static <T> TreeItem<T> first(TreeItem<T> item) {
    return item == null || item.getChildren().isEmpty() ? null : item.getChildren().get(0);
  }

  private static <T> void expandFirst(TreeItem<T> item) {
    TreeItem<T> f = first(item);
    if (f != null) {
      f.setExpanded(true);
    }
  }

  private void shoot(String name) {
    WritableImage image = scene.snapshot(null);
    int w = (int) image.getWidth();
    int h = (int) image.getHeight();
    int[] argb = new int[w * h];
    image.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
    Thread writer =
        new Thread(
            () -> {
              try {
                BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                out.setRGB(0, 0, w, h, argb, 0, w);
                Files.createDirectories(dir);
                Path file = dir.resolve("console-" + name + ".png");
                ImageIO.write(out, "png", file.toFile());
                System.out.println("heatlab console: saved " + file);
              } catch (IOException e) {
                LOG.warn("cannot save screenshot {}: {}", name, e.toString());
              }
            },
            "heatlab-console-screenshot");
    writer.start();
  }
}
