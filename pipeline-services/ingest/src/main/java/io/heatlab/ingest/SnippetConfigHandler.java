package io.heatlab.ingest;

import io.heatlab.contract.ContractRules;
import io.heatlab.contract.EventCodec;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /v1/snippet/<client_id>} → {@code {"client_id":…, "screens":[{"path":"/product/*",
 * "screen":"product"}…]}}: what heatlab.js needs to name a client's screens. Public (nothing in it
 * is secret: the patterns only name pages), readable from any origin, cached five minutes; an
 * unknown client gets an empty list, an invalid id 400.
 */
public final class SnippetConfigHandler extends Handler.Abstract {
  /** Where the handler is routed; the client id follows. */
  public static final String PATH = "/v1/snippet/";

  private final ScreenPatterns patterns;

  public SnippetConfigHandler(ScreenPatterns patterns) {
    this.patterns = patterns;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      return send(response, callback, 405, Map.of("error", "use GET"));
    }
    String path =
        request
            .getHttpURI()
            .getDecodedPath(); // the whole path: under a mapping, the path in context is only what
    // follows the match
    String client = path.startsWith(PATH) ? path.substring(PATH.length()) : "";
    if (!ContractRules.Id.CLIENT.valid(client)) {
      return send(response, callback, 400, Map.of("error", ContractRules.Id.CLIENT.rule()));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("client_id", client);
    body.put("screens", patterns.of(client));
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=300");
    return send(response, callback, 200, body);
  }

  private static boolean send(
      Response response, Callback callback, int status, Map<String, Object> body) throws Exception {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(EventCodec.MAPPER.writeValueAsBytes(body)), callback);
    return true;
  }
}
