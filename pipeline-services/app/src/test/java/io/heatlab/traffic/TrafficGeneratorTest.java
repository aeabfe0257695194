package io.heatlab.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.heatlab.assets.ScreenCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator against a plain HTTP server that refuses with 503 + Retry-After for a while, as
 * ingestion does while Kafka fails over: a batch sent before the plan's duration ends keeps its
 * retries after it (a page's snippet does too), and an explicit stop gives them up.
 */
class TrafficGeneratorTest {
  private HttpServer server;

  /** Requests are refused for this long after the first one arrived (MAX_VALUE: always). */
  private volatile long refuseForNanos;

  private final AtomicLong firstRequestNanos = new AtomicLong();
  private final AtomicInteger refused = new AtomicInteger();

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/batches",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          long now = System.nanoTime();
          firstRequestNanos.compareAndSet(0, now);
          boolean refuse = now - firstRequestNanos.get() < refuseForNanos;
          if (refuse) {
            refused.incrementAndGet();
            exchange.getResponseHeaders().add("Retry-After", "1");
          }
          byte[] body = (refuse ? "{\"error\":\"unavailable\"}" : "{}").getBytes();
          exchange.sendResponseHeaders(refuse ? 503 : 202, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private TrafficPlan plan(Duration duration) throws IOException {
    return TrafficPlan.of(
            "http://127.0.0.1:" + server.getAddress().getPort(),
            "acme",
            "acme-key",
            ScreenCatalog.load().screens())
        .withRate(500)
        .withDuration(duration)
        .withSeed(7);
  }

  @Test
  void batchesRefusedAsTheDurationEndsAreRetriedUntilAcceptedNotGivenUp() throws Exception {
    // from the first request on, for 1.5 s past the end of the plan's 1 s, however late it starts
    refuseForNanos = Duration.ofMillis(2_500).toNanos();
    try (TrafficGenerator generator = new TrafficGenerator(plan(Duration.ofSeconds(1)))) {
      generator.start(s -> {});
      TrafficStats.Snapshot s = generator.awaitEnd();
      assertThat(refused.get()).isPositive();
      assertThat(s.retries()).isPositive();
      assertThat(s.failedBatches()).as("given up").isZero();
      assertThat(s.eventsSent()).isPositive();
      assertThat(s.eventsAccepted()).isEqualTo(s.eventsSent());
    }
  }

  @Test
  void anExplicitStopGivesUpTheBatchesWaitingForARetry() throws Exception {
    refuseForNanos = Long.MAX_VALUE; // never accepted
    try (TrafficGenerator generator = new TrafficGenerator(plan(null))) {
      generator.start(s -> {});
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (refused.get() == 0 && System.nanoTime() < deadline) { // a batch waits for its retry
        Thread.sleep(50);
      }
      TrafficStats.Snapshot s = generator.stop();
      assertThat(s.eventsSent()).isPositive();
      assertThat(s.eventsAccepted()).isZero();
      assertThat(s.failedBatches()).as("every batch sent, given up").isPositive();
    }
  }
}
