package io.heatlab.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /healthz}: {@code
 * {"status":"healthy"|"unhealthy","parts":[{name,state,address,detail,pid}…]}}, status 200 only
 * when every part is healthy, 503 otherwise (load balancers and {@code heatlab up} read the status
 * code; people read the body).
 *
 * <p>Cheap and discreet: the parts are probed at most once per {@link #PROBE_EVERY} whatever the
 * request rate (concurrent requests share one probe), and only callers on this machine (loopback:
 * the CLI, the console, a container's own healthcheck) see the parts, their addresses and pids and
 * the ingestion counters; anyone else — through a balancer included — gets the status alone.
 */
public final class HealthHandler extends Handler.Abstract {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long one probe of the parts answers every request. */
  static final Duration PROBE_EVERY = Duration.ofSeconds(1);

  private final Supplier<List<PartHealth>> health;
  private final Supplier<Map<String, Object>> ingest;
  private List<PartHealth> probed;
  private long probedAt;

  /**
   * Health of {@code health}'s parts, and the ingestion counters of {@code ingest} under {@code
   * "ingest"}.
   */
  public HealthHandler(Supplier<List<PartHealth>> health, Supplier<Map<String, Object>> ingest) {
    this.health = health;
    this.ingest = ingest;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      Response.writeError(request, response, callback, 405, "use GET");
      return true;
    }
    List<PartHealth> parts = parts();
    boolean healthy = parts.stream().allMatch(PartHealth::fine);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", healthy ? "healthy" : "unhealthy");
    if (local(request)) {
      body.put("parts", parts);
      body.put("ingest", ingest.get());
    }
    response.setStatus(healthy ? 200 : 503);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
    return true;
  }

  /**
   * The parts' health, probed again only when the last probe is older than {@link #PROBE_EVERY}.
   */
  private synchronized List<PartHealth> parts() {
    long now = System.nanoTime();
    if (probed == null || now - probedAt > PROBE_EVERY.toNanos()) {
      probed = health.get();
      probedAt = System.nanoTime();
    }
    return probed;
  }

  /** Whether the caller is on this machine (the socket's address, never a forwarded header). */
  static boolean local(Request request) {
    return request.getConnectionMetaData().getRemoteSocketAddress()
            instanceof InetSocketAddress address
        && address.getAddress() != null
        && address.getAddress().isLoopbackAddress();
  }
}
