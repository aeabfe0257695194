package io.heatlab.render;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import javax.imageio.ImageIO;

/**
 * Paints a heatmap over a screen's screenshot, in pure Java (shared by the CLI, the demo and the
 * console): grid counts → Gaussian-smoothed density (kernel radius in cells) → linear or log scale
 * → colour gradient with alpha (fading out to transparent where little or nothing happened) → drawn
 * over the screenshot at its native size → a legend with the count scale.
 *
 * <p>Fast: everything per pixel is integer arithmetic in one pass over the output. The scaled field
 * is computed once at grid resolution as fixed point (a colour table index with 16 fraction bits),
 * interpolated bilinearly (per output row across the grid, then stepping along each run of pixels
 * between two grid columns), looked up in colour tables built once per renderer and blended with
 * exact integer rounding; runs whose two grid values are both transparent are only copied. {@link
 * #render(BufferedImage, HeatmapGrid, BufferedImage)} renders into a buffer the caller keeps, so a
 * render allocates nothing of the image's size. The legend is drawn once per text and cached. Keep
 * screenshots in {@link BufferedImage#TYPE_INT_ARGB} (see {@link #toIntArgb}): their pixels are
 * copied row by row; other types are drawn with Java2D first.
 *
 * <p>Thread-safe: an instance holds its options and read-only colour tables, the legend cache is
 * shared and synchronised. A {@code reuse} buffer belongs to its caller: don't render into one
 * buffer from two threads at once.
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

  private static final int[] MORE_A = {215, 25, 28};
  private static final int[] MORE_B = {44, 123, 182};

  /** Entries of the heat table: a value v of 0..1 takes entry floor(v × (LUT_SIZE - 1)). */
  static final int LUT_SIZE = 1024;

  /**
   * Heat opacity ramps up from 0 (smoothstep) over values 0..HEAT_EDGE and is maxAlpha × min(1,
   * 0.25 + v) from there on, as it always was: soft edges, the same hot areas.
   */
  static final double HEAT_EDGE = 0.25;

  /** The same for compare mode: maxAlpha × min(1, 0.15 + |v|), ramped over |v| of 0..DIFF_EDGE. */
  static final double DIFF_EDGE = 0.15;

  /** Fraction bits of the fixed-point field values (table indexes). */
  private static final int FRAC = 16;

  /** Fraction bits of the interpolation weights. */
  private static final int WEIGHT = 32;

  private static final int ONE = 1 << FRAC;

  private final Options options;
  private final Palette heatPalette;
  private final Palette diffPalette;

  public HeatmapRenderer(Options options) {
    this.options = options;
    this.heatPalette = new Palette(buildHeatLut(options.maxAlpha()), 0);
    this.diffPalette = new Palette(buildDifferenceLut(options.maxAlpha()), LUT_SIZE);
  }

  /**
   * The screenshot with the heatmap of {@code grid} painted over it (a new image; the screenshot is
   * untouched).
   */
  public BufferedImage render(BufferedImage screenshot, HeatmapGrid grid) {
    return render(screenshot, grid, null);
  }

  /**
   * The screenshot with the heatmap of {@code grid} painted over it, in {@code reuse} when it can
   * hold it (TYPE_INT_ARGB, the screenshot's size, not the screenshot itself), else in a new image;
   * the screenshot is untouched. Every pixel of the result is written, so nothing of an earlier
   * render remains. Pass the returned image as {@code reuse} next time.
   */
  public BufferedImage render(BufferedImage screenshot, HeatmapGrid grid, BufferedImage reuse) {
    double[] density = smooth(grid);
    double max = 0;
    for (double d : density) {
      max = Math.max(max, d);
    }
    int[] field = null;
    if (max > 0) {
      field = new int[density.length];
      double logMax = Math.log1p(max);
      double scale = (LUT_SIZE - 1.0) * ONE;
      for (int i = 0; i < field.length; i++) {
        double t =
            options.scale() == Scale.LOG ? Math.log1p(density[i]) / logMax : density[i] / max;
        field[i] = (int) Math.round(Math.max(0, Math.min(1, t)) * scale);
      }
    }
    BufferedImage out = paint(screenshot, reuse, field, grid.width(), grid.height(), heatPalette);
    if (options.legend()) {
      blit(
          out,
          legend(
              new LegendKey(
                  false,
                  "events per cell (" + options.scale().name().toLowerCase() + ")",
                  "0",
                  String.valueOf(grid.max()))));
    }
    return out;
  }

  /** PNG bytes of {@link #render}. */
  public byte[] renderPng(BufferedImage screenshot, HeatmapGrid grid) throws IOException {
    return png(render(screenshot, grid));
  }

  /**
   * The image as TYPE_INT_ARGB, the type {@link #render} copies fastest: {@code image} itself when
   * it already is, else a converted copy. Convert a screenshot once and keep it.
   */
  public static BufferedImage toIntArgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_ARGB && pixels(image) != null) {
      return image;
    }
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
    drawOnto(image, out);
    return out;
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

  /** The heat table (ARGB; 0 = transparent, leave the pixel) of this renderer, a copy. */
  int[] heatLut() {
    return heatPalette.argb.clone();
  }

  /** The compare table (ARGB, entry LUT_SIZE + round(v × LUT_SIZE) for v of -1..1), a copy. */
  int[] differenceLut() {
    return diffPalette.argb.clone();
  }

  /** Opacity (0–1) of a heat value v of 0..1. */
  static double heatAlpha(double maxAlpha, double v) {
    return maxAlpha * Math.min(1, 0.25 + v) * smoothstep(v / HEAT_EDGE);
  }

  /** Opacity (0–1) of a compare value v of -1..1. */
  static double differenceAlpha(double maxAlpha, double v) {
    double a = Math.abs(v);
    return maxAlpha * Math.min(1, 0.15 + a) * smoothstep(a / DIFF_EDGE);
  }

  private static double smoothstep(double x) {
    double t = Math.max(0, Math.min(1, x));
    return t * t * (3 - 2 * t);
  }

  private static int[] buildHeatLut(double maxAlpha) {
    int[] lut = new int[LUT_SIZE];
    for (int i = 0; i < LUT_SIZE; i++) {
      double v = i / (LUT_SIZE - 1.0);
      lut[i] = argb(heatAlpha(maxAlpha, v), colour(v));
    }
    return lut;
  }

  private static int[] buildDifferenceLut(double maxAlpha) {
    int[] lut = new int[2 * LUT_SIZE + 1]; // index LUT_SIZE = 0
    for (int i = -LUT_SIZE; i <= LUT_SIZE; i++) {
      double v = i / (double) LUT_SIZE;
      lut[i + LUT_SIZE] = argb(differenceAlpha(maxAlpha, v), v > 0 ? MORE_A : MORE_B);
    }
    return lut;
  }

  /** ARGB of an opacity and a colour; 0 when the opacity rounds to 0. */
  private static int argb(double alpha, int[] rgb) {
    int a = (int) Math.round(Math.max(0, Math.min(1, alpha)) * 255);
    return a == 0 ? 0 : (a << 24) | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
  }

  /**
   * A colour table in the form the blend uses, one long per entry: the colour premultiplied by its
   * alpha plus the rounding term 128, red and blue in two 16-bit lanes (bits 32–63), green in bits
   * 8–23, and 255 - alpha in bits 0–7. The transparent entries around {@code zero} (the table's
   * value 0) form a band: field values in [{@code clearFrom}, {@code clearTo}) paint nothing.
   */
  private static final class Palette {
    final int[] argb;
    final long[] packed;
    final int clearFrom;
    final int clearTo;

    Palette(int[] argb, int zero) {
      this.argb = argb;
      packed = new long[argb.length];
      for (int i = 0; i < argb.length; i++) {
        int c = argb[i];
        int a = c >>> 24;
        long redBlue = ((((c >> 16) & 0xff) * a + 128L) << 16) | ((c & 0xff) * a + 128);
        long green = (((c >> 8) & 0xff) * a + 128L) << 8;
        packed[i] = (redBlue << 32) | green | (255 - a);
      }
      int lo = zero;
      int hi = zero;
      if (argb[zero] == 0) {
        while (lo > 0 && argb[lo - 1] == 0) {
          lo--;
        }
        while (hi < argb.length - 1 && argb[hi + 1] == 0) {
          hi++;
        }
        clearFrom = lo << FRAC;
        clearTo = (hi + 1) << FRAC;
      } else {
        clearFrom = 0;
        clearTo = 0;
      }
    }
  }

  /**
   * Blends colour table entry (its {@link Palette} parts) over the opaque pixel p: per channel (p ×
   * (255 - a) + c × a + 127) / 255, exactly, as (t + (t >> 8)) >> 8 with t = x + 128 (exact for x
   * of 0..255 × 255), red and blue together in two 16-bit lanes.
   */
  static int blend(int p, int inverseAlpha, int redBlue, int green) {
    int rb = (p & 0x00ff00ff) * inverseAlpha + redBlue;
    rb = ((rb + ((rb >>> 8) & 0x00ff00ff)) >>> 8) & 0x00ff00ff;
    int g = (p & 0x0000ff00) * inverseAlpha + green;
    g = ((g + ((g >>> 8) & 0x0000ff00)) >>> 8) & 0x0000ff00;
    return 0xff000000 | rb | g;
  }

  /**
   * The output: the screenshot's pixels with {@code field} (grid resolution, fixed point: a table
   * index with {@link #FRAC} fraction bits; null = nothing to paint) sampled bilinearly at each
   * pixel and its table colour blended over. Row by row: copy the screenshot's row, interpolate the
   * grid's values for the row once, then per run of pixels between two grid columns either nothing
   * (both ends transparent) or per pixel an addition, a table look-up and the blend.
   */
  private static BufferedImage paint(
      BufferedImage screenshot, BufferedImage reuse, int[] field, int gw, int gh, Palette palette) {
    int w = screenshot.getWidth();
    int h = screenshot.getHeight();
    BufferedImage out = reuse;
    if (out == null
        || out == screenshot
        || out.getType() != BufferedImage.TYPE_INT_ARGB
        || out.getWidth() != w
        || out.getHeight() != h
        || pixels(out) == null) {
      out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    }
    int[] dst = pixels(out);
    int type = screenshot.getType();
    int[] src =
        type == BufferedImage.TYPE_INT_ARGB || type == BufferedImage.TYPE_INT_RGB
            ? pixels(screenshot)
            : null;
    boolean opaque = type == BufferedImage.TYPE_INT_RGB; // its alpha byte means nothing
    if (src == null) {
      drawOnto(screenshot, out);
    }
    if (field == null) {
      if (src != null) {
        copyRows(src, dst, 0, w * h, opaque);
      }
      return out;
    }

    // columns: runs of pixels between the same two grid columns (a run before the first column's
    // centre and the one after the last's are constant), along which the weight grows by stepX
    int[] x0 = new int[w];
    long[] fx = new long[w];
    samples(w, gw, x0, fx);
    long stepX = (((long) gw << WEIGHT) + w / 2) / w;
    int[] runStart = new int[gw + 2];
    int runs = 0;
    for (int px = 0; px < w; px++) {
      if (px == 0 || x0[px] != x0[px - 1]) {
        runStart[runs++] = px;
      }
    }
    runStart[runs] = w;
    int[] y0 = new int[h];
    long[] fy = new long[h];
    samples(h, gh, y0, fy);

    long[] lut = palette.packed;
    int clearFrom = palette.clearFrom;
    int clearTo = palette.clearTo;
    int[] row = new int[gw];
    for (int py = 0; py < h; py++) {
      int o = py * w;
      if (src != null) {
        copyRows(src, dst, o, w, opaque);
      }
      int r0 = Math.max(0, y0[py]) * gw;
      int r1 = Math.min(gh - 1, y0[py] + 1) * gw;
      long wy = fy[py];
      boolean clear = true;
      for (int gx = 0; gx < gw; gx++) {
        int a = field[r0 + gx];
        int v = a + (int) (((field[r1 + gx] - a) * wy + (1L << (WEIGHT - 1))) >> WEIGHT);
        row[gx] = v;
        clear &= v >= clearFrom && v < clearTo;
      }
      if (clear) {
        continue;
      }
      for (int run = 0; run < runs; run++) {
        int s = runStart[run];
        int e = runStart[run + 1];
        int k = x0[s];
        int left = row[Math.max(0, k)];
        int right = k >= 0 && k < gw - 1 ? row[k + 1] : left;
        if (left >= clearFrom && left < clearTo && right >= clearFrom && right < clearTo) {
          continue;
        }
        // the value, a table index with FRAC + WEIGHT fraction bits, grows by a constant step
        long slope = right - left;
        long v = ((long) left << WEIGHT) + slope * fx[s];
        long step = slope * stepX;
        for (int px = s; px < e; px++, v += step) {
          long c = lut[(int) (Math.max(0, v) >>> (FRAC + WEIGHT))];
          int na = (int) c & 0xff;
          if (na != 255) {
            dst[o + px] = blend(dst[o + px], na, (int) (c >>> 32), (int) c & 0xffffff00);
          }
        }
      }
    }
    return out;
  }

  /**
   * Where output pixel p of {@code n} samples a grid of {@code cells}: the grid coordinate (p +
   * 0.5) × cells / n - 0.5 as its cell {@code c[p]} and the weight of the next cell {@code f[p]}
   * (0..2^WEIGHT), exactly in integers. Before the first cell's centre c[p] is -1 and after the
   * last's cells - 1, both with weight 0: the grid's edge values extend to the image's.
   */
  private static void samples(int n, int cells, int[] c, long[] f) {
    long den = 2L * n;
    for (int p = 0; p < n; p++) {
      long num = (2L * p + 1) * cells - n; // grid coordinate × den
      if (num < 0) {
        c[p] = -1;
        f[p] = 0;
      } else if (num >= (cells - 1) * den) {
        c[p] = cells - 1;
        f[p] = 0;
      } else {
        c[p] = (int) (num / den);
        f[p] = (((num % den) << (WEIGHT - 1)) + n / 2) / n; // (num % den) / den × 2^WEIGHT
      }
    }
  }

  private static void copyRows(int[] src, int[] dst, int from, int length, boolean opaque) {
    if (opaque) {
      for (int i = from, end = from + length; i < end; i++) {
        dst[i] = src[i] | 0xff000000;
      }
    } else {
      System.arraycopy(src, from, dst, from, length);
    }
  }

  /**
   * The pixel array of an image whose raster is one plain int per pixel, row after row (a
   * BufferedImage made by its constructor, not a sub-image); else null.
   */
  private static int[] pixels(BufferedImage image) {
    WritableRaster raster = image.getRaster();
    if (!(raster.getDataBuffer() instanceof DataBufferInt buffer)
        || buffer.getNumBanks() != 1
        || buffer.getOffset() != 0
        || !(raster.getSampleModel() instanceof SinglePixelPackedSampleModel model)
        || model.getScanlineStride() != image.getWidth()
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return null;
    }
    int[] data = buffer.getData();
    return data.length >= image.getWidth() * image.getHeight() ? data : null;
  }

  /** Replaces {@code out}'s pixels by the image's (same size). */
  private static void drawOnto(BufferedImage image, BufferedImage out) {
    Graphics2D g = out.createGraphics();
    g.setComposite(AlphaComposite.Src);
    g.drawImage(image, 0, 0, null);
    g.dispose();
  }

  /**
   * Compare mode: where period (or type) A draws a larger share of its events than B, red; where B
   * does, blue. Each grid is smoothed and divided by its own total, so periods of different volume
   * compare fairly.
   */
  public BufferedImage renderDifference(
      BufferedImage screenshot, HeatmapGrid a, HeatmapGrid b, String labelA, String labelB) {
    return renderDifference(screenshot, a, b, labelA, labelB, null);
  }

  /**
   * {@link #renderDifference(BufferedImage, HeatmapGrid, HeatmapGrid, String, String)} into {@code
   * reuse} when it can hold it, as in {@link #render(BufferedImage, HeatmapGrid, BufferedImage)}.
   */
  public BufferedImage renderDifference(
      BufferedImage screenshot,
      HeatmapGrid a,
      HeatmapGrid b,
      String labelA,
      String labelB,
      BufferedImage reuse) {
    return renderDifference(screenshot, a, b, labelA, labelB, reuse, null);
  }

  /** How much of its colour a cell keeps when its difference is not significant. */
  static final double NOT_SIGNIFICANT = 0.12;

  /**
   * Compare mode with statistics: as {@link #renderDifference(BufferedImage, HeatmapGrid,
   * HeatmapGrid, String, String, BufferedImage)}, but where {@code significance} (of the same two
   * grids) finds a cell's difference within chance its colour is faded to {@value #NOT_SIGNIFICANT}
   * of itself, so noise looks like noise; the legend names the test and its false-discovery rate.
   * {@code significance} null: every difference in full, as before.
   */
  public BufferedImage renderDifference(
      BufferedImage screenshot,
      HeatmapGrid a,
      HeatmapGrid b,
      String labelA,
      String labelB,
      BufferedImage reuse,
      SignificantDifference significance) {
    double[] diff = difference(a, b);
    double maxAbs = 0; // of every difference: faded ones stay faint even when nothing is kept
    for (double d : diff) {
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    if (significance != null) {
      double[] kept = keptShare(significance.significant(), a.width(), a.height());
      for (int i = 0; i < diff.length; i++) {
        diff[i] *= NOT_SIGNIFICANT + (1 - NOT_SIGNIFICANT) * kept[i];
      }
    }
    int[] field = null;
    if (maxAbs > 0) {
      field = new int[diff.length];
      for (int i = 0; i < field.length; i++) {
        double t = Math.max(-1, Math.min(1, diff[i] / maxAbs));
        // entry LUT_SIZE + round(t × LUT_SIZE): the + 0.5 makes the index's floor a rounding
        field[i] = (int) Math.round((t * LUT_SIZE + LUT_SIZE + 0.5) * ONE);
      }
    }
    BufferedImage out = paint(screenshot, reuse, field, a.width(), a.height(), diffPalette);
    if (options.legend()) {
      String pct = String.format("%.2f%%", maxAbs * 100);
      blit(
          out,
          legend(
              new LegendKey(
                  true,
                  "share of events: "
                      + labelB
                      + " more ← → "
                      + labelA
                      + " more"
                      + (significance == null
                          ? ""
                          : String.format(
                              Locale.ROOT,
                              " · faded: within chance (z-test, FDR %.0f%%)",
                              significance.q() * 100)),
                  "-" + pct,
                  "+" + pct)));
    }
    return out;
  }

  /**
   * Per cell, how much of its colour a difference keeps (0–1): the significant cells smoothed with
   * the heat's own kernel, so a significant area has the same soft edges as the heat around it.
   */
  private double[] keptShare(boolean[] significant, int width, int height) {
    HeatmapGrid mask = HeatmapGrid.empty(width, height);
    HeatmapGrid all = HeatmapGrid.empty(width, height);
    for (int i = 0; i < significant.length; i++) {
      all.counts()[i] = 1;
      mask.counts()[i] = significant[i] ? 1 : 0;
    }
    double[] m = smooth(mask);
    double[] n = smooth(all); // the kernel's weight at each cell (less near the borders)
    for (int i = 0; i < m.length; i++) {
      m[i] = n[i] == 0 ? (significant[i] ? 1 : 0) : Math.min(1, m[i] / n[i]);
    }
    return m;
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

  /** What a legend shows: compare mode's or the heat's bar, its title, its two end labels. */
  private record LegendKey(boolean difference, String title, String left, String right) {}

  /**
   * A legend drawn once: ARGB pixels, {@code width} wide, placed {@code fromRight} px left of the
   * output's right edge and {@code fromBottom} px above its bottom edge.
   */
  private record Legend(int[] argb, int width, int height, int fromRight, int fromBottom) {}

  private static final int LEGENDS_KEPT = 16;

  /** The legends drawn last (a label changes with the data: the max count, the labels). */
  private static final Map<LegendKey, Legend> LEGENDS =
      new LinkedHashMap<>(LEGENDS_KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LegendKey, Legend> eldest) {
          return size() > LEGENDS_KEPT;
        }
      };

  private static Legend legend(LegendKey key) {
    synchronized (LEGENDS) {
      Legend legend = LEGENDS.get(key);
      if (legend != null) {
        return legend;
      }
    }
    Legend legend = key.difference() ? drawDifferenceLegend(key) : drawHeatLegend(key);
    synchronized (LEGENDS) {
      LEGENDS.put(key, legend);
    }
    return legend;
  }

  private static Legend drawDifferenceLegend(LegendKey key) {
    return drawLegendBar(
        240,
        t -> {
          double v = t * 2 - 1;
          int[] c = v > 0 ? MORE_A : MORE_B;
          double a = differenceAlpha(1, v);
          return new Color(
              (int) (255 * (1 - a) + c[0] * a),
              (int) (255 * (1 - a) + c[1] * a),
              (int) (255 * (1 - a) + c[2] * a));
        },
        key);
  }

  private static Legend drawHeatLegend(LegendKey key) {
    return drawLegendBar(
        200,
        t -> {
          int[] c = colour(t);
          return new Color(c[0], c[1], c[2]);
        },
        key);
  }

  /**
   * A legend for the bottom-right corner: a title, a colour bar ({@code colourAt(0..1)}), its two
   * end labels, on a translucent white panel; drawn into an image just large enough to hold it
   * (labels may reach beyond the panel).
   */
  private static Legend drawLegendBar(int barW, DoubleFunction<Color> colourAt, LegendKey key) {
    int barH = 12;
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    Graphics2D m = scratch.createGraphics();
    m.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    FontMetrics fm = m.getFontMetrics(font);
    barW = Math.max(barW, fm.stringWidth(key.title())); // the panel holds the whole title
    int rightW = fm.stringWidth(key.right());
    // bounds around the bar's top left corner, with a margin for glyphs overhanging their advance
    int minX = Math.min(-10, barW - rightW) - 4;
    int maxX =
        Math.max(barW + 10, Math.max(fm.stringWidth(key.title()), fm.stringWidth(key.left()))) + 4;
    int minY = Math.min(-22, -8 - fm.getMaxAscent()) - 2;
    int maxY = Math.max(barH + 18, barH + 13 + fm.getMaxDescent()) + 2;
    m.dispose();

    BufferedImage image = new BufferedImage(maxX - minX, maxY - minY, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    g.translate(-minX, -minY);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(255, 255, 255, 220));
    g.fillRoundRect(-10, -22, barW + 20, barH + 40, 8, 8);
    for (int i = 0; i < barW; i++) {
      g.setColor(colourAt.apply(i / (barW - 1.0)));
      g.fillRect(i, 0, 1, barH);
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(0, 0, barW, barH);
    g.setFont(font);
    g.drawString(key.title(), 0, -8);
    g.drawString(key.left(), 0, barH + 13);
    g.drawString(key.right(), barW - rightW, barH + 13);
    g.dispose();
    return new Legend(
        pixels(image), image.getWidth(), image.getHeight(), barW + 24 - minX, 44 - minY);
  }

  /** Draws the legend over the output's bottom-right corner (source over, clipped). */
  private static void blit(BufferedImage out, Legend legend) {
    int w = out.getWidth();
    int h = out.getHeight();
    int[] dst = pixels(out);
    int left = w - legend.fromRight();
    int top = h - legend.fromBottom();
    for (int ly = Math.max(0, -top); ly < legend.height() && top + ly < h; ly++) {
      int lo = ly * legend.width();
      int o = (top + ly) * w + left;
      for (int lx = Math.max(0, -left); lx < legend.width() && left + lx < w; lx++) {
        int s = legend.argb()[lo + lx];
        int sa = s >>> 24;
        if (sa == 255) {
          dst[o + lx] = s;
        } else if (sa != 0) {
          dst[o + lx] = over(s, sa, dst[o + lx]);
        }
      }
    }
  }

  /** Non-premultiplied source over destination, for a translucent source pixel. */
  private static int over(int s, int sa, int d) {
    int da = d >>> 24;
    int ns = 255 - sa;
    if (da == 255) {
      return overOpaque(s, sa, d);
    }
    int dw = da * ns; // the destination's weight, × 255
    int ra = sa * 255 + dw; // the result's alpha, × 255 (> 0: sa > 0)
    int r = ((((s >> 16) & 0xff) * sa * 255 + ((d >> 16) & 0xff) * dw) + ra / 2) / ra;
    int g = ((((s >> 8) & 0xff) * sa * 255 + ((d >> 8) & 0xff) * dw) + ra / 2) / ra;
    int b = (((s & 0xff) * sa * 255 + (d & 0xff) * dw) + ra / 2) / ra;
    return (((ra + 127) / 255) << 24) | (r << 16) | (g << 8) | b;
  }

  /** Source over an opaque destination pixel: the overlay's blend. */
  private static int overOpaque(int s, int sa, int d) {
    return blend(
        d,
        255 - sa,
        ((((s >> 16) & 0xff) * sa + 128) << 16) | ((s & 0xff) * sa + 128),
        (((s >> 8) & 0xff) * sa + 128) << 8);
  }
}
