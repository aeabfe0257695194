package io.heatlab.console.shell;

import java.awt.image.BufferedImage;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

/** AWT images on JavaFX nodes. */
public final class FxImages {
  private FxImages() {}

  /** Copies an AWT image into a JavaFX one (no javafx-swing needed). */
  public static WritableImage toFx(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    WritableImage fx = new WritableImage(w, h);
    fx.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
    return fx;
  }
}
