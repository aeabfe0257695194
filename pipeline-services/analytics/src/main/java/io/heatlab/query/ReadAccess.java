package io.heatlab.query;

import io.heatlab.config.ClientKeys;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who may read a client's heatmaps and screens: the holder of one of its read keys ({@code
 * api.read.keys}), sent in {@code Authorization: Bearer} only — never in the URL, where logs and
 * referrers would keep it. A write key is refused by name: write keys are public (every page with
 * heatlab.js carries one), so they post batches and never read.
 */
public final class ReadAccess {
  /** Why a request may not read: its HTTP status and the message. */
  public record Refusal(int status, String error) {}

  private final ClientKeys readKeys;
  private final ClientKeys writeKeys;

  public ReadAccess(ClientKeys readKeys, ClientKeys writeKeys) {
    this.readKeys = readKeys;
    this.writeKeys = writeKeys;
  }

  /** Empty when {@code request} may read {@code client}'s data, else why not (401 or 403). */
  public Optional<Refusal> check(Request request, String client) {
    String key = bearer(request);
    if (key == null) {
      return Optional.of(
          new Refusal(
              401,
              "a read key is required: 'Authorization: Bearer <read key>' ("
                  + readKeys.setting()
                  + ")"));
    }
    Optional<String> reader = readKeys.clientOf(key);
    if (reader.isEmpty()) {
      return Optional.of(
          new Refusal(
              403,
              writeKeys.clientOf(key).isPresent()
                  ? "this is a write key: write keys only post batches (they are public in every"
                      + " page); read heatmaps with a read key ("
                      + readKeys.setting()
                      + ")"
                  : "unknown read key"));
    }
    if (!reader.get().equals(client)) {
      return Optional.of(
          new Refusal(403, "the read key is not valid for client_id '" + client + "'"));
    }
    return Optional.empty();
  }

  private static String bearer(Request request) {
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
      return auth.substring(7).strip();
    }
    return null;
  }
}
