package io.heatlab.stack.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.assets.ScreenCatalog;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.time.Duration;

/** Traffic with a fault in the middle, for the fault tests: what every one of them sends. */
public final class FaultTraffic {
  private FaultTraffic() {}

  /** What a fault test does to the stack while traffic flows. */
  public interface Fault {
    void run() throws Exception;
  }

  /**
   * {@code rate} events/s for {@code duration} as {@code client} (write key {@code <client>-key},
   * event times over the last 0.9 h) to {@code urls} (one, or several in turn), {@code fault} 4 s
   * in; asserts that every batch was acknowledged in the end (retries with backoff).
   */
  public static TrafficStats.Snapshot during(
      String urls, String client, int rate, Duration duration, Fault fault) throws Exception {
    TrafficPlan plan =
        TrafficPlan.of(urls, client, client + "-key", ScreenCatalog.load().screens())
            .withClients(10)
            .withRate(rate)
            .withDuration(duration)
            .withBackfillHours(0.9)
            .withMaxInFlight(rate > 2000 ? 128 : 32)
            .withSeed(client.hashCode());
    try (TrafficGenerator generator = new TrafficGenerator(plan)) {
      generator.start(s -> {});
      Thread.sleep(4_000);
      fault.run();
      TrafficStats.Snapshot s = generator.awaitEnd();
      System.out.printf(
          "%s: sent %,d, accepted %,d, answers %s, retries %d, failed batches %d%n",
          client, s.eventsSent(), s.eventsAccepted(), s.byStatus(), s.retries(), s.failedBatches());
      assertThat(s.failedBatches())
          .as("every batch acknowledged in the end (retries with backoff)")
          .isZero();
      return s;
    }
  }
}
