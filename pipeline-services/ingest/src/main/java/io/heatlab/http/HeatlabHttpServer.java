package io.heatlab.http;

import io.heatlab.config.HeatlabConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.PathMappings;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * heatlab's embedded Jetty: one server, one connector, handlers mapped by path.
 *
 * <pre>
 *   Server ── GracefulHandler ── ContextHandler "/" ── PathMappingsHandler
 *               ├── /healthz      HealthHandler       per-part health JSON (200 only if all healthy)
 *               ├── /heatlab.js   the tracking snippet: gzip, cached, loadable from any origin
 *               ├── (routes added by other packages: /v1/batches, /v1/heatmap …)
 *               └── /             ResourceHandler     simulator-web's pages (classpath heatlab/web/)
 * </pre>
 *
 * <p>Hostile traffic: each route belongs to a {@link Budget}, a bound on the requests it handles at
 * once (Jetty's {@link QoSHandler}: more wait, suspended without a thread, up to {@link
 * #QUEUE_WAIT}, then 503) — reads, health and pages together stay well under the thread pool, so a
 * flood of heatmap queries cannot starve health checks or ingestion, and the reverse. Ingestion's
 * bodies are read without holding a thread ({@code RequestBody}), so slow senders cost a connection
 * each; connections are capped ({@code http.max.connections}) and idle ones closed ({@code
 * http.idle.timeout.ms}).
 *
 * <p>Lifecycle: construct → {@link #route} any number of times → {@link #start()} → {@link
 * #stop()}.
 */
public final class HeatlabHttpServer {
  static final String WEB_ROOT = "heatlab/web/";

  /**
   * How long a stop waits for requests in flight (a batch waits at most the producer's delivery
   * timeout).
   */
  static final long STOP_TIMEOUT_MS = 30_000;

  /** The threads of the server's pool. */
  static final int THREADS = 200;

  /**
   * Connections the kernel holds for the server before it accepts them (the listen backlog; Linux
   * caps it at net.core.somaxconn, 4096 by default). Jetty's default leaves Java's 50: a burst of
   * new connections — pages opening at once, a load generator starting with 512 in flight —
   * overflowed it and the kernel dropped their SYNs (each such client then waits for its SYN to be
   * sent again, 1 s later): {@code TcpExtListenOverflows} stood at 2,421 after the day's benches;
   * with 1,024 a whole {@code bench ingest} added none (docs/FACTS.md).
   */
  static final int ACCEPT_QUEUE = 1024;

  /** How long a request over its budget waits (without a thread) before it is answered 503. */
  static final Duration QUEUE_WAIT = Duration.ofSeconds(5);

  /**
   * What a route's requests may take at once. Reads, health and pages add up to {@value #THREADS}/2
   * so that ingestion — whose requests hold a thread only to parse and hand a batch to the producer
   * — always finds threads, and so do the others.
   */
  public enum Budget {
    /** {@code /v1/batches} and the snippet's settings: bounded by admission and connections. */
    INGEST(0),
    /** Heatmaps and screens: each may wait on ClickHouse or storage. */
    READS(60),
    /** {@code /healthz}: cheap (cached), but never starved and never a flood amplifier. */
    HEALTH(8),
    /** The pages and heatlab.js. */
    PAGES(32);

    final int concurrent;

    Budget(int concurrent) {
      this.concurrent = concurrent;
    }
  }

  private record Route(Handler handler, Budget budget) {}

  private final String host;
  private final int port;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final Map<String, Route> routes = new LinkedHashMap<>();
  private Server server;

  public HeatlabHttpServer(String host, int port) {
    this(host, port, 10_000, Duration.ofSeconds(30));
  }

  public HeatlabHttpServer(String host, int port, int maxConnections, Duration idleTimeout) {
    this.host = host;
    this.port = port;
    this.maxConnections = maxConnections;
    this.idleTimeout = idleTimeout;
  }

  /** The server of {@code config}'s {@code http.*} settings. */
  public static HeatlabHttpServer of(HeatlabConfig config) {
    return new HeatlabHttpServer(
        config.getString(HeatlabConfig.HTTP_HOST),
        config.getInt(HeatlabConfig.HTTP_PORT),
        config.getInt(HeatlabConfig.HTTP_MAX_CONNECTIONS),
        Duration.ofMillis(config.getLong(HeatlabConfig.HTTP_IDLE_TIMEOUT_MS)));
  }

  /**
   * Maps a Jetty path spec (e.g. {@code /v1/heatmap} or {@code /v1/*}) to a handler, in the {@link
   * Budget#READS} budget ({@code /healthz}: {@link Budget#HEALTH}).
   */
  public HeatlabHttpServer route(String pathSpec, Handler handler) {
    return route(pathSpec, handler, pathSpec.equals("/healthz") ? Budget.HEALTH : Budget.READS);
  }

  /** Maps a Jetty path spec to a handler in {@code budget}. */
  public HeatlabHttpServer route(String pathSpec, Handler handler, Budget budget) {
    routes.put(pathSpec, new Route(handler, budget));
    return this;
  }

  /** Maps each path spec of {@code routes} to its handler, in order, all in {@code budget}. */
  public HeatlabHttpServer routes(Map<String, Handler> routes, Budget budget) {
    routes.forEach((spec, handler) -> route(spec, handler, budget));
    return this;
  }

  public synchronized void start() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(THREADS, 8);
    threads.setName("heatlab-http");
    Server s = new Server(threads);
    ServerConnector connector = new ServerConnector(s);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(idleTimeout.toMillis());
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    s.addConnector(connector);
    s.addBean(new NetworkConnectionLimit(maxConnections, s));

    PathMappingsHandler mappings = new PathMappingsHandler();
    PathMappings<Budget> budgets = new PathMappings<>();
    routes.forEach(
        (spec, route) -> {
          mappings.addMapping(PathSpec.from(spec), route.handler());
          budgets.put(PathSpec.from(spec), route.budget());
        });
    mappings.addMapping(PathSpec.from("/"), pages(s));
    budgets.put(PathSpec.from("/"), Budget.PAGES);
    Handler handler = mappings;
    for (Budget budget : Budget.values()) {
      if (budget.concurrent > 0) {
        handler = budgeted(handler, budget, budgets);
      }
    }
    // graceful stop: stop accepting, let requests in flight finish (their batches are acked or
    // refused), then stop the handlers (the producer drains); GracefulHandler tracks requests
    // until their callback completes
    s.setHandler(
        new GracefulHandler(new ContextHandler(handler, "/"))); // ResourceHandler needs a context
    s.setStopTimeout(STOP_TIMEOUT_MS);
    s.start();
    server = s;
  }

  /** {@code next}, with the requests whose route is in {@code budget} bounded by it. */
  private static Handler budgeted(Handler next, Budget budget, PathMappings<Budget> budgets) {
    QoSHandler qos = new QoSHandler(next);
    qos.setMaxRequestCount(budget.concurrent);
    qos.setMaxSuspendedRequestCount(budget.concurrent * 16);
    qos.setMaxSuspend(QUEUE_WAIT);
    qos.setRejectStatusCode(503);
    qos.include(
        request -> {
          var matched = budgets.getMatched(Request.getPathInContext(request));
          return matched != null && matched.getResource() == budget;
        });
    return qos;
  }

  /** Where the tracking snippet is served. */
  public static final String SNIPPET_PATH = "/heatlab.js";

  /**
   * simulator-web's pages from the classpath, compressed (gzip when the browser takes it) and
   * revalidated by ETag; {@code GET /heatlab.js}, embedded by pages of any origin, is also cached
   * for an hour and loadable cross-origin (CORS {@code *}, {@code Cross-Origin-Resource-Policy:
   * cross-origin}: it holds nothing private).
   */
  private static Handler pages(Server s) {
    ResourceHandler files = new ResourceHandler();
    files.setBaseResource(ResourceFactory.of(s).newClassLoaderResource(WEB_ROOT));
    files.setDirAllowed(false);
    files.setWelcomeFiles("index.html");
    files.setEtags(true);
    Handler snippetHeaders =
        new Handler.Wrapper(files) {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            if (SNIPPET_PATH.equals(Request.getPathInContext(request))) {
              response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=3600");
              response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
              response.getHeaders().put("Cross-Origin-Resource-Policy", "cross-origin");
              response.getHeaders().put("X-Content-Type-Options", "nosniff");
            }
            return super.handle(request, response, callback);
          }
        };
    GzipHandler gzip = new GzipHandler(snippetHeaders);
    gzip.addIncludedMimeTypes("text/javascript", "application/javascript");
    return gzip;
  }

  /**
   * Stop without waiting long for requests in flight (their backend is dead: they can only time
   * out); they are answered or cut within {@link #HURRIED_STOP_TIMEOUT_MS}.
   */
  public synchronized void hurry() {
    if (server != null) {
      server.setStopTimeout(HURRIED_STOP_TIMEOUT_MS);
    }
  }

  static final long HURRIED_STOP_TIMEOUT_MS = 3_000;

  public boolean isRunning() {
    Server s = server;
    return s != null && s.isStarted();
  }

  public synchronized void stop() {
    Server s = server;
    server = null;
    if (s != null) {
      try {
        s.stop();
      } catch (Exception e) {
        throw new IllegalStateException("Jetty did not stop cleanly: " + e.getMessage(), e);
      }
    }
  }
}
