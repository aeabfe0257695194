package io.heatlab.console;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import javafx.animation.PauseTransition;
import javafx.scene.Scene;
import io.heatlab.console.storage.StorageNode;
import io.heatlab.console.traffic.TrafficSettings;
import javafx.scene.control.TreeItem;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --tour=DIR}: sends traffic (1,500 events/s with bursts), starts an hourly rollup of the current hour,
 * visits every view with the data of the running stack, waits for it to be sampled, and saves the window as
 * {@code DIR/console-<view>.png} — how docs/ gets its screenshots (run under Xvfb, see
 * docs/console.md). Steps are chained with pauses on the FX thread; nothing blocks it.
 */
final class ConsoleTour {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleTour.class);
  private final ConsoleWindow window;
  private final Scene scene;
  private final Path dir;
  private final Deque<Step> steps = new ArrayDeque<>();

  private record Step(double waitSeconds, Runnable action) {}

  ConsoleTour(ConsoleWindow window, Scene scene, Path dir) {
    this.window = window;
    this.scene = scene;
    this.dir = dir;
  }

  void run(Runnable done) {
    step(0, () -> window.traffic().model().start(new TrafficSettings("demo", 20, 1500, "3x5s/30s", 0,
        java.util.Set.copyOf(io.heatlab.assets.ScreenCatalog.load().ids()))));
    step(0, () -> window.select("Overview"));
    step(12, () -> shoot("overview"));
    step(0, () -> window.select("Storage"));
    step(3, () -> expandFirst(window.storage().tree().getRoot()));
    step(3, () -> expandFirst(first(window.storage().tree().getRoot())));
    step(3, () -> expandFirst(first(first(window.storage().tree().getRoot()))));
    step(3, () -> {
      TreeItem<StorageNode> hour = first(first(first(window.storage().tree().getRoot())));
      TreeItem<StorageNode> object = first(hour);
      if (object != null) {
        window.storage().tree().getSelectionModel().select(object);
      }
    });
    step(3, () -> shoot("storage"));
    step(0, () -> {
      window.select("Rollups");
      window.rollupsModel().runHour(java.time.Instant.now());
    });
    step(20, () -> shoot("rollups"));
    step(0, () -> window.select("Heatmaps"));
    step(3, () -> window.heatmaps().show());
    step(5, () -> shoot("heatmaps"));
    step(0, () -> window.select("Kafka"));
    step(2, () -> shoot("kafka"));
    step(0, () -> window.select("Traffic"));
    step(1, () -> shoot("traffic"));
    step(0, () -> window.traffic().model().stop());
    step(3, done);
    next();
  }

  private void step(double wait, Runnable action) {
    steps.add(new Step(wait, action));
  }

  private void next() {
    Step s = steps.poll();
    if (s == null) {
      return;
    }
    PauseTransition pause = new PauseTransition(Duration.seconds(Math.max(0.05, s.waitSeconds())));
    pause.setOnFinished(e -> {
      try {
        s.action().run();
      } catch (RuntimeException ex) {
        LOG.warn("tour step failed: {}", ex.toString());
      }
      next();
    });
    pause.play();
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
    Thread writer = new Thread(() -> {
      try {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, argb, 0, w);
        Files.createDirectories(dir);
        Path file = dir.resolve("console-" + name + ".png");
        ImageIO.write(out, "png", file.toFile());
        System.out.println("heatlab console: saved " + file);
      } catch (java.io.IOException e) {
        LOG.warn("cannot save screenshot {}: {}", name, e.toString());
      }
    }, "heatlab-console-screenshot");
    writer.start();
  }
}
