package io.heatlab.traffic;

import io.heatlab.assets.Screen;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the traffic generator sends.
 *
 * @param baseUrl the ingestion server, e.g. http://127.0.0.1:18080
 * @param virtualClients simulated page sessions sending in turn (each with its own session_id and
 *     screen)
 * @param eventsPerSecond target rate; 0 = as fast as {@code maxInFlight} concurrent requests allow
 * @param batchSize events per batch (the simulator page flushes at 50)
 * @param duration how long to run; null = until stopped
 * @param burst optional periodic bursts; null = steady
 * @param backfillHours 0 = event times are now; H &gt; 0 = spread uniformly over the last H hours
 * @param clickRatio share of events that are clicks
 * @param maxInFlight most requests outstanding at once
 */
public record TrafficPlan(
    String baseUrl,
    String clientId,
    String writeKey,
    List<Screen> screens,
    int virtualClients,
    int eventsPerSecond,
    int batchSize,
    Duration duration,
    Burst burst,
    double backfillHours,
    double clickRatio,
    int maxInFlight,
    long seed) {

  /** Every {@code every}, for {@code length}, the rate is multiplied by {@code factor}. */
  public record Burst(double factor, Duration length, Duration every) {
    /** Parses {@code 3x10s/60s}: 3× the rate for 10 s every 60 s. */
    public static Burst parse(String spec) {
      var m = Pattern.compile("(\\d+(?:\\.\\d+)?)x(\\d+)s/(\\d+)s").matcher(spec.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "burst '" + spec + "' is not FACTORxLENGTHs/PERIODs, e.g. 3x10s/60s");
      }
      Burst b =
          new Burst(
              Double.parseDouble(m.group(1)),
              Duration.ofSeconds(Long.parseLong(m.group(2))),
              Duration.ofSeconds(Long.parseLong(m.group(3))));
      if (b.factor() <= 0 || b.length().compareTo(b.every()) > 0) {
        throw new IllegalArgumentException(
            "burst '" + spec + "': factor must be > 0 and length ≤ period");
      }
      return b;
    }

    double factorAt(long elapsedNanos) {
      return elapsedNanos % every.toNanos() < length.toNanos() ? factor : 1.0;
    }
  }

  public TrafficPlan {
    if (screens.isEmpty()) {
      throw new IllegalArgumentException("no screens to send traffic for");
    }
    if (virtualClients < 1 || batchSize < 1 || maxInFlight < 1 || eventsPerSecond < 0) {
      throw new IllegalArgumentException(
          "clients, batch size and in-flight must be ≥ 1, the rate ≥ 0");
    }
    if (backfillHours < 0 || backfillHours > 24 * 7 - 1) {
      throw new IllegalArgumentException(
          "backfill hours must be within [0, 167] (ingestion accepts 7 days)");
    }
  }
}
