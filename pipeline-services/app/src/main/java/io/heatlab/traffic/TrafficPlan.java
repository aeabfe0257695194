package io.heatlab.traffic;

import io.heatlab.assets.Screen;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What the traffic generator sends: {@link #of} with the defaults, then {@code with…} for what
 * differs.
 *
 * @param baseUrl the ingestion server, e.g. http://127.0.0.1:18080, or several separated by commas
 *     (requests go to each in turn)
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

  /**
   * A plan for {@code clientId} (writing with {@code writeKey}) over {@code screens}, with the
   * defaults: 20 virtual clients, 2,000 events/s in batches of 50, until stopped, steady, event
   * times now, 5 % clicks, 64 requests in flight, a fresh seed (batch ids of an earlier run would
   * be answered as duplicates). Change any with the {@code with…} methods.
   */
  public static TrafficPlan of(
      String baseUrl, String clientId, String writeKey, List<Screen> screens) {
    return new TrafficPlan(
        baseUrl,
        clientId,
        writeKey,
        screens,
        20,
        2000,
        50,
        null,
        null,
        0,
        0.05,
        64,
        System.currentTimeMillis());
  }

  public TrafficPlan withClients(int n) {
    return with(b -> b.virtualClients = n);
  }

  public TrafficPlan withRate(int eventsPerSecond) {
    return with(b -> b.eventsPerSecond = eventsPerSecond);
  }

  public TrafficPlan withBatchSize(int events) {
    return with(b -> b.batchSize = events);
  }

  public TrafficPlan withDuration(Duration d) {
    return with(b -> b.duration = d);
  }

  public TrafficPlan withBurst(Burst burst) {
    return with(b -> b.burst = burst);
  }

  public TrafficPlan withBackfillHours(double hours) {
    return with(b -> b.backfillHours = hours);
  }

  public TrafficPlan withClickRatio(double ratio) {
    return with(b -> b.clickRatio = ratio);
  }

  public TrafficPlan withMaxInFlight(int requests) {
    return with(b -> b.maxInFlight = requests);
  }

  public TrafficPlan withSeed(long seed) {
    return with(b -> b.seed = seed);
  }

  /** A copy with {@code change} applied to its settings (validated again). */
  private TrafficPlan with(Consumer<Settings> change) {
    Settings b = new Settings(this);
    change.accept(b);
    return new TrafficPlan(
        baseUrl,
        clientId,
        writeKey,
        screens,
        b.virtualClients,
        b.eventsPerSecond,
        b.batchSize,
        b.duration,
        b.burst,
        b.backfillHours,
        b.clickRatio,
        b.maxInFlight,
        b.seed);
  }

  /** The settings a {@code with…} changes, copied from a plan. */
  private static final class Settings {
    int virtualClients;
    int eventsPerSecond;
    int batchSize;
    Duration duration;
    Burst burst;
    double backfillHours;
    double clickRatio;
    int maxInFlight;
    long seed;

    Settings(TrafficPlan p) {
      virtualClients = p.virtualClients;
      eventsPerSecond = p.eventsPerSecond;
      batchSize = p.batchSize;
      duration = p.duration;
      burst = p.burst;
      backfillHours = p.backfillHours;
      clickRatio = p.clickRatio;
      maxInFlight = p.maxInFlight;
      seed = p.seed;
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
