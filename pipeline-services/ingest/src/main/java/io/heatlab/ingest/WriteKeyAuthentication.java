package io.heatlab.ingest;

import io.heatlab.config.ClientKeys;
import io.heatlab.config.HeatlabConfig;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Who may post batches: a POST must carry a known write key — {@code Authorization: Bearer <key>},
 * or {@code ?key=<key>} for pages that cannot set headers — else 401 (none) or 403 (unknown). The
 * key's client goes on to the wrapped handler as the request attribute {@link #CLIENT}; whether the
 * batch is that client's is for the batch handler to check once it has read the body. A browser's
 * request (one with an {@code Origin} header) must come from a page origin allowed for the key's
 * client ({@link PageOrigins}), else 403: a write key is public, the page's origin is not forgeable
 * by a browser. Keys are never logged.
 */
final class WriteKeyAuthentication extends Handler.Wrapper {
  /** The request attribute holding the client of the request's write key. */
  static final String CLIENT = "heatlab.write-key.client";

  private final ClientKeys keys;
  private final PageOrigins origins;

  WriteKeyAuthentication(ClientKeys keys, PageOrigins origins, Handler next) {
    super(next);
    this.keys = keys;
    this.origins = origins;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.POST.is(request.getMethod())) {
      return super.handle(request, response, callback);
    }
    Optional<String> key = writeKey(request);
    if (key.isEmpty()) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      refuse(
          request,
          response,
          callback,
          401,
          "missing write key: send 'Authorization: Bearer <key>' or ?key=<key>");
      return true;
    }
    Optional<String> client = keys.clientOf(key.get());
    if (client.isEmpty()) {
      refuse(request, response, callback, 403, "unknown write key");
      return true;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !origins.allows(client.get(), origin)) {
      refuse(
          request,
          response,
          callback,
          403,
          "pages of "
              + origin
              + " may not post batches for client '"
              + client.get()
              + "': add the origin to "
              + HeatlabConfig.INGEST_ORIGINS
              + " ("
              + client.get()
              + "="
              + origin
              + ")");
      return true;
    }
    request.setAttribute(CLIENT, client.get());
    return super.handle(request, response, callback);
  }

  /** The write key from {@code Authorization: Bearer <key>}, else from {@code ?key=<key>}. */
  private static Optional<String> writeKey(Request request) {
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
      return Optional.of(auth.substring(7).strip());
    }
    Fields query = Request.extractQueryParameters(request);
    String key = query.getValue("key");
    return key == null || key.isBlank() ? Optional.empty() : Optional.of(key);
  }

  private static void refuse(
      Request request, Response response, Callback callback, int status, String reason) {
    new Exchange(request, response, callback).refuseUnread(status, reason);
  }
}
