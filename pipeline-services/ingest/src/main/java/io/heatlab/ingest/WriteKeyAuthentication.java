package io.heatlab.ingest;

import io.heatlab.config.WriteKeys;
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
 * batch is that client's is for the batch handler to check once it has read the body. Keys are
 * never logged.
 */
final class WriteKeyAuthentication extends Handler.Wrapper {
  /** The request attribute holding the client of the request's write key. */
  static final String CLIENT = "heatlab.write-key.client";

  private final WriteKeys keys;

  WriteKeyAuthentication(WriteKeys keys, Handler next) {
    super(next);
    this.keys = keys;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.POST.is(request.getMethod())) {
      return super.handle(request, response, callback);
    }
    Optional<String> key = writeKey(request);
    if (key.isEmpty()) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      new Exchange(request, response, callback)
          .error(401, "missing write key: send 'Authorization: Bearer <key>' or ?key=<key>", null);
      return true;
    }
    Optional<String> client = keys.clientOf(key.get());
    if (client.isEmpty()) {
      new Exchange(request, response, callback).error(403, "unknown write key", null);
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
}
