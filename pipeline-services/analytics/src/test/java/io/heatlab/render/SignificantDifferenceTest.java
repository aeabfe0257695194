package io.heatlab.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * The significance compare's statistics against independent computations, and what it shows on
 * generated counts: almost nothing for two samples of the same behaviour, the shifted area for a
 * real shift.
 */
class SignificantDifferenceTest {

  @Test
  void theZTestMatchesATextbookValueAndPearsonsChiSquareOnTheSameTable() {
    // 50 of 100 against 30 of 100: z = 0.2 / sqrt(0.4 × 0.6 × 0.02) = 2.8868, p = 0.003892
    assertThat(SignificantDifference.twoProportionP(50, 100, 30, 100))
        .isCloseTo(0.003892, within(1e-6));
    ChiSquareTest chi = new ChiSquareTest();
    long[][][] tables = {
      {{50, 50}, {30, 70}},
      {{3, 997}, {12, 1988}},
      {{140, 99_860}, {95, 49_905}},
      {{7, 20}, {7, 20}}
    };
    for (long[][] t : tables) {
      double x1 = t[0][0];
      double n1 = t[0][0] + t[0][1];
      double x2 = t[1][0];
      double n2 = t[1][0] + t[1][1];
      // a 2×2 table's chi-square without continuity correction is the pooled z-test squared
      assertThat(SignificantDifference.twoProportionP(x1, n1, x2, n2))
          .as(Arrays.deepToString(t))
          .isCloseTo(chi.chiSquareTest(t), within(1e-9));
    }
  }

  @Test
  void benjaminiHochbergMatchesTheAdjustedPValuesComputedAnotherWay() {
    Random random = new Random(7);
    HeatmapGrid a = HeatmapGrid.empty(40, 40);
    HeatmapGrid b = HeatmapGrid.empty(40, 40);
    for (int i = 0; i < 1600; i++) {
      int x = i % 40;
      int y = i / 40;
      a.add(x, y, random.nextInt(60));
      b.add(x, y, random.nextInt(60) + (x < 8 ? 25 : 0)); // a real difference in a band
    }
    SignificantDifference d = SignificantDifference.of(a, b, 0.05);
    // adjusted p-values: p(i) × m / i, made monotone from the largest down; significant ⇔ ≤ q
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < 1600; i++) {
      if (a.counts()[i] + b.counts()[i] > 0) {
        idx.add(i);
      }
    }
    idx.sort((i, j) -> Double.compare(d.pValue()[i], d.pValue()[j]));
    int m = idx.size();
    double[] adjusted = new double[1600];
    Arrays.fill(adjusted, 1);
    double running = 1;
    for (int r = m; r >= 1; r--) {
      int cell = idx.get(r - 1);
      running = Math.min(running, d.pValue()[cell] * m / r);
      adjusted[cell] = running;
    }
    for (int i = 0; i < 1600; i++) {
      assertThat(d.significant()[i]).as("cell %d", i).isEqualTo(adjusted[i] <= 0.05);
    }
    assertThat(d.tested()).isEqualTo(m);
    assertThat(d.discoveries()).isPositive();
  }

  /** Two samples of 200,000 events from the same clustered behaviour: noise paints nothing. */
  @Test
  void twoSamplesOfTheSameBehaviourShowAlmostNothing() {
    double[] behaviour = clustered();
    Random random = new Random(42);
    HeatmapGrid a = sample(behaviour, 200_000, random);
    HeatmapGrid b = sample(behaviour, 150_000, random);
    SignificantDifference d = SignificantDifference.of(a, b, 0.05);
    double maxShare = Arrays.stream(d.share()).map(Math::abs).max().orElse(0);
    System.out.printf(
        "same behaviour: %s (largest share difference %.4f%%, painted in full before)%n",
        d.describe(), maxShare * 100);
    assertThat(d.tested()).isGreaterThan(5_000);
    assertThat(d.discoveries())
        .as("almost no cell significant (FDR controls the noise)")
        .isLessThanOrEqualTo(d.tested() / 1000);
  }

  /** 8 % of A's events moved into a 10 × 10 block: the block is what shows. */
  @Test
  void aRealShiftShowsWhereItIs() {
    double[] behaviour = clustered();
    Random random = new Random(43);
    HeatmapGrid a = sample(behaviour, 184_000, random);
    HeatmapGrid b = sample(behaviour, 200_000, random);
    for (int i = 0; i < 16_000; i++) { // the shift: clicks on a new block at (60..69, 20..29)
      a.add(60 + random.nextInt(10), 20 + random.nextInt(10), 1);
    }
    SignificantDifference d = SignificantDifference.of(a, b, 0.05);
    int inBlock = 0;
    int outside = 0;
    for (int y = 0; y < 100; y++) {
      for (int x = 0; x < 100; x++) {
        if (d.significant()[y * 100 + x]) {
          if (x >= 60 && x < 70 && y >= 20 && y < 30) {
            inBlock++;
          } else {
            outside++;
          }
        }
      }
    }
    System.out.printf(
        "a real shift: %s — %d of the block's 100 cells, %d elsewhere%n",
        d.describe(), inBlock, outside);
    assertThat(inBlock).as("the shifted block").isGreaterThanOrEqualTo(95);
    // elsewhere A's shares are all 8 % lower (its events went to the block): the dense cells of
    // the clusters may show that real, smaller difference; most cells do not
    assertThat(outside).isLessThan(d.tested() / 10);
  }

  /** A 100 × 100 behaviour: two hot clusters over a light uniform floor (sums to 1). */
  private static double[] clustered() {
    double[] w = new double[10_000];
    for (int y = 0; y < 100; y++) {
      for (int x = 0; x < 100; x++) {
        double c1 = Math.exp(-((x - 30) * (x - 30) + (y - 40) * (y - 40)) / 200.0);
        double c2 = Math.exp(-((x - 70) * (x - 70) + (y - 70) * (y - 70)) / 120.0);
        w[y * 100 + x] = 0.05 + c1 + 0.6 * c2;
      }
    }
    double sum = Arrays.stream(w).sum();
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    return w;
  }

  private static HeatmapGrid sample(double[] p, int events, Random random) {
    double[] cdf = new double[p.length];
    double acc = 0;
    for (int i = 0; i < p.length; i++) {
      acc += p[i];
      cdf[i] = acc;
    }
    HeatmapGrid g = HeatmapGrid.empty(100, 100);
    for (int e = 0; e < events; e++) {
      int i = Arrays.binarySearch(cdf, random.nextDouble() * acc);
      int cell = Math.min(p.length - 1, i < 0 ? -i - 1 : i);
      g.add(cell % 100, cell / 100, 1);
    }
    return g;
  }
}
