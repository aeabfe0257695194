package io.heatlab.olap;

import java.util.Collection;

/**
 * One rollup row of a window: events of one (client, screen, type, viewport class) in one grid
 * cell; {@code viewportClass} as {@code ViewportClass.id()} writes it.
 */
public record CellCount(
    String clientId,
    String screenId,
    String eventType,
    String viewportClass,
    int cellX,
    int cellY,
    long count) {

  /** Σ count of {@code cells}: the events they hold. */
  public static long total(Collection<CellCount> cells) {
    return cells.stream().mapToLong(CellCount::count).sum();
  }
}
