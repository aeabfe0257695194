package io.heatlab.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP GETs for health probes, with short timeouts and one shared client. */
final class HttpProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(TIMEOUT)
      .version(HttpClient.Version.HTTP_1_1)
      .build();

  private HttpProbe() {}

  /** The response of {@code GET url}; throws on a transport failure. */
  static HttpResponse<String> get(String url) throws java.io.IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A one-line reason for a failed probe. */
  static String reason(Exception e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
