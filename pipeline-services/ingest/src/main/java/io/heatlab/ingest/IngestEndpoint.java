package io.heatlab.ingest;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.CrossOriginHandler;

/**
 * {@code /v1/batches} as served: three handlers, each one job —
 *
 * <pre>
 *   CrossOriginHandler        Jetty's CORS: preflights of the configured origins answered, other origins'
 *     │                       left without CORS headers (a browser then refuses to send the POST)
 *     ▼
 *   WriteKeyAuthentication    a known write key, or 401 / 403
 *     ▼
 *   BatchHandler              limits, parsing, validation, rate, admission, de-duplication, produce
 * </pre>
 */
public final class IngestEndpoint {
  private IngestEndpoint() {}

  /** The handler to route {@code /v1/batches} to, around {@code batches}. */
  public static Handler of(BatchHandler batches) {
    IngestSettings settings = batches.settings();
    CrossOriginHandler cors = new CrossOriginHandler();
    cors.setAllowedOriginPatterns(
        settings.corsOrigins().stream().map(Pattern::quote).collect(Collectors.toSet()));
    cors.setAllowedMethods(Set.of("POST"));
    cors.setAllowedHeaders(Set.of("Authorization", "Content-Type", "Content-Encoding"));
    cors.setAllowCredentials(false); // the write key travels in a header, never in a cookie
    cors.setPreflightMaxAge(Duration.ofMinutes(10));
    cors.setHandler(new WriteKeyAuthentication(settings.writeKeys(), batches));
    return cors;
  }
}
