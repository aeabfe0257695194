package io.heatlab.screens;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.contract.ViewportClass;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * What a heatmap is painted over: the screen's screenshot from the registry, or — for a screen
 * without one — a neutral page-sized grid (one line per 100 px) with a note saying how to add the
 * screenshot. Never an error: a heatmap of a screen with traffic is always shown.
 */
public record Backdrop(BufferedImage image, String note) {
  /** The height of the neutral page (its width: the viewport class's capture width). */
  public static final int NEUTRAL_HEIGHT = 2000;

  /**
   * The backdrop of {@code client}'s {@code screen} for {@code viewport}: its screenshot of that
   * class ({@code unknown}: the desktop one), else a neutral page as wide as the class's captures.
   */
  public static Backdrop of(
      ScreenRegistry registry, String client, String screen, ViewportClass viewport)
      throws IOException {
    Optional<byte[]> bytes = registry.screenshot(client, screen, viewport);
    if (bytes.isPresent()) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes.get()));
      if (image != null) {
        return new Backdrop(image, null);
      }
    }
    return new Backdrop(
        neutralPage(viewport.captureWidth(), NEUTRAL_HEIGHT),
        "no "
            + viewport.shownOver().id()
            + " screenshot of "
            + client
            + "/"
            + screen
            + " — painted over a neutral grid; add one with "
            + HeatlabCommand.name()
            + " screens capture --client "
            + client
            + " --screen "
            + screen
            + (viewport.shownOver() == ViewportClass.DESKTOP
                ? ""
                : " --viewport " + viewport.shownOver().id())
            + " --url URL");
  }

  /** A light grid of {@code w × h} pixels, a line every 100 px. */
  public static BufferedImage neutralPage(int w, int h) {
    BufferedImage page = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = page.createGraphics();
    try {
      g.setColor(new Color(0xf6f7f9));
      g.fillRect(0, 0, w, h);
      g.setColor(new Color(0xdde1e6));
      g.setStroke(new BasicStroke(1));
      for (int x = 0; x <= w; x += 100) {
        g.drawLine(x, 0, x, h);
      }
      for (int y = 0; y <= h; y += 100) {
        g.drawLine(0, y, w, y);
      }
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(new Color(0x8a94a3));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(28, (w - 60) / 17))); // fits 390 px
      g.drawString("no screenshot of this screen yet", 30, 60);
    } finally {
      g.dispose();
    }
    return page;
  }
}
