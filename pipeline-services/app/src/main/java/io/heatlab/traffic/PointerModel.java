package io.heatlab.traffic;

import io.heatlab.assets.Screen;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws realistic pointer positions for a screen: a hot spot chosen by weight, then a Gaussian
 * around it, clamped to the image. Clicks are drawn from the clickable hot spots only, tighter
 * around their centre.
 */
final class PointerModel {
  private final List<Screen.Hotspot> all;
  private final double[] cumulative;
  private final List<Screen.Hotspot> clickable;
  private final double[] clickCumulative;

  PointerModel(Screen screen) {
    this.all = screen.hotspots();
    this.cumulative = cumulative(all);
    List<Screen.Hotspot> c = all.stream().filter(Screen.Hotspot::clickable).toList();
    this.clickable = c.isEmpty() ? all : c;
    this.clickCumulative = cumulative(clickable);
  }

  private static double[] cumulative(List<Screen.Hotspot> spots) {
    double[] c = new double[spots.size()];
    double sum = 0;
    for (int i = 0; i < spots.size(); i++) {
      sum += Math.max(0, spots.get(i).weight());
      c[i] = sum;
    }
    return c;
  }

  /** Writes x into xy[0] and y into xy[1]. */
  void move(SplittableRandom random, double[] xy) {
    draw(all.get(pick(cumulative, random)), 1.0, random, xy);
  }

  void click(SplittableRandom random, double[] xy) {
    draw(clickable.get(pick(clickCumulative, random)), 0.5, random, xy);
  }

  private static int pick(double[] cumulative, SplittableRandom random) {
    double r = random.nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  private static void draw(Screen.Hotspot h, double spread, SplittableRandom random, double[] xy) {
    xy[0] = clamp(h.x() + gaussian(random) * h.sx() * spread);
    xy[1] = clamp(h.y() + gaussian(random) * h.sy() * spread);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
