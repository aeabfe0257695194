package io.heatlab.console.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rates and lag over time from successive {@link KafkaSnapshot}s, kept for a window (15 min in the
 * console): per topic partition the produce rate, per group the consume rate and total lag. Pure:
 * the view's charts plot {@link #points()}.
 */
public final class KafkaRates {
  /**
   * One point of the charts: produce rate over all topics, and per group its consume rate and lag.
   */
  public record Point(
      Instant at,
      double producedPerSecond,
      Map<String, Double> consumedPerSecond,
      Map<String, Long> lag) {}

  private final Duration window;
  private final Deque<Point> points = new ArrayDeque<>();
  private KafkaSnapshot previous;
  private Map<String, Double> partitionRates = Map.of();

  public KafkaRates(Duration window) {
    this.window = window;
  }

  /** Adds a snapshot; the first one only sets the baseline. Returns the new point, or null. */
  public Point add(KafkaSnapshot s) {
    KafkaSnapshot p = previous;
    previous = s;
    if (p == null) {
      return null;
    }
    double dt = Math.max(0.001, Duration.between(p.at(), s.at()).toMillis() / 1000.0);
    Map<String, Double> rates = new LinkedHashMap<>();
    double produced = 0;
    for (var e : s.endOffsets().entrySet()) {
      Long before = p.endOffsets().get(e.getKey());
      double r = before == null ? 0 : Math.max(0, e.getValue() - before) / dt;
      rates.put(e.getKey(), r);
      if (!e.getKey().startsWith("_") && !e.getKey().startsWith("connect-")) {
        produced += r; // Connect's own config/offset/status topics are bookkeeping, not traffic
      }
    }
    partitionRates = rates;
    Map<String, Double> consumed = new LinkedHashMap<>();
    Map<String, Long> lag = new LinkedHashMap<>();
    for (String group : s.committed().keySet()) {
      long moved = 0;
      Map<String, Long> was = p.committed().getOrDefault(group, Map.of());
      for (var e : s.committed().get(group).entrySet()) {
        Long before = was.get(e.getKey());
        moved += before == null ? 0 : Math.max(0, e.getValue() - before);
      }
      consumed.put(group, moved / dt);
      lag.put(group, s.lag(group));
    }
    Point point = new Point(s.at(), produced, consumed, lag);
    points.addLast(point);
    while (!points.isEmpty() && points.peekFirst().at().isBefore(s.at().minus(window))) {
      points.removeFirst();
    }
    return point;
  }

  /** Records appended per second to a {@code topic-partition} over the last interval. */
  public double rate(String partition) {
    return partitionRates.getOrDefault(partition, 0.0);
  }

  public Deque<Point> points() {
    return points;
  }

  public Set<String> groups() {
    Set<String> g = new TreeSet<>();
    points.forEach(p -> g.addAll(p.lag().keySet()));
    return g;
  }
}
