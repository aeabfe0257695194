package io.heatlab.ingest;

import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion access log, one key=value line per request on logger {@code heatlab.access}:
 * method, path (never the query string: it may carry a write key), status, client, batch, events,
 * bytes, duration, remote address, and the reason of a refusal. Write keys are never logged.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("heatlab.access");

  private AccessLog() {}

  static void log(Exchange x) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    StringBuilder line =
        new StringBuilder(160)
            .append("method=")
            .append(x.request.getMethod())
            .append(" path=")
            .append(x.request.getHttpURI().getPath())
            .append(" status=")
            .append(x.status);
    if (x.batch != null) {
      line.append(" client=")
          .append(x.batch.clientId())
          .append(" batch=")
          .append(x.batch.batchId())
          .append(" events=")
          .append(x.batch.size());
    }
    line.append(" bytes=")
        .append(x.bytes)
        .append(" ms=")
        .append((System.nanoTime() - x.startNanos) / 100_000 / 10.0)
        .append(" remote=")
        .append(Request.getRemoteAddr(x.request));
    if (x.reason != null) {
      line.append(" reason=\"").append(x.reason.replace('"', '\'').replace('\n', ' ')).append('"');
    }
    LOG.info(line.toString());
  }

  static void failure(Exchange x, Exception e) {
    LOG.error(
        "method={} path={} failed", x.request.getMethod(), x.request.getHttpURI().getPath(), e);
  }
}
