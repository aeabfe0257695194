package io.heatlab.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.DoubleFunction;
import java.util.function.DoubleToIntFunction;
import javax.imageio.ImageIO;

/**
 * Paints a heatmap over a screen's screenshot, in pure Java (shared by the CLI, the demo and the
 * console): grid counts → Gaussian-smoothed density (kernel radius in cells) → linear or log scale
 * → colour gradient with alpha (transparent where nothing happened) → drawn over the screenshot at
 * its native size → a legend with the count scale.
 *
 * <p>Stateless and thread-safe; build one per set of {@link Options}.
 */
public final class HeatmapRenderer {

  /** How counts map to colour. */
  public enum Scale {
    LINEAR,
    LOG
  }

  /**
   * @param radiusCells kernel radius in grid cells (σ = radius / 2); 0 = no smoothing
   * @param scale linear or log (log shows the long tail of a page)
   * @param maxAlpha opacity of the hottest colour, 0–1
   * @param legend draw the legend
   */
  public record Options(double radiusCells, Scale scale, double maxAlpha, boolean legend) {
    public static final Options DEFAULT = new Options(2.5, Scale.LINEAR, 0.75, true);
  }

  /** Blue → cyan → green → yellow → red, at 0, .25, .5, .75, 1. */
  private static final int[][] GRADIENT = {
    {0, 0, 255}, {0, 255, 255}, {0, 255, 0}, {255, 255, 0}, {255, 0, 0}
  };

  private final Options options;

  public HeatmapRenderer(Options options) {
    this.options = options;
  }

  /**
   * The screenshot with the heatmap of {@code grid} painted over it (a new image; the screenshot is
   * untouched).
   */
  public BufferedImage render(BufferedImage screenshot, HeatmapGrid grid) {
    double[] density = smooth(grid);
    double max = 0;
    for (double d : density) {
      max = Math.max(max, d);
    }
    BufferedImage out = copy(screenshot);
    if (max > 0) {
      paintOverlay(out, density, grid.width(), grid.height(), max);
    }
    if (options.legend()) {
      drawLegend(out, grid.max());
    }
    return out;
  }

  /** PNG bytes of {@link #render}. */
  public byte[] renderPng(BufferedImage screenshot, HeatmapGrid grid) throws IOException {
    return png(render(screenshot, grid));
  }

  /** Separable Gaussian blur of the counts, at grid resolution. */
  double[] smooth(HeatmapGrid grid) {
    int gw = grid.width();
    int gh = grid.height();
    double[] values = new double[gw * gh];
    for (int i = 0; i < values.length; i++) {
      values[i] = grid.counts()[i];
    }
    if (options.radiusCells() <= 0) {
      return values;
    }
    double sigma = options.radiusCells() / 2;
    int r = (int) Math.ceil(options.radiusCells());
    double[] kernel = new double[2 * r + 1];
    for (int k = -r; k <= r; k++) {
      kernel[k + r] = Math.exp(-(k * k) / (2 * sigma * sigma));
    }
    double[] tmp = new double[values.length];
    for (int y = 0; y < gh; y++) {
      for (int x = 0; x < gw; x++) {
        double sum = 0;
        for (int k = -r; k <= r; k++) {
          int xx = x + k;
          if (xx >= 0 && xx < gw) {
            sum += values[y * gw + xx] * kernel[k + r];
          }
        }
        tmp[y * gw + x] = sum;
      }
    }
    double[] out = new double[values.length];
    for (int y = 0; y < gh; y++) {
      for (int x = 0; x < gw; x++) {
        double sum = 0;
        for (int k = -r; k <= r; k++) {
          int yy = y + k;
          if (yy >= 0 && yy < gh) {
            sum += tmp[yy * gw + x] * kernel[k + r];
          }
        }
        out[y * gw + x] = sum;
      }
    }
    return out;
  }

