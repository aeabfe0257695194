package io.heatlab.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventCodec;
import io.heatlab.contract.Violation;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request to {@code /v1/batches} and its answer, with what is known of it for the access log:
 * every answer — 202, or an error with its reason — goes through here, and is logged once ({@link
 * AccessLog}).
 */
final class Exchange {
  static final String RETRY_AFTER_SECONDS = "1";

  final Request request;
  final Response response;
  final Callback callback;
  final long startNanos = System.nanoTime();
  BatchRecord batch;
  int bytes;
  int status;
  String reason;

  Exchange(Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
  }

  void ok(Map<String, Object> body) {
    respond(202, body);
  }

  /**
   * An error answered before the request's body was read whole (a refused key or origin, a wrong
   * Content-Type, a body too large, too slow or badly encoded): Jetty closes such a connection
   * after the answer — an unread body is not skipped for free — so the answer says so; else a
   * client may send its next request on it and get no answer at all ("header parser received no
   * bytes").
   */
  void refuseUnread(int status, String message) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    error(status, message, null);
  }

  void retryLater(int status, String message) {
    response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_AFTER_SECONDS);
    error(status, message, null);
  }

  void error(int status, String message, List<Violation> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    if (details != null) {
      body.put("details", details);
    }
    reason = message;
    respond(status, body);
  }

  void respond(int status, Map<String, Object> body) {
    this.status = status;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    AccessLog.log(this);
    if (body == null) {
      response.write(true, null, callback);
      return;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    try {
      response.write(true, ByteBuffer.wrap(EventCodec.MAPPER.writeValueAsBytes(body)), callback);
    } catch (JsonProcessingException e) {
      callback.failed(e);
    }
  }
}
