package io.heatlab.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
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
 */
public final class HealthHandler extends Handler.Abstract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Supplier<List<PartHealth>> health;
  private final Supplier<Map<String, Object>> ingest;

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
    List<PartHealth> parts = health.get();
    boolean healthy = parts.stream().allMatch(PartHealth::fine);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", healthy ? "healthy" : "unhealthy");
    body.put("parts", parts);
    body.put("ingest", ingest.get());
    response.setStatus(healthy ? 200 : 503);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
    return true;
  }
}