  private void paintOverlay(BufferedImage out, double[] density, int gw, int gh, double max) {
    double logMax = Math.log1p(max);
    double[] t = new double[density.length]; // 0..1, the scale applied at grid resolution
    for (int i = 0; i < t.length; i++) {
      t[i] = options.scale() == Scale.LOG ? Math.log1p(density[i]) / logMax : density[i] / max;
    }
    int[] lut = new int[LUT_SIZE];
    for (int i = 0; i < LUT_SIZE; i++) {
      double v = i / (LUT_SIZE - 1.0);
      int[] c = colour(v);
      lut[i] = v <= 0.01 ? 0 : argb(options.maxAlpha() * Math.min(1, 0.25 + v), c);
    }
    paint(out, t, gw, gh, v -> v <= 0 ? 0 : lut[(int) (Math.min(1, v) * (LUT_SIZE - 1))]);
  }

  private static final int LUT_SIZE = 1024;

  private static int argb(double alpha, int[] rgb) {
    return ((int) Math.round(Math.max(0, Math.min(1, alpha)) * 255) << 24)
        | (rgb[0] << 16)
        | (rgb[1] << 8)
        | rgb[2];
  }

  /**
   * Samples {@code field} (grid resolution) bilinearly at each pixel of {@code out} (TYPE_INT_ARGB,
   * written in place) and blends {@code argbOf(value)} over it; 0 = leave the pixel. Interpolates
   * each row of the grid once, then per pixel along precomputed columns: ~2M pixels in a few
   * milliseconds.
   */
  private static void paint(
      BufferedImage out, double[] field, int gw, int gh, DoubleToIntFunction argbOf) {
    int w = out.getWidth();
    int h = out.getHeight();
    int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    int[] x0 = new int[w];
    int[] x1 = new int[w];
    double[] fx = new double[w];
    for (int px = 0; px < w; px++) {
      double gx = Math.min(gw - 1.0, Math.max(0, (px + 0.5) * gw / w - 0.5));
      x0[px] = (int) gx;
      x1[px] = Math.min(gw - 1, x0[px] + 1);
      fx[px] = gx - x0[px];
    }
    double[] row = new double[gw];
    for (int py = 0; py < h; py++) {
      double gy = Math.min(gh - 1.0, Math.max(0, (py + 0.5) * gh / h - 0.5));
      int y0 = (int) gy;
      int y1 = Math.min(gh - 1, y0 + 1);
      double fy = gy - y0;
      for (int gx = 0; gx < gw; gx++) {
        row[gx] = field[y0 * gw + gx] * (1 - fy) + field[y1 * gw + gx] * fy;
      }
      int base = py * w;
      for (int px = 0; px < w; px++) {
        int c = argbOf.applyAsInt(row[x0[px]] * (1 - fx[px]) + row[x1[px]] * fx[px]);
        if (c != 0) {
          int a = c >>> 24;
          int na = 255 - a;
          int p = pixels[base + px];
          int r = (((p >> 16) & 0xff) * na + ((c >> 16) & 0xff) * a + 127) / 255;
          int g = (((p >> 8) & 0xff) * na + ((c >> 8) & 0xff) * a + 127) / 255;
          int b = ((p & 0xff) * na + (c & 0xff) * a + 127) / 255;
          pixels[base + px] = 0xff000000 | (r << 16) | (g << 8) | b;
        }
      }
    }
  }

