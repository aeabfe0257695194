package io.heatlab.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP GETs for health probes: short timeouts and {@code Connection: close}. Probes must not
 * hold idle keep-alive connections — ClickHouse 18.16 waits for open connections on SIGTERM
 * (docs/FACTS.md).
 */
final class HttpProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private HttpProbe() {}

  /** A probe's answer: HTTP status and body (the error body for 4xx/5xx). */
  record Answer(int status, String body) {}

  /** {@code GET url}; throws on a transport failure. */
  static Answer get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      c.setConnectTimeout((int) TIMEOUT.toMillis());
      c.setReadTimeout((int) TIMEOUT.toMillis());
      c.setRequestProperty("Connection", "close");
      c.setUseCaches(false);
      int status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        return new Answer(
            status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      c.disconnect();
    }
  }

  /** A one-line reason for a failed probe. */
  static String reason(Exception e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
