package io.heatlab.cli;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.http.HeatlabHttpServer;
import io.heatlab.ingest.BatchHandler;
import io.heatlab.ingest.IngestEndpoint;
import io.heatlab.ingest.IngestSettings;
import io.heatlab.stack.HealthHandler;
import io.heatlab.stack.HttpPart;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackPart;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Run the ingestion service alone — Jetty with POST /v1/batches, /healthz and the pages — against the",
      "profile's Kafka (no embedded stack): the process to run on servers (compose: --profile compose).",
      "SIGTERM stops it gracefully: no new connections, requests in flight finish (acked or refused), the producer drains."
    })
final class IngestCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.loadForIngesting();
    StackEndpoints endpoints = StackEndpoints.of(config);
    Stack probes = Stack.create(config); // only to probe Kafka for /healthz; nothing is started
    HeatlabHttpServer server = HeatlabHttpServer.of(config);
    BatchHandler batches =
        new BatchHandler(IngestSettings.from(config, endpoints), Clock.systemUTC());
    server.route(
        "/healthz",
        new HealthHandler(
            () -> {
              List<PartHealth> health = new ArrayList<>();
              health.add(kafka(probes));
              health.add(HttpPart.serving(endpoints.httpUrl(), batches));
              health.add(dedupHealth(batches));
              return health;
            },
            batches::counters));
    server.routes(IngestEndpoint.routes(batches), HeatlabHttpServer.Budget.INGEST);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("heatlab ingest: stopping (draining requests in flight)…");
                  long t0 = System.nanoTime();
                  server.stop();
                  probes.stop();
                  System.out.printf(
                      "heatlab ingest: stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                  stopped.countDown();
                },
                "heatlab-ingest-shutdown"));
    server.start();
    System.out.println(
        "heatlab ingest: serving "
            + endpoints.httpUrl()
            + "/v1/batches, producing to "
            + endpoints.kafkaBootstrap()
            + " ("
            + config.getString(HeatlabConfig.EVENTS_TOPIC)
            + ")");
    stopped.await();
    return 0;
  }

  /**
   * Kafka as this service sees it: usable while any broker answers (a cluster of 3 keeps taking
   * writes with one broker down: replication 3, min.insync.replicas 2).
   */
  static PartHealth kafka(Stack probes) {
    List<PartHealth> nodes = probes.nodes("kafka").stream().map(StackPart::health).toList();
    if (nodes.size() == 1) {
      return nodes.get(0);
    }
    long up = nodes.stream().filter(PartHealth::healthy).count();
    String detail =
        up
            + " of "
            + nodes.size()
            + " brokers answer"
            + nodes.stream()
                .filter(h -> !h.healthy())
                .map(h -> "; " + h.name() + ": " + h.detail())
                .collect(Collectors.joining());
    String address = String.join(",", nodes.stream().map(PartHealth::address).toList());
    return up > 0
        ? PartHealth.healthy("kafka", address, detail)
        : PartHealth.unhealthy("kafka", address, detail);
  }

  /**
   * The de-duplication store as a part of this service's health: shown, but optional — while it is
   * down every instance answers 503 with Retry-After, and a balancer that took them all out of
   * rotation would answer without one.
   */
  private static PartHealth dedupHealth(BatchHandler batches) {
    String state = batches.dedupState();
    return (batches.dedupReachable()
            ? PartHealth.healthy("dedup", "", state)
            : PartHealth.unhealthy("dedup", "", state))
        .asOptional();
  }
}
