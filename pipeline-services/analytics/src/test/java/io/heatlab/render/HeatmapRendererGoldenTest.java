package io.heatlab.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Golden images: a fixed grid over a fixed 800×450 background rendered linear, log and as a
 * comparison must match the PNGs under src/test/resources/golden/ within a small tolerance (a
 * channel may differ by 3, and at most 0.1% of pixels more than that: font rasterisation of the
 * legend varies a little between JDKs). Regenerate after an intended change: {@code
 * -Dheatlab.golden.update=true} (then look at the PNGs). The same images rendered one after the
 * other into one reused buffer must match them too.
 */
class HeatmapRendererGoldenTest {

  static HeatmapGrid grid(long seed) {
    HeatmapGrid g = HeatmapGrid.empty(100, 100);
    Random r = new Random(seed);
    for (int i = 0; i < 4000; i++) { // two hot spots and a floor of noise
      g.add(
          (int) Math.min(99, Math.max(0, 30 + r.nextGaussian() * 6)),
          (int) Math.min(99, Math.max(0, 40 + r.nextGaussian() * 5)),
          1);
      g.add(
          (int) Math.min(99, Math.max(0, 70 + r.nextGaussian() * 4)),
          (int) Math.min(99, Math.max(0, 65 + r.nextGaussian() * 8)),
          1);
      g.add(r.nextInt(100), r.nextInt(100), 1);
    }
    return g;
  }

  static BufferedImage background() {
    BufferedImage b = new BufferedImage(800, 450, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 450; y++) {
      for (int x = 0; x < 800; x++) {
        int v = 200 + (x / 50 + y / 50) % 2 * 30;
        b.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return b;
  }

  @Test
  void linearLogAndCompareMatchTheirGoldenImages() throws Exception {
    HeatmapRenderer linear =
        new HeatmapRenderer(
            new HeatmapRenderer.Options(2.5, HeatmapRenderer.Scale.LINEAR, 0.75, true));
    HeatmapRenderer log =
        new HeatmapRenderer(new HeatmapRenderer.Options(4, HeatmapRenderer.Scale.LOG, 0.6, true));
    BufferedImage bg = background();
    check("linear", linear.render(bg, grid(1)));
    check("log", log.render(bg, grid(1)));
    check("compare", linear.renderDifference(bg, grid(1), grid(2), "A", "B"));
  }

  @Test
  void renderingIntoOneReusedBufferMatchesTheSameGoldenImages() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("heatlab.golden.update"));
    HeatmapRenderer linear =
        new HeatmapRenderer(
            new HeatmapRenderer.Options(2.5, HeatmapRenderer.Scale.LINEAR, 0.75, true));
    HeatmapRenderer log =
        new HeatmapRenderer(new HeatmapRenderer.Options(4, HeatmapRenderer.Scale.LOG, 0.6, true));
    BufferedImage bg = HeatmapRenderer.toIntArgb(background());
    BufferedImage buffer = linear.renderDifference(bg, grid(1), grid(2), "A", "B", null);
    check("compare", buffer);
    check("log", log.render(bg, grid(1), buffer));
    check("linear", linear.render(bg, grid(1), buffer));
    check("compare", linear.renderDifference(bg, grid(1), grid(2), "A", "B", buffer));
  }

  private static void check(String name, BufferedImage actual) throws Exception {
    if (Boolean.getBoolean("heatlab.golden.update")) {
      Path file = Path.of("src/test/resources/golden/heatmap-" + name + ".png");
      Files.createDirectories(file.getParent());
      ImageIO.write(actual, "png", file.toFile());
      return;
    }
    BufferedImage golden;
    try (InputStream in =
        HeatmapRendererGoldenTest.class.getResourceAsStream("/golden/heatmap-" + name + ".png")) {
      assertThat(in)
          .as("golden/heatmap-%s.png (generate with -Dheatlab.golden.update=true)", name)
          .isNotNull();
      golden = ImageIO.read(in);
    }
    assertThat(actual.getWidth()).isEqualTo(golden.getWidth());
    assertThat(actual.getHeight()).isEqualTo(golden.getHeight());
    long off = 0;
    int worst = 0;
    for (int y = 0; y < golden.getHeight(); y++) {
      for (int x = 0; x < golden.getWidth(); x++) {
        int a = actual.getRGB(x, y);
        int b = golden.getRGB(x, y);
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
          d = Math.max(d, Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)));
        }
        worst = Math.max(worst, d);
        if (d > 3) {
          off++;
        }
      }
    }
    assertThat(off)
        .as("%s: pixels off by more than 3 (worst %d)", name, worst)
        .isLessThanOrEqualTo(golden.getWidth() * (long) golden.getHeight() / 1000);
  }
}
