package io.heatlab.stack;

import io.heatlab.config.ClientKeys;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.http.HeatlabHttpServer;
import io.heatlab.ingest.BatchHandler;
import io.heatlab.ingest.IngestEndpoint;
import io.heatlab.ingest.IngestSettings;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.query.HeatmapHandler;
import io.heatlab.query.HeatmapService;
import io.heatlab.query.ReadAccess;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.screens.ScreenTraffic;
import io.heatlab.screens.ScreensHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HTTP part: heatlab's embedded Jetty, in this process (the supervisor, the console or {@code
 * heatlab ingest}) in both profiles. It starts last, once the parts it serves are healthy. Started
 * here, it is healthy while Jetty runs; seen from another process (e.g. {@code heatlab status}) it
 * is healthy when {@code GET /healthz} answers at all — whatever the other parts' state.
 */
public final class HttpPart implements StackPart {
  private final StackEndpoints endpoints;
  private final List<String> dependsOn;
  private final HeatlabHttpServer server;
  private final HeatmapService heatmaps;
  private final BatchHandler batches;

  HttpPart(HeatlabConfig config, StackEndpoints endpoints, Supplier<List<PartHealth>> stackHealth) {
    this.endpoints = endpoints;
    ReadAccess access = new ReadAccess(ClientKeys.read(config), ClientKeys.write(config));
    this.heatmaps = HeatmapService.of(config, endpoints);
    this.batches = new BatchHandler(IngestSettings.from(config, endpoints), Clock.systemUTC());
    List<String> deps = new ArrayList<>(KafkaBrokerPart.names(config));
    deps.addAll(ConnectWorkerPart.names(config));
    deps.addAll(List.of("storage", "clickhouse"));
    if (config.embedded() && config.getInt(HeatlabConfig.INGEST_INSTANCES) > 0) {
      deps.add(RedisPart.NAME); // it de-duplicates through the stack's Redis too
    }
    this.dependsOn = List.copyOf(deps);
    this.server =
        HeatlabHttpServer.of(config)
            .routes(IngestEndpoint.routes(batches), HeatlabHttpServer.Budget.INGEST)
            .route("/healthz", new HealthHandler(stackHealth, batches::counters))
            .route("/v1/heatmap", new HeatmapHandler(heatmaps, access))
            .route(
                ScreensHandler.PATH + "/*",
                new ScreensHandler(
                    new ScreenRegistry(endpoints.objectStore(config)),
                    new ScreenTraffic(ClickHouseJdbc.forQueries(config, endpoints)),
                    access));
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public String role() {
    return "HTTP: ingestion, heatmap API, pages, /healthz";
  }

  @Override
  public String address() {
    return endpoints.httpUrl();
  }

  @Override
  public List<String> dependsOn() {
    return dependsOn;
  }

  @Override
  public void start() throws StackException {
    try {
      server.start();
    } catch (Exception e) {
      throw new StackException(
          "Cannot start HTTP server at "
              + address()
              + ": "
              + e.getMessage()
              + " (is the port taken? set HEATLAB_HTTP_PORT)",
          e);
    }
  }

  @Override
  public PartHealth health() {
    if (server.isRunning()) {
      return serving(address(), batches);
    }
    try {
      HttpProbe.Answer r = HttpProbe.get(address() + "/healthz");
      return PartHealth.healthy(name(), address(), "GET /healthz answered " + r.status());
    } catch (Exception e) {
      return PartHealth.unhealthy(name(), address(), HttpProbe.reason(e));
    }
  }

  /**
   * The health of an ingestion endpoint that serves: unhealthy while a producer lane rests after an
   * unexpected failure (its batches are answered 503 meanwhile).
   */
  public static PartHealth serving(String address, BatchHandler batches) {
    List<String> down = batches.lanesDown();
    return down.isEmpty()
        ? PartHealth.healthy("http", address, "serving")
        : PartHealth.unhealthy("http", address, "serving; producer lane down: " + down);
  }

  @Override
  public void hurry() {
    server.hurry();
  }

  @Override
  public void stop() {
    server.stop();
    heatmaps.close(); // its pooled ClickHouse connections, before ClickHouse stops
  }
}
