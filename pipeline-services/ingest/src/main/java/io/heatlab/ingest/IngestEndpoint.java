package io.heatlab.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.CrossOriginHandler;

/**
 * {@code /v1/batches} as served: three handlers, each one job —
 *
 * <pre>
 *   CrossOriginHandler        Jetty's CORS: preflights of the allowed page origins answered, other origins'
 *     │                       left without CORS headers (a browser then refuses to send the POST)
 *     ▼
 *   WriteKeyAuthentication    a known write key, or 401 / 403; a page origin allowed for its client
 *     │                       ({@link PageOrigins}), or 403
 *     ▼
 *   BatchHandler              limits, parsing, validation, rate, admission, de-duplication, produce
 * </pre>
 */
public final class IngestEndpoint {
  private IngestEndpoint() {}

  /**
   * What pages post to and read from ingestion, by Jetty path spec: {@code /v1/batches} (around
   * {@code batches}) and heatlab.js's settings, {@code /v1/snippet/<client>}.
   */
  public static Map<String, Handler> routes(BatchHandler batches) {
    Map<String, Handler> routes = new LinkedHashMap<>();
    routes.put("/v1/batches", of(batches));
    routes.put(
        SnippetConfigHandler.PATH + "*",
        new SnippetConfigHandler(batches.settings().screenPatterns()));
    return routes;
  }

  /** The handler to route {@code /v1/batches} to, around {@code batches}. */
  public static Handler of(BatchHandler batches) {
    IngestSettings settings = batches.settings();
    CrossOriginHandler cors = new CrossOriginHandler();
    cors.setAllowedOriginPatterns(settings.origins().corsPatterns());
    cors.setAllowedMethods(Set.of("POST"));
    cors.setAllowedHeaders(Set.of("Authorization", "Content-Type", "Content-Encoding"));
    cors.setAllowCredentials(false); // the write key travels in a header, never in a cookie
    cors.setPreflightMaxAge(Duration.ofMinutes(10));
    cors.setHandler(new WriteKeyAuthentication(settings.writeKeys(), settings.origins(), batches));
    return cors;
  }
}
