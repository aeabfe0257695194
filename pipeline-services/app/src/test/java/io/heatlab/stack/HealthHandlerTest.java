package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.http.HeatlabHttpServer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /healthz} on a real Jetty: callers on this machine see the parts, others the status alone;
 * a burst of requests shares the probes.
 */
class HealthHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicInteger PROBES = new AtomicInteger();
  private static HeatlabHttpServer server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    port = FreePorts.next();
    server =
        new HeatlabHttpServer("0.0.0.0", port)
            .route(
                "/healthz",
                new HealthHandler(
                    () -> {
                      PROBES.incrementAndGet();
                      return List.of(
                          PartHealth.healthy("kafka", "127.0.0.1:9092", "pid 4242"),
                          PartHealth.unhealthy("clickhouse", "127.0.0.1:8123", "not answering"));
                    },
                    () -> Map.of("accepted_events", 7)));
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  private static HttpResponse<String> get(String host) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void callersOnThisMachineSeeThePartsOthersTheStatusAlone() throws Exception {
    HttpResponse<String> local = get("127.0.0.1");
    assertThat(local.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(local.body());
    assertThat(body.path("status").asText()).isEqualTo("unhealthy");
    assertThat(body.path("parts")).hasSize(2);
    assertThat(body.path("ingest").path("accepted_events").asInt()).isEqualTo(7);

    Optional<InetAddress> outside = nonLoopbackAddress();
    Assumptions.assumeTrue(outside.isPresent(), "this machine has a non-loopback IPv4 address");
    HttpResponse<String> remote = get(outside.get().getHostAddress());
    assertThat(remote.statusCode()).as("the status code still tells a balancer").isEqualTo(503);
    assertThat(JSON.readTree(remote.body()).fieldNames()).toIterable().containsExactly("status");
    assertThat(remote.body()).doesNotContain("127.0.0.1", "pid", "clickhouse");
  }

  @Test
  void aBurstOfRequestsSharesTheProbes() throws Exception {
    get("127.0.0.1");
    int before = PROBES.get();
    long t0 = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      assertThat(get("127.0.0.1").statusCode()).isEqualTo(503);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    // one probe per second of the burst at most (plus the one the burst may start with)
    assertThat(PROBES.get() - before)
        .as("probes during %d requests over %.2f s", 50, seconds)
        .isLessThanOrEqualTo((int) Math.ceil(seconds / HealthHandler.PROBE_EVERY.toSeconds()) + 1);
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return Optional.of(a);
          }
        }
      }
    }
    return Optional.empty();
  }
}
