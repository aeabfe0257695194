package io.heatlab.render;

import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.math3.special.Erf;

/**
 * Which cells of two heatmaps differ by more than chance: for each cell, A's share of A's events
 * against B's share of B's, a <b>two-proportion z-test</b> (pooled, two-sided: is the cell's
 * probability the same in both?), over every cell with an event in either, then the
 * <b>Benjamini–Hochberg</b> step-up procedure at false-discovery rate {@code q}: among the cells
 * called significant, at most a fraction {@code q} are expected to be noise, whatever the number of
 * cells tested. Two quiet periods drawn from the same behaviour then show (almost) nothing; a real
 * shift shows where it is.
 *
 * <p>Counts are raw (not smoothed): each event is one trial of "lands in this cell". A cell with
 * too few events to tell is simply not significant.
 *
 * @param share per cell, A's share minus B's (0 when a grid is empty)
 * @param pValue per cell, the test's two-sided p-value (1 for a cell with no event)
 * @param significant per cell, whether it is a discovery at rate {@code q}
 * @param q the false-discovery rate
 * @param tested how many cells were tested (an event in A or B)
 * @param discoveries how many are significant
 */
public record SignificantDifference(
    double[] share, double[] pValue, boolean[] significant, double q, int tested, int discoveries) {

  /** The default false-discovery rate: 5 %. */
  public static final double DEFAULT_Q = 0.05;

  /** Tests every cell of {@code a} against the same cell of {@code b} at false-discovery rate q. */
  public static SignificantDifference of(HeatmapGrid a, HeatmapGrid b, double q) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new IllegalArgumentException("grids differ in size");
    }
    if (!(q > 0 && q < 1)) {
      throw new IllegalArgumentException("the false-discovery rate must be in (0, 1), not " + q);
    }
    long[] ca = a.counts();
    long[] cb = b.counts();
    double na = a.total();
    double nb = b.total();
    int n = ca.length;
    double[] share = new double[n];
    double[] p = new double[n];
    Arrays.fill(p, 1.0);
    int tested = 0;
    for (int i = 0; i < n; i++) {
      double pa = na == 0 ? 0 : ca[i] / na;
      double pb = nb == 0 ? 0 : cb[i] / nb;
      share[i] = pa - pb;
      if (ca[i] + cb[i] > 0) {
        tested++;
        p[i] = na == 0 || nb == 0 ? 1.0 : twoProportionP(ca[i], na, cb[i], nb);
      }
    }
    boolean[] significant = benjaminiHochberg(p, ca, cb, q);
    int discoveries = 0;
    for (boolean s : significant) {
      discoveries += s ? 1 : 0;
    }
    return new SignificantDifference(share, p, significant, q, tested, discoveries);
  }

  /**
   * The two-sided p-value of a pooled two-proportion z-test: {@code x1} of {@code n1} against
   * {@code x2} of {@code n2}.
   */
  static double twoProportionP(double x1, double n1, double x2, double n2) {
    double pooled = (x1 + x2) / (n1 + n2);
    double se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
    if (se == 0) {
      return 1.0; // the cell holds every event of both, or none: no evidence of a difference
    }
    double z = (x1 / n1 - x2 / n2) / se;
    return Erf.erfc(Math.abs(z) / Math.sqrt(2)); // 2 × (1 − Φ(|z|))
  }

  /**
   * The Benjamini–Hochberg step-up procedure over the tested cells (an event in A or B): sort their
   * p-values, find the largest rank k with p(k) ≤ k/m · q, call the k smallest significant.
   */
  private static boolean[] benjaminiHochberg(double[] p, long[] ca, long[] cb, double q) {
    int m = 0;
    for (int i = 0; i < p.length; i++) {
      m += ca[i] + cb[i] > 0 ? 1 : 0;
    }
    boolean[] significant = new boolean[p.length];
    if (m == 0) {
      return significant;
    }
    double[] tested = new double[m];
    int j = 0;
    for (int i = 0; i < p.length; i++) {
      if (ca[i] + cb[i] > 0) {
        tested[j++] = p[i];
      }
    }
    Arrays.sort(tested);
    double threshold = -1;
    for (int k = m; k >= 1; k--) {
      if (tested[k - 1] <= (double) k / m * q) {
        threshold = tested[k - 1];
        break;
      }
    }
    for (int i = 0; i < p.length; i++) {
      significant[i] = ca[i] + cb[i] > 0 && p[i] <= threshold;
    }
    return significant;
  }

  /** What a legend or an answer says of the test. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "two-proportion z-test per cell, Benjamini–Hochberg FDR %s%%: %d of %d cells significant",
        trim(q * 100),
        discoveries,
        tested);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
