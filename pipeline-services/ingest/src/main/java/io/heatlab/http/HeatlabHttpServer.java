package io.heatlab.http;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
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
 * Lifecycle: construct → {@link #route} any number of times → {@link #start()} → {@link #stop()}.
 */
public final class HeatlabHttpServer {
  static final String WEB_ROOT = "heatlab/web/";

  /**
   * How long a stop waits for requests in flight (a batch waits at most the producer's delivery
   * timeout).
   */
  static final long STOP_TIMEOUT_MS = 30_000;

  private final String host;
  private final int port;
  private final Map<String, Handler> routes = new LinkedHashMap<>();
  private Server server;

  public HeatlabHttpServer(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** Maps a Jetty path spec (e.g. {@code /v1/batches} or {@code /v1/*}) to a handler. */
  public HeatlabHttpServer route(String pathSpec, Handler handler) {
    routes.put(pathSpec, handler);
    return this;
  }

  /** Maps each path spec of {@code routes} to its handler, in order. */
  public HeatlabHttpServer routes(Map<String, Handler> routes) {
    this.routes.putAll(routes);
    return this;
  }

  public synchronized void start() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("heatlab-http");
    Server s = new Server(threads);
    ServerConnector connector = new ServerConnector(s);
    connector.setHost(host);
    connector.setPort(port);
    s.addConnector(connector);

    PathMappingsHandler mappings = new PathMappingsHandler();
    routes.forEach((spec, handler) -> mappings.addMapping(PathSpec.from(spec), handler));
    mappings.addMapping(PathSpec.from("/"), pages(s));
    // graceful stop: stop accepting, let requests in flight finish (their batches are acked or
    // refused), then
    // stop the handlers (the producer drains); GracefulHandler tracks requests until their callback
    // completes
    s.setHandler(
        new GracefulHandler(new ContextHandler(mappings, "/"))); // ResourceHandler needs a context
    s.setStopTimeout(STOP_TIMEOUT_MS);
    s.start();
    server = s;
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
