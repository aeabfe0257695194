package io.heatlab.screens;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabCommand;
import io.heatlab.contract.ContractRules;
import io.heatlab.contract.ViewportClass;
import io.heatlab.query.ReadAccess;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The screens of a client, for the viewer and other readers — with one of the client's read keys
 * ({@link ReadAccess}):
 *
 * <ul>
 *   <li>{@code GET /v1/screens?client_id=C} → {@code {"client_id", "screens": [{"screen_id",
 *       "events_7d", "last_seen", "url", "shots": {"desktop": {width, height, bytes, type, updated,
 *       source}}}]}}: every screen with traffic or registered;
 *   <li>{@code GET /v1/screens/<client>/<screen>/screenshot?viewport=desktop} → the image, or 404
 *       {@code {"error"}} saying how to add one.
 * </ul>
 */
public final class ScreensHandler extends Handler.Abstract {
  /** Where the handler is routed. */
  public static final String PATH = "/v1/screens";

  private static final Logger LOG = LoggerFactory.getLogger(ScreensHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ScreenRegistry registry;
  private final ScreenTraffic traffic;
  private final ReadAccess access;

  public ScreensHandler(ScreenRegistry registry, ScreenTraffic traffic, ReadAccess access) {
    this.registry = registry;
    this.traffic = traffic;
    this.access = access;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.GET.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      return json(response, callback, 405, Map.of("error", "use GET"));
    }
    String path =
        request
            .getHttpURI()
            .getDecodedPath(); // the whole path: under a mapping, the path in context is only what
    // follows the match
    String[] parts =
        path.length() > PATH.length()
            ? path.substring(PATH.length() + 1).split("/", -1)
            : new String[0];
    Fields params = Request.extractQueryParameters(request);
    String client = parts.length > 0 ? parts[0] : params.getValue("client_id");
    if (client == null || !ContractRules.Id.CLIENT.valid(client)) {
      return json(response, callback, 400, Map.of("error", ContractRules.Id.CLIENT.rule()));
    }
    Optional<ReadAccess.Refusal> refused = access.check(request, client);
    if (refused.isPresent()) {
      if (refused.get().status() == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      }
      return json(
          response, callback, refused.get().status(), Map.of("error", refused.get().error()));
    }
    try {
      if (parts.length == 0) {
        return json(response, callback, 200, list(client));
      }
      if (parts.length == 3 && parts[2].equals("screenshot")) {
        return screenshot(response, callback, client, parts[1], params.getValue("viewport"));
      }
      return json(
          response,
          callback,
          404,
          Map.of(
              "error",
              "no such resource: "
                  + PATH
                  + "?client_id= or "
                  + PATH
                  + "/<client>/<screen>/screenshot"));
    } catch (IllegalArgumentException e) {
      return json(response, callback, 400, Map.of("error", e.getMessage()));
    } catch (Exception e) {
      LOG.warn("screens of {}: {}", client, e.toString());
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
      return json(
          response,
          callback,
          503,
          Map.of("error", "storage or ClickHouse unavailable, retry later"));
    }
  }

  private Map<String, Object> list(String client) throws Exception {
    List<Map<String, Object>> screens = new ArrayList<>();
    for (KnownScreen k :
        KnownScreen.join(traffic.list(client, Instant.now()), registry.list(client))) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("screen_id", k.screen());
      s.put("events_7d", k.events());
      s.put("last_seen", k.lastSeen().map(Instant::toString).orElse(null));
      s.put("url", k.url().orElse(null));
      s.put("shots", k.shots());
      screens.add(s);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("client_id", client);
    body.put("screens", screens);
    return body;
  }

  private boolean screenshot(
      Response response, Callback callback, String client, String screen, String viewport)
      throws Exception {
    ViewportClass v = viewport == null ? ViewportClass.DESKTOP : ViewportClass.of(viewport);
    Optional<byte[]> image = registry.screenshot(client, screen, v);
    if (image.isEmpty()) {
      return json(
          response,
          callback,
          404,
          Map.of(
              "error",
              "no "
                  + v.id()
                  + " screenshot of "
                  + client
                  + "/"
                  + screen
                  + ": "
                  + HeatlabCommand.name()
                  + " screens capture --client "
                  + client
                  + " --screen "
                  + screen
                  + " --url URL --viewport "
                  + v.id()
                  + " (or screens add --screenshot FILE)"));
    }
    String type = ScreenRegistry.imageType(image.get());
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/" + (type == null ? "png" : type));
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "private, no-cache");
    response.write(true, ByteBuffer.wrap(image.get()), callback);
    return true;
  }

  private static boolean json(Response response, Callback callback, int status, Object body)
      throws Exception {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
    return true;
  }
}
