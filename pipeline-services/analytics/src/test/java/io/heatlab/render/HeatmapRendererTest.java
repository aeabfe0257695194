package io.heatlab.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.assets.Screen;
import io.heatlab.assets.ScreenCatalog;
import io.heatlab.render.HeatmapRenderer.Options;
import io.heatlab.render.HeatmapRenderer.Scale;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleToIntFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeatmapRendererTest {
  private static final HeatmapRenderer.Options NO_LEGEND =
      new HeatmapRenderer.Options(2.5, HeatmapRenderer.Scale.LINEAR, 0.75, false);

  private static BufferedImage screenshot() throws Exception {
    ScreenCatalog catalog = ScreenCatalog.load();
    Screen pricing = catalog.screen("pricing");
    return ImageIO.read(new ByteArrayInputStream(catalog.image(pricing)));
  }

  @Test
  void paintsHotCellsRedOverTheScreenshotAndLeavesQuietAreasUntouched() throws Exception {
    BufferedImage shot = screenshot();
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    grid.add(50, 56, 1000); // the Pro plan button of the pricing screen
    grid.add(10, 90, 100);

    BufferedImage out = new HeatmapRenderer(NO_LEGEND).render(shot, grid);

    assertThat(out.getWidth()).isEqualTo(shot.getWidth());
    assertThat(out.getHeight()).isEqualTo(shot.getHeight());
    int hot =
        out.getRGB((int) (50.5 * shot.getWidth() / 100), (int) (56.5 * shot.getHeight() / 100));
    assertThat((hot >> 16) & 0xff).as("red at the hottest cell").isGreaterThan(150);
    assertThat(hot & 0xff).as("little blue at the hottest cell").isLessThan(120);
    int quietX = (int) (90.5 * shot.getWidth() / 100);
    int quietY = (int) (10.5 * shot.getHeight() / 100);
    assertThat(out.getRGB(quietX, quietY) | 0xff000000)
        .as("quiet area is the screenshot")
        .isEqualTo(shot.getRGB(quietX, quietY) | 0xff000000);
  }

  @Test
  void logScaleShowsTheTailThatLinearHides() throws Exception {
    BufferedImage shot = screenshot();
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    grid.add(50, 50, 100_000);
    grid.add(20, 20, 20);
    int x = (int) (20.5 * shot.getWidth() / 100);
    int y = (int) (20.5 * shot.getHeight() / 100);
    BufferedImage linear = new HeatmapRenderer(NO_LEGEND).render(shot, grid);
    BufferedImage log =
        new HeatmapRenderer(
                new HeatmapRenderer.Options(2.5, HeatmapRenderer.Scale.LOG, 0.75, false))
            .render(shot, grid);
    assertThat(linear.getRGB(x, y) | 0xff000000).isEqualTo(shot.getRGB(x, y) | 0xff000000);
    assertThat(log.getRGB(x, y)).isNotEqualTo(shot.getRGB(x, y));
  }

  @Test
  void smoothingSpreadsButKeepsTheCentreHottest() {
    HeatmapGrid grid = HeatmapGrid.empty(10, 10);
    grid.add(5, 5, 100);
    double[] d = new HeatmapRenderer(HeatmapRenderer.Options.DEFAULT).smooth(grid);
    assertThat(d[5 * 10 + 5]).isGreaterThan(d[5 * 10 + 6]).isGreaterThan(0);
    assertThat(d[5 * 10 + 6]).isGreaterThan(d[5 * 10 + 8]);
    assertThat(d[0]).isZero();
  }

  @Test
  void writesAPngWithALegend() throws Exception {
    BufferedImage shot = screenshot();
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    for (int i = 0; i < 100; i++) {
      grid.add(i, 56, i);
    }
    byte[] png = new HeatmapRenderer(HeatmapRenderer.Options.DEFAULT).renderPng(shot, grid);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(back.getWidth()).isEqualTo(shot.getWidth());
    assertThat(back.getHeight()).isEqualTo(shot.getHeight());
    // the legend's gradient bar sits bottom right: its left end is blue, its right end red
    int barLeft = shot.getWidth() - 200 - 24;
    int barY = shot.getHeight() - 44 + 6;
    int left = back.getRGB(barLeft + 2, barY);
    int right = back.getRGB(barLeft + 197, barY);
    assertThat(left & 0xff).as("blue end").isGreaterThan(200);
    assertThat((right >> 16) & 0xff).as("red end").isGreaterThan(200);
    assertThat(right & 0xff).isLessThan(60);
    Path out = Path.of("target", "render-test", "pricing-heatmap.png");
    Files.createDirectories(out.getParent());
    Files.write(out, png); // to look at: pipeline-services/analytics/target/render-test/
  }

  // --- the fast path against a plain double-precision reference ---

  /** A page's worth of counts: a few hot spots, a sparse tail, much of it empty. */
  private static HeatmapGrid randomGrid(long seed, int width, int height) {
    Random r = new Random(seed);
    HeatmapGrid grid = HeatmapGrid.empty(width, height);
    for (int spot = 0; spot < 3; spot++) {
      double cx = r.nextDouble() * width;
      double cy = r.nextDouble() * height;
      double sd = 1 + r.nextDouble() * width / 10.0;
      for (int i = 0; i < 3000; i++) {
        int x = (int) Math.round(cx + r.nextGaussian() * sd);
        int y = (int) Math.round(cy + r.nextGaussian() * sd);
        if (x >= 0 && x < width && y >= 0 && y < height) {
          grid.add(x, y, 1);
        }
      }
    }
    for (int i = 0; i < width * height / 20; i++) {
      grid.add(r.nextInt(width), r.nextInt(height), 1 + r.nextInt(3));
    }
    return grid;
  }

  private static BufferedImage randomScreenshot(long seed, int width, int height, int type) {
    Random r = new Random(seed);
    BufferedImage shot = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        shot.setRGB(x, y, 0xff000000 | r.nextInt(0x1000000));
      }
    }
    return shot;
  }

  /**
   * The renderer's recipe in doubles, pixel by pixel: smooth, scale to 0..1 (or -1..1), sample
   * bilinearly at the pixel's centre, take the table entry, blend with rounding.
   */
  private static int[] reference(
      HeatmapRenderer renderer, Options options, BufferedImage shot, HeatmapGrid grid) {
    double[] density = renderer.smooth(grid);
    double max = 0;
    for (double d : density) {
      max = Math.max(max, d);
    }
    double[] t = new double[density.length];
    for (int i = 0; i < t.length; i++) {
      t[i] =
          max == 0
              ? 0
              : options.scale() == Scale.LOG
                  ? Math.log1p(density[i]) / Math.log1p(max)
                  : density[i] / max;
    }
    int[] lut = renderer.heatLut();
    return blendReference(
        shot,
        t,
        grid.width(),
        grid.height(),
        v -> v <= 0 ? 0 : lut[(int) (Math.min(1, v) * (HeatmapRenderer.LUT_SIZE - 1))]);
  }

  private static int[] differenceReference(
      HeatmapRenderer renderer, BufferedImage shot, HeatmapGrid a, HeatmapGrid b) {
    double[] diff = renderer.difference(a, b);
    double maxAbs = 0;
    for (double d : diff) {
      maxAbs = Math.max(maxAbs, Math.abs(d));
    }
    double[] t = new double[diff.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = maxAbs == 0 ? 0 : diff[i] / maxAbs;
    }
    int[] lut = renderer.differenceLut();
    int n = HeatmapRenderer.LUT_SIZE;
    return blendReference(
        shot,
        t,
        a.width(),
        a.height(),
        v -> lut[(int) Math.round(Math.max(-1, Math.min(1, v)) * n) + n]);
  }

  private static int[] blendReference(
      BufferedImage shot, double[] field, int gw, int gh, DoubleToIntFunction argbOf) {
    int w = shot.getWidth();
    int h = shot.getHeight();
    int[] out = new int[w * h];
    for (int py = 0; py < h; py++) {
      double gy = Math.min(gh - 1.0, Math.max(0, (py + 0.5) * gh / h - 0.5));
      int y0 = (int) gy;
      int y1 = Math.min(gh - 1, y0 + 1);
      double fy = gy - y0;
      for (int px = 0; px < w; px++) {
        double gx = Math.min(gw - 1.0, Math.max(0, (px + 0.5) * gw / w - 0.5));
        int x0 = (int) gx;
        int x1 = Math.min(gw - 1, x0 + 1);
        double fx = gx - x0;
        double v =
            (field[y0 * gw + x0] * (1 - fx) + field[y0 * gw + x1] * fx) * (1 - fy)
                + (field[y1 * gw + x0] * (1 - fx) + field[y1 * gw + x1] * fx) * fy;
        int p = shot.getRGB(px, py);
        int c = argbOf.applyAsInt(v);
        int a = c >>> 24;
        if (a == 0) {
          out[py * w + px] = p;
          continue;
        }
        int blended = 0xff000000;
        for (int shift = 0; shift <= 16; shift += 8) {
          double mix = (((p >> shift) & 0xff) * (255.0 - a) + ((c >> shift) & 0xff) * a) / 255;
          blended |= (int) Math.round(mix) << shift;
        }
        out[py * w + px] = blended;
      }
    }
    return out;
  }

  /** The largest difference of a channel (alpha included) between the image and the pixels. */
  private static int worstChannel(BufferedImage image, int[] expected, int[] differing) {
    int w = image.getWidth();
    int worst = 0;
    for (int i = 0; i < expected.length; i++) {
      int a = image.getRGB(i % w, i / w);
      int b = expected[i];
      int d = 0;
      for (int shift = 0; shift <= 24; shift += 8) {
        d = Math.max(d, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
      }
      if (d > 0) {
        differing[0]++;
      }
      worst = Math.max(worst, d);
    }
    return worst;
  }

  @ParameterizedTest
  @EnumSource(Scale.class)
  void fastPathMatchesADoublePrecisionReference(Scale scale) {
    // sizes that don't divide into cells evenly; grids square and not
    int[][] cases = {{517, 311, 100, 100, 0}, {640, 360, 37, 23, 1}, {200, 480, 100, 100, 2}};
    for (int[] c : cases) {
      Options options = new Options(c[4] == 2 ? 0 : 2.5, scale, 0.75, false);
      HeatmapRenderer renderer = new HeatmapRenderer(options);
      BufferedImage shot = randomScreenshot(c[4], c[0], c[1], BufferedImage.TYPE_INT_ARGB);
      HeatmapGrid grid = randomGrid(10 + c[4], c[2], c[3]);

      BufferedImage fast = renderer.render(shot, grid);

      int[] differing = {0};
      assertThat(worstChannel(fast, reference(renderer, options, shot, grid), differing))
          .as("%s %dx%d over a %dx%d grid: worst channel difference", scale, c[0], c[1], c[2], c[3])
          .isLessThanOrEqualTo(1);
      assertThat(differing[0])
          .as("pixels off by one (rounding at a table entry's border only)")
          .isLessThan(c[0] * c[1] / 100);
    }
  }

  @Test
  void fastDifferenceMatchesADoublePrecisionReference() {
    HeatmapRenderer renderer = new HeatmapRenderer(NO_LEGEND);
    BufferedImage shot = randomScreenshot(3, 517, 311, BufferedImage.TYPE_INT_RGB);
    HeatmapGrid a = randomGrid(21, 100, 100);
    HeatmapGrid b = randomGrid(22, 100, 100);

    BufferedImage fast = renderer.renderDifference(shot, a, b, "A", "B");

    int[] differing = {0};
    assertThat(worstChannel(fast, differenceReference(renderer, shot, a, b), differing))
        .isLessThanOrEqualTo(1);
    assertThat(differing[0]).isLessThan(517 * 311 / 100);
  }

  /**
   * Compare with statistics: two samples of the same noise keep (almost) none of their colour; a
   * block that really differs keeps all of it.
   */
  @Test
  void differencesWithinChanceAreFadedAndARealOneIsNot() {
    HeatmapRenderer renderer = new HeatmapRenderer(NO_LEGEND);
    BufferedImage shot = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(5);
    HeatmapGrid a = HeatmapGrid.empty(100, 100);
    HeatmapGrid b = HeatmapGrid.empty(100, 100);
    for (int i = 0; i < 100_000; i++) { // the same uniform behaviour, sampled twice
      a.add(random.nextInt(100), random.nextInt(100), 1);
      b.add(random.nextInt(100), random.nextInt(100), 1);
    }
    int fullNoise = brightest(renderer.renderDifference(shot, a, b, "A", "B"), 0, 0, 400, 400);
    int fadedNoise =
        brightest(
            renderer.renderDifference(
                shot, a, b, "A", "B", null, SignificantDifference.of(a, b, 0.05)),
            0,
            0,
            400,
            400);
    assertThat(fadedNoise).as("noise faded").isLessThan(fullNoise / 4);

    for (int i = 0; i < 5_000; i++) { // a real shift: a block of A at (20..29, 40..49)
      a.add(20 + random.nextInt(10), 40 + random.nextInt(10), 1);
    }
    BufferedImage shifted =
        renderer.renderDifference(shot, a, b, "A", "B", null, SignificantDifference.of(a, b, 0.05));
    assertThat(brightest(shifted, 84, 164, 32, 32))
        .as("the block keeps its colour")
        .isGreaterThan(fullNoise);
    assertThat(brightest(shifted, 260, 260, 100, 100))
        .as("elsewhere faded")
        .isLessThan(fullNoise / 4);
  }

  /** The largest channel value in a region of an image painted over black. */
  private static int brightest(BufferedImage image, int x0, int y0, int w, int h) {
    int max = 0;
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        int rgb = image.getRGB(x, y);
        max = Math.max(max, Math.max((rgb >> 16) & 0xff, Math.max((rgb >> 8) & 0xff, rgb & 0xff)));
      }
    }
    return max;
  }

  @Test
  void blendRoundsExactlyLikeTheFormula() {
    for (int p = 0; p < 256; p++) {
      for (int c = 0; c < 256; c++) {
        for (int a = 0; a < 256; a++) {
          int want = (p * (255 - a) + c * a + 127) / 255;
          int got =
              HeatmapRenderer.blend(
                  (p << 16) | (p << 8) | p,
                  255 - a,
                  ((c * a + 128) << 16) | (c * a + 128),
                  (c * a + 128) << 8);
          if (got != (0xff000000 | (want << 16) | (want << 8) | want)) {
            throw new AssertionError("p=" + p + " c=" + c + " a=" + a + ": " + got);
          }
        }
      }
    }
    // lanes don't leak into each other
    assertThat(HeatmapRenderer.blend(0x00ff00ff, 0, (128 << 16) | 128, (255 * 255 + 128) << 8))
        .isEqualTo(0xff00ff00);
  }

  // --- the reusable buffer ---

  private static int[] pixelsOf(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        BufferedImage.TYPE_INT_ARGB,
        BufferedImage.TYPE_INT_RGB,
        BufferedImage.TYPE_3BYTE_BGR,
        BufferedImage.TYPE_4BYTE_ABGR
      })
  void renderingIntoAReusedBufferGivesAFreshRendersPixels(int type) {
    HeatmapRenderer renderer = new HeatmapRenderer(Options.DEFAULT); // with its legend
    BufferedImage shot = randomScreenshot(5, 480, 270, type);
    if (type == BufferedImage.TYPE_4BYTE_ABGR) {
      shot.setRGB(10, 10, 0x40123456); // a translucent pixel is copied as it is
    }
    HeatmapGrid first = randomGrid(31, 100, 100);
    HeatmapGrid second = HeatmapGrid.empty(100, 100);
    second.add(80, 20, 7); // elsewhere, another max count on the legend
    int[] freshFirst = pixelsOf(renderer.render(shot, first));
    int[] freshSecond = pixelsOf(renderer.render(shot, second));
    BufferedImage buffer = new BufferedImage(480, 270, BufferedImage.TYPE_INT_ARGB);

    assertThat(renderer.render(shot, first, buffer)).isSameAs(buffer);
    assertThat(pixelsOf(buffer)).isEqualTo(freshFirst);
    assertThat(renderer.render(shot, second, buffer)).isSameAs(buffer);
    assertThat(pixelsOf(buffer)).as("nothing left of the first render").isEqualTo(freshSecond);
    renderer.render(shot, first, buffer);
    assertThat(pixelsOf(buffer)).isEqualTo(freshFirst);

    int[] freshDifference = pixelsOf(renderer.renderDifference(shot, first, second, "A", "B"));
    assertThat(renderer.renderDifference(shot, first, second, "A", "B", buffer)).isSameAs(buffer);
    assertThat(pixelsOf(buffer)).isEqualTo(freshDifference);
    renderer.render(shot, HeatmapGrid.empty(100, 100), buffer);
    assertThat(pixelsOf(buffer))
        .as("an empty grid: the screenshot and the legend")
        .isEqualTo(pixelsOf(renderer.render(shot, HeatmapGrid.empty(100, 100))));
  }

  @Test
  void threadsRenderingIntoTheirOwnBuffersGetWhatARenderAloneGets() throws Exception {
    HeatmapRenderer renderer = new HeatmapRenderer(Options.DEFAULT);
    BufferedImage shot = randomScreenshot(10, 320, 180, BufferedImage.TYPE_INT_ARGB);
    HeatmapGrid[] grids = new HeatmapGrid[6];
    int[][] expected = new int[grids.length][];
    for (int i = 0; i < grids.length; i++) {
      grids[i] = randomGrid(60 + i, 100, 100); // each its own max count: its own legend
      expected[i] = pixelsOf(renderer.render(shot, grids[i]));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        results.add(
            pool.submit(
                () -> {
                  BufferedImage buffer = null;
                  boolean same = true;
                  for (int i = 0; i < 3 * grids.length; i++) {
                    int g = (first + i) % grids.length;
                    buffer = renderer.render(shot, grids[g], buffer);
                    same &= Arrays.equals(pixelsOf(buffer), expected[g]);
                  }
                  return same;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aBufferThatCannotHoldTheRenderIsNotUsed() {
    HeatmapRenderer renderer = new HeatmapRenderer(NO_LEGEND);
    BufferedImage shot = randomScreenshot(6, 300, 200, BufferedImage.TYPE_INT_ARGB);
    int[] before = pixelsOf(shot);
    HeatmapGrid grid = randomGrid(41, 100, 100);
    int[] fresh = pixelsOf(renderer.render(shot, grid));
    BufferedImage[] unfit = {
      new BufferedImage(301, 200, BufferedImage.TYPE_INT_ARGB),
      new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB),
      new BufferedImage(400, 300, BufferedImage.TYPE_INT_ARGB).getSubimage(10, 10, 300, 200),
      shot
    };
    for (BufferedImage buffer : unfit) {
      BufferedImage out = renderer.render(shot, grid, buffer);
      assertThat(out).isNotSameAs(buffer).isNotSameAs(shot);
      assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
      assertThat(pixelsOf(out)).isEqualTo(fresh);
    }
    assertThat(pixelsOf(shot)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        BufferedImage.TYPE_INT_ARGB,
        BufferedImage.TYPE_INT_RGB,
        BufferedImage.TYPE_3BYTE_BGR,
      })
  void theScreenshotIsUntouched(int type) {
    HeatmapRenderer renderer = new HeatmapRenderer(Options.DEFAULT);
    BufferedImage shot = randomScreenshot(7, 400, 300, type);
    int[] before = pixelsOf(shot);
    HeatmapGrid a = randomGrid(51, 100, 100);
    HeatmapGrid b = randomGrid(52, 100, 100);

    BufferedImage buffer = renderer.render(shot, a);
    renderer.render(shot, b, buffer);
    renderer.renderDifference(shot, a, b, "A", "B");
    renderer.renderDifference(shot, a, b, "A", "B", buffer);

    assertThat(pixelsOf(shot)).isEqualTo(before);
  }

  @Test
  void toIntArgbKeepsThePixels() {
    BufferedImage argb = randomScreenshot(8, 50, 40, BufferedImage.TYPE_INT_ARGB);
    assertThat(HeatmapRenderer.toIntArgb(argb)).isSameAs(argb);
    BufferedImage bgr = randomScreenshot(8, 50, 40, BufferedImage.TYPE_3BYTE_BGR);
    BufferedImage converted = HeatmapRenderer.toIntArgb(bgr);
    assertThat(converted.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
    assertThat(pixelsOf(converted)).isEqualTo(pixelsOf(bgr));
  }

  @Test
  void theLegendIsCompositedOverTranslucentPixelsAndClippedToSmallImages() {
    HeatmapRenderer renderer = new HeatmapRenderer(Options.DEFAULT);
    BufferedImage clear = new BufferedImage(480, 270, BufferedImage.TYPE_INT_ARGB);
    BufferedImage out = renderer.render(clear, HeatmapGrid.empty(100, 100));
    int barX = 480 - 200 - 24;
    int barY = 270 - 44;
    assertThat(out.getRGB(barX - 5, barY + 5)).as("the panel, as it is").isEqualTo(0xdcffffff);
    assertThat(out.getRGB(barX + 100, barY + 6) >>> 24).as("the bar").isEqualTo(255);
    assertThat(out.getRGB(10, 10)).as("away from the legend").isZero();

    BufferedImage tiny = randomScreenshot(9, 30, 20, BufferedImage.TYPE_INT_RGB);
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    grid.add(50, 50, 3);
    assertThat(renderer.render(tiny, grid).getWidth()).isEqualTo(30);
    assertThat(renderer.renderDifference(tiny, grid, HeatmapGrid.empty(100, 100), "A", "B"))
        .extracting(BufferedImage::getHeight)
        .isEqualTo(20);
  }

  // --- soft edges ---

  @Test
  void opacityRampsUpFromZeroWithoutAJumpAndHotColoursKeepTheirOpacity() {
    int[] lut = new HeatmapRenderer(NO_LEGEND).heatLut();
    int n = HeatmapRenderer.LUT_SIZE;
    assertThat(lut[0]).as("value 0: transparent").isZero();
    int previous = 0;
    for (int i = 1; i < n; i++) {
      int alpha = lut[i] >>> 24;
      assertThat(alpha).as("entry %d", i).isBetween(previous, previous + 2);
      previous = alpha;
      double v = i / (n - 1.0);
      if (v >= HeatmapRenderer.HEAT_EDGE) {
        assertThat(alpha)
            .as("entry %d: the opacity it always had", i)
            .isEqualTo((int) Math.round(0.75 * Math.min(1, 0.25 + v) * 255));
      }
    }
    assertThat(lut[n - 1]).isEqualTo(0xbfff0000); // red at 0.75 opacity

    int[] diff = new HeatmapRenderer(NO_LEGEND).differenceLut();
    assertThat(diff[n]).as("no difference: transparent").isZero();
    for (int side = -1; side <= 1; side += 2) {
      previous = 0;
      for (int i = 1; i <= n; i++) {
        int alpha = diff[n + side * i] >>> 24;
        assertThat(alpha).as("entry %d", side * i).isBetween(previous, previous + 2);
        previous = alpha;
      }
    }
  }

  @Test
  void aHotSpotsEdgeFadesOutToTheScreenshot() {
    HeatmapRenderer renderer = new HeatmapRenderer(NO_LEGEND);
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    grid.add(50, 50, 100);
    BufferedImage black = new BufferedImage(800, 800, BufferedImage.TYPE_INT_RGB);
    BufferedImage white = new BufferedImage(800, 800, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 800; y++) {
      for (int x = 0; x < 800; x++) {
        white.setRGB(x, y, 0xffffff);
      }
    }
    BufferedImage overBlack = renderer.render(black, grid);
    BufferedImage overWhite = renderer.render(white, grid);
    // over white a channel is c·α + 255·(1 - α), over black c·α: their difference is 255·(1 - α)
    int y = 404; // the hot cell's centre row
    int previous = 191; // the hottest colour's opacity, 0.75
    int faint = 0;
    for (int x = 404; x < 800; x++) {
      int alpha =
          255 - (((overWhite.getRGB(x, y) >> 8) & 0xff) - ((overBlack.getRGB(x, y) >> 8) & 0xff));
      assertThat(alpha)
          .as("opacity at x=%d never grows again", x)
          .isLessThanOrEqualTo(previous + 1);
      if (alpha == 0) {
        assertThat(previous).as("opacity before x=%d, where it ends: no cut", x).isLessThan(3);
        break;
      }
      if (alpha < 48) { // below the opacity of value HEAT_EDGE (0.75 × 0.5): the ramp
        faint++;
      }
      previous = alpha;
    }
    assertThat(faint).as("pixels of the faint fringe").isGreaterThanOrEqualTo(6);
    for (int x = 470; x < 800; x++) {
      assertThat(overBlack.getRGB(x, y))
          .as("far from the hot spot: the screenshot")
          .isEqualTo(0xff000000);
    }
  }
}
