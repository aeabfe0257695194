package io.heatlab.console.heatmaps;

import io.heatlab.contract.ViewportClass;
import io.heatlab.olap.Granularity;
import io.heatlab.query.HeatmapService;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.render.HeatmapRenderer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the Heatmaps view asks for, as the operator typed it — client, screen, event types, viewport
 * class (a heatmap never mixes layouts), hour range (labels like {@code 2026-11-25T10}, the "to"
 * hour included), rendering options and an optional B to compare with — another period, or another
 * event type over the same hours — turned into service requests with a clear message on bad input.
 * Pure, tested without a toolkit, like {@link #cellAt} and {@link #coverage}.
 */
public record HeatmapRequest(
    String client,
    String screen,
    boolean moves,
    boolean clicks,
    ViewportClass viewport,
    String from,
    String to,
    double radius,
    HeatmapRenderer.Scale scale,
    double opacity,
    String compareFrom,
    String compareTo,
    String compareType) {

  /** Whether B is drawn: another period, or another event type over the same hours. */
  public boolean comparing() {
    return byType() || (compareFrom != null && !compareFrom.isBlank());
  }

  /** Whether B is {@code compareType}'s events over A's hours (not another period). */
  public boolean byType() {
    return compareType != null && !compareType.isBlank();
  }

  /** B in words: "click events" or "2026-11-18T00 … 2026-11-18T23". */
  public String bLabel() {
    return byType() ? compareType + " events" : compareFrom + " … " + compareUntil();
  }

  public List<String> types() {
    List<String> t = new ArrayList<>();
    if (moves) {
      t.add("move");
    }
    if (clicks) {
      t.add("click");
    }
    return t;
  }

  /** Period A. Throws IllegalArgumentException with what to fix. */
  public HeatmapService.Request a() {
    return request(from, to, types());
  }

  /** Period B of compare mode. */
  /**
   * Period B's last hour: {@code compareTo}, or B's first hour when it is left empty (one hour).
   */
  public String compareUntil() {
    return compareTo == null || compareTo.isBlank() ? compareFrom : compareTo;
  }

  /** Period B, or the type B over A's hours. */
  public HeatmapService.Request b() {
    if (byType()) {
      if (!List.of("move", "click").contains(compareType)) {
        throw new IllegalArgumentException("compare with move or click events, not " + compareType);
      }
      return request(from, to, List.of(compareType));
    }
    return request(compareFrom, compareUntil(), types());
  }

  private HeatmapService.Request request(String fromLabel, String toLabel, List<String> types) {
    if (client == null || client.isBlank()) {
      throw new IllegalArgumentException("choose a client");
    }
    if (screen == null || screen.isBlank()) {
      throw new IllegalArgumentException("choose a screen");
    }
    if (!moves && !clicks) {
      throw new IllegalArgumentException("tick at least one event type (moves, clicks)");
    }
    Instant f = Granularity.HOURLY.parse(fromLabel.strip());
    Instant t = Granularity.HOURLY.end(Granularity.HOURLY.parse(toLabel.strip()));
    return new HeatmapService.Request(client, screen, types, viewport, f, t);
  }

  public HeatmapRenderer.Options options() {
    return new HeatmapRenderer.Options(radius, scale, opacity, true);
  }

  /**
   * The grid cell under a point of an image shown at {@code viewWidth × viewHeight}, or null
   * outside.
   */
  public static int[] cellAt(
      HeatmapGrid grid, double x, double y, double viewWidth, double viewHeight) {
    if (x < 0 || y < 0 || x >= viewWidth || y >= viewHeight || viewWidth <= 0 || viewHeight <= 0) {
      return null;
    }
    return new int[] {
      Math.min(grid.width() - 1, (int) (x / viewWidth * grid.width())),
      Math.min(grid.height() - 1, (int) (y / viewHeight * grid.height()))
    };
  }

  /** One hour of the coverage strip. */
  public record CoverageHour(Instant hour, boolean rolledUp) {}

  /** The hours of [from, to): each marked rolled up unless it is among {@code missing}. */
  public static List<CoverageHour> coverage(Instant from, Instant to, Set<Instant> missing) {
    List<CoverageHour> hours = new ArrayList<>();
    for (Instant h : Granularity.HOURLY.windows(from, to)) {
      hours.add(new CoverageHour(h, !missing.contains(h)));
    }
    return hours;
  }

  /**
   * "2 weekly, 3 daily and 5 hourly windows", coarsest first; "no window" when nothing was read.
   */
  public static String describeWindows(Map<Granularity, Integer> read) {
    List<String> parts = new ArrayList<>();
    for (Granularity g : List.of(Granularity.WEEKLY, Granularity.DAILY, Granularity.HOURLY)) {
      int n = read.getOrDefault(g, 0);
      if (n > 0) {
        parts.add(n + " " + g.name().toLowerCase(Locale.ROOT));
      }
    }
    if (parts.isEmpty()) {
      return "no window";
    }
    String list =
        parts.size() == 1
            ? parts.get(0)
            : String.join(", ", parts.subList(0, parts.size() - 1))
                + " and "
                + parts.get(parts.size() - 1);
    return list
        + (read.values().stream().mapToInt(Integer::intValue).sum() == 1 ? " window" : " windows");
  }
}
