package io.heatlab.render;

/**
 * Counts on the heatmap grid (docs/architecture.md §2: a cell is {@code min(size-1,
 * floor(v*size))}), row-major, {@code counts[y * width + x]}.
 */
public record HeatmapGrid(int width, int height, long[] counts) {
  /** The contract's grid: 100 × 100. */
  public static final int SIZE = 100;

  /**
   * The cell of a normalised coordinate {@code v} in [0, 1]: {@code min(99, floor(v * 100))}, the
   * grid of docs/architecture.md §2 (the rollup job's {@code cell} column).
   */
  public static int cellOf(double v) {
    return Math.min(SIZE - 1, (int) Math.floor(v * SIZE));
  }

  public HeatmapGrid {
    if (width < 1 || height < 1 || counts.length != width * height) {
      throw new IllegalArgumentException(
          "a " + width + "×" + height + " grid needs " + (width * height) + " counts");
    }
  }

  public static HeatmapGrid empty(int width, int height) {
    return new HeatmapGrid(width, height, new long[width * height]);
  }

  public void add(int x, int y, long count) {
    counts[y * width + x] += count;
  }

  public long at(int x, int y) {
    return counts[y * width + x];
  }

  public long total() {
    long t = 0;
    for (long c : counts) {
      t += c;
    }
    return t;
  }

  public long max() {
    long m = 0;
    for (long c : counts) {
      m = Math.max(m, c);
    }
    return m;
  }
}
