package io.heatlab.contract;

import java.util.regex.Pattern;

/**
 * Checks a {@link LandedEvent} read back from Kafka (anyone may produce to the topic): the same
 * rules as {@link BatchValidator} for ids, coordinates and types, minus the time window (late data
 * is legitimate downstream). Returns the reason of the first violation, or null.
 */
public final class LandedEventValidator {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]+");

  private LandedEventValidator() {}

  public static String violation(LandedEvent e) {
    String id = firstBadId(e);
    if (id != null) {
      return id;
    }
    if (EventType.fromWire(e.eventType()).isEmpty()) {
      return "event_type must be move or click";
    }
    if (!unit(e.xNorm()) || !unit(e.yNorm())) {
      return "x_norm and y_norm must be within [0,1]";
    }
    if (e.eventTime() <= 0 || e.receivedAt() <= 0) {
      return "event_time and received_at must be positive epoch milliseconds";
    }
    if ((e.viewportW() != null && e.viewportW() < 1)
        || (e.viewportH() != null && e.viewportH() < 1)) {
      return "viewport_w and viewport_h must be positive";
    }
    return null;
  }

  private static String firstBadId(LandedEvent e) {
    if (!id(e.clientId(), 64)) {
      return "client_id must be 1-64 characters of [A-Za-z0-9._:-]";
    }
    if (!id(e.screenId(), 128)) {
      return "screen_id must be 1-128 characters of [A-Za-z0-9._:-]";
    }
    if (!id(e.batchId(), 64)) {
      return "batch_id must be 1-64 characters of [A-Za-z0-9._:-]";
    }
    if (e.sessionId() != null && !id(e.sessionId(), 64)) {
      return "session_id must be 1-64 characters of [A-Za-z0-9._:-]";
    }
    return null;
  }

  private static boolean id(String s, int max) {
    return s != null && !s.isEmpty() && s.length() <= max && ID.matcher(s).matches();
  }

  private static boolean unit(double v) {
    return Double.isFinite(v) && v >= 0 && v <= 1;
  }
}