  /**
   * Compare mode: where period (or type) A draws a larger share of its events than B, red; where B
   * does, blue. Each grid is smoothed and divided by its own total, so periods of different volume
   * compare fairly.
   */
  public BufferedImage renderDifference(
      BufferedImage screenshot, HeatmapGrid a, HeatmapGrid b, String labelA, String labelB) {
    double[] diff = difference(a, b);
    double maxAbs = 0;
    for (double d : diff) {
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    BufferedImage out = copy(screenshot);
    if (maxAbs > 0) {
      double[] t = new double[diff.length];
      for (int i = 0; i < t.length; i++) {
        t[i] = diff[i] / maxAbs; // -1..1
      }
      int[] lut = new int[2 * LUT_SIZE + 1]; // index LUT_SIZE = 0
      for (int i = -LUT_SIZE; i <= LUT_SIZE; i++) {
        double v = i / (double) LUT_SIZE;
        lut[i + LUT_SIZE] =
            Math.abs(v) < 0.02
                ? 0
                : argb(
                    options.maxAlpha() * Math.min(1, 0.15 + Math.abs(v)),
                    v > 0 ? new int[] {215, 25, 28} : new int[] {44, 123, 182});
      }
      paint(
          out,
          t,
          a.width(),
          a.height(),
          v -> lut[(int) Math.round(Math.max(-1, Math.min(1, v)) * LUT_SIZE) + LUT_SIZE]);
    }
    if (options.legend()) {
      drawDifferenceLegend(out, maxAbs, labelA, labelB);
    }
    return out;
  }

  /** Per cell: A's share of its smoothed total minus B's (each 0 when its total is 0). */
  public double[] difference(HeatmapGrid a, HeatmapGrid b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new IllegalArgumentException("grids differ in size");
    }
    double[] sa = smooth(a);
    double[] sb = smooth(b);
    double ta = Arrays.stream(sa).sum();
    double tb = Arrays.stream(sb).sum();
    double[] d = new double[sa.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (ta == 0 ? 0 : sa[i] / ta) - (tb == 0 ? 0 : sb[i] / tb);
    }
    return d;
  }

  /** PNG bytes of an image. */
  public static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return png.toByteArray();
  }

  private static BufferedImage copy(BufferedImage screenshot) {
    BufferedImage out =
        new BufferedImage(
            screenshot.getWidth(), screenshot.getHeight(), BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(screenshot, 0, 0, null);
    g.dispose();
    return out;
  }

  private void drawDifferenceLegend(
      BufferedImage out, double maxAbs, String labelA, String labelB) {
    String pct = String.format("%.2f%%", maxAbs * 100);
    drawLegendBar(
        out,
        240,
        t -> {
          double v = t * 2 - 1;
          int[] c = v > 0 ? new int[] {215, 25, 28} : new int[] {44, 123, 182};
          double a = Math.min(1, 0.15 + Math.abs(v));
          return new Color(
              (int) (255 * (1 - a) + c[0] * a),
              (int) (255 * (1 - a) + c[1] * a),
              (int) (255 * (1 - a) + c[2] * a));
        },
        "share of events: " + labelB + " more ← → " + labelA + " more",
        "-" + pct,
        "+" + pct);
  }

  static int[] colour(double t) {
    double s = Math.max(0, Math.min(1, t)) * (GRADIENT.length - 1);
    int i = Math.min(GRADIENT.length - 2, (int) s);
    double f = s - i;
    int[] a = GRADIENT[i];
    int[] b = GRADIENT[i + 1];
    return new int[] {
      (int) Math.round(a[0] + (b[0] - a[0]) * f),
      (int) Math.round(a[1] + (b[1] - a[1]) * f),
      (int) Math.round(a[2] + (b[2] - a[2]) * f)
    };
  }

  private void drawLegend(BufferedImage out, long maxCount) {
    drawLegendBar(
        out,
        200,
        t -> {
          int[] c = colour(t);
          return new Color(c[0], c[1], c[2]);
        },
        "events per cell (" + options.scale().name().toLowerCase() + ")",
        "0",
        String.valueOf(maxCount));
  }

  /**
   * A legend in the bottom-right corner: a title, a colour bar ({@code colourAt(0..1)}), its two
   * end labels.
   */
  private static void drawLegendBar(
      BufferedImage out,
      int barW,
      DoubleFunction<Color> colourAt,
      String title,
      String left,
      String right) {
    int barH = 12;
    int x = out.getWidth() - barW - 24;
    int y = out.getHeight() - 44;
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(255, 255, 255, 220));
    g.fillRoundRect(x - 10, y - 22, barW + 20, barH + 40, 8, 8);
    for (int i = 0; i < barW; i++) {
      g.setColor(colourAt.apply(i / (barW - 1.0)));
      g.fillRect(x + i, y, 1, barH);
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(x, y, barW, barH);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.drawString(title, x, y - 8);
    g.drawString(left, x, y + barH + 13);
    g.drawString(right, x + barW - g.getFontMetrics().stringWidth(right), y + barH + 13);
    g.dispose();
  }
}
