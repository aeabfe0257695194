package io.heatlab.console.shell;

import java.text.DecimalFormatSymbols;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, on a background thread at start-up, what the FX thread would otherwise load on first use
 * and stall for: locale number formatting (the first {@code %,d} costs ~0.5 s on a cold JVM) and
 * the skins of the controls the views create lazily (table and tree cells, charts, list views).
 * Best effort: a class that cannot be loaded is just skipped.
 */
public final class Warmup {
  private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
  private static final String[] CLASSES = {
    "javafx.scene.control.skin.TableViewSkin", "javafx.scene.control.skin.TableRowSkin",
        "javafx.scene.control.skin.TableCellSkin",
    "javafx.scene.control.skin.TableHeaderRow", "javafx.scene.control.skin.TreeViewSkin",
        "javafx.scene.control.skin.TreeCellSkin",
    "javafx.scene.control.skin.ListViewSkin", "javafx.scene.control.skin.ListCellSkin",
        "javafx.scene.control.skin.ProgressBarSkin",
    "javafx.scene.control.skin.TabPaneSkin", "javafx.scene.control.skin.ScrollPaneSkin",
        "javafx.scene.control.skin.TooltipSkin",
    "javafx.scene.control.skin.ChoiceBoxSkin", "javafx.scene.control.skin.SliderSkin",
        "javafx.scene.control.skin.VirtualFlow",
    "javafx.scene.control.cell.ProgressBarTableCell", "javafx.scene.chart.LineChart",
        "javafx.scene.chart.NumberAxis",
    "javafx.scene.control.ContextMenu", "javafx.scene.control.skin.ContextMenuSkin",
        "javafx.scene.image.WritableImage"
  };

  private Warmup() {}

  public static void inBackground() {
    Thread t = new Thread(Warmup::run, "heatlab-console-warmup");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void run() {
    long t0 = System.nanoTime();
    DecimalFormatSymbols.getInstance(Locale.getDefault());
    String.format("%,d %,.1f %.3f %02d %s", 1_234_567L, 1234.5, 0.5, 7, Instant.now());
    ClassLoader loader = Warmup.class.getClassLoader();
    for (String name : CLASSES) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        LOG.debug("warm-up skipped {}: {}", name, e.toString());
      }
    }
    LOG.debug("warm-up took {} ms", (System.nanoTime() - t0) / 1_000_000);
  }
}
