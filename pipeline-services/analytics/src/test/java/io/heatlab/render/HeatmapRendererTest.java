package io.heatlab.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.assets.Screen;
import io.heatlab.assets.ScreenCatalog;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

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
}
