package io.heatlab.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a parsed request body against the ingestion contract, all of it, before anything is
 * produced: a batch is accepted whole or rejected whole with every {@link Violation} found (up to
 * {@value #MAX_REPORTED}).
 *
 * <p>The rules themselves are {@link ContractRules}'.
 *
 * <ul>
 *   <li>ids: characters {@code [A-Za-z0-9._:-]}; client_id 1–64, batch_id 1–64, screen_id 1–128,
 *       session_id (optional) 1–64;
 *   <li>viewport (optional): {@code {w, h}} integers 1–100000;
 *   <li>events: 1–{@code maxEvents} objects; {@code t} integer epoch ms within [now − maxAge, now +
 *       maxFuture]; {@code x}, {@code y} finite numbers within [0,1]; {@code type} one of {@link
 *       EventType};
 *   <li>unknown fields anywhere are ignored (and never stored).
 * </ul>
 */
public final class BatchValidator {
  static final int MAX_REPORTED = 50;

  /** Contract limits that are settings. */
  public record Limits(int maxEvents, Duration maxAge, Duration maxFuture) {
    public static final Limits DEFAULT =
        new Limits(1000, Duration.ofDays(7), Duration.ofMinutes(5));
  }

  /** The outcome: exactly one of batch and violations is meaningful. */
  public record Result(EventBatch batch, List<Violation> violations) {
    public boolean valid() {
      return violations.isEmpty();
    }
  }

  private final Limits limits;
  private final Clock clock;

  public BatchValidator(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  public Result validate(JsonNode root) {
    List<Violation> v = new ArrayList<>();
    if (root == null || !root.isObject()) {
      return new Result(null, List.of(new Violation("$", "must be a JSON object")));
    }
    String clientId = id(root, ContractRules.Id.CLIENT, true, v);
    String batchId = id(root, ContractRules.Id.BATCH, true, v);
    String screenId = id(root, ContractRules.Id.SCREEN, true, v);
    String sessionId = id(root, ContractRules.Id.SESSION, false, v);
    EventBatch.Viewport viewport = viewport(root.get("viewport"), v);
    List<PointerEvent> events = events(root.get("events"), v);
    if (!v.isEmpty()) {
      return new Result(
          null, v.size() > MAX_REPORTED ? List.copyOf(v.subList(0, MAX_REPORTED)) : List.copyOf(v));
    }
    return new Result(
        new EventBatch(clientId, batchId, screenId, sessionId, viewport, events), List.of());
  }

  private static String id(
      JsonNode root, ContractRules.Id id, boolean required, List<Violation> v) {
    String field = id.field();
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        v.add(new Violation(field, "is required"));
      }
      return null;
    }
    if (!node.isTextual()) {
      v.add(new Violation(field, "must be a string"));
      return null;
    }
    String s = node.textValue();
    if (!id.validLength(s)) {
      v.add(new Violation(field, "must be 1 to " + id.maxLength() + " characters long"));
      return null;
    }
    if (!ContractRules.validChars(s)) {
      v.add(new Violation(field, "may contain only letters, digits and . _ : -"));
      return null;
    }
    return s;
  }

  private static EventBatch.Viewport viewport(JsonNode node, List<Violation> v) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      v.add(new Violation("viewport", "must be an object {w, h}"));
      return null;
    }
    Integer w = dimension(node.get("w"), "viewport.w", v);
    Integer h = dimension(node.get("h"), "viewport.h", v);
    return w == null || h == null ? null : new EventBatch.Viewport(w, h);
  }

  private static Integer dimension(JsonNode node, String path, List<Violation> v) {
    if (node == null
        || !node.isIntegralNumber()
        || !node.canConvertToInt()
        || !ContractRules.validViewportSide(node.intValue())) {
      v.add(new Violation(path, "must be an integer from 1 to " + ContractRules.VIEWPORT_MAX));
      return null;
    }
    return node.intValue();
  }

  private List<PointerEvent> events(JsonNode node, List<Violation> v) {
    if (node == null || node.isNull()) {
      v.add(new Violation("events", "is required"));
      return List.of();
    }
    if (!node.isArray()) {
      v.add(new Violation("events", "must be an array"));
      return List.of();
    }
    if (node.isEmpty() || node.size() > limits.maxEvents()) {
      v.add(
          new Violation(
              "events", "must hold 1 to " + limits.maxEvents() + " events, not " + node.size()));
      return List.of();
    }
    long now = clock.millis();
    long earliest = now - limits.maxAge().toMillis();
    long latest = now + limits.maxFuture().toMillis();
    List<PointerEvent> events = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      PointerEvent e = event(node.get(i), "events[" + i + "]", earliest, latest, v);
      if (e != null) {
        events.add(e);
      }
      if (v.size() > MAX_REPORTED) {
        break;
      }
    }
    return events;
  }

  private PointerEvent event(
      JsonNode e, String path, long earliest, long latest, List<Violation> v) {
    if (e == null || !e.isObject()) {
      v.add(new Violation(path, "must be an object {t, x, y, type}"));
      return null;
    }
    int before = v.size();
    JsonNode t = e.get("t");
    long time = 0;
    if (t == null || !t.isIntegralNumber() || !t.canConvertToLong()) {
      v.add(new Violation(path + ".t", "must be an integer (epoch milliseconds)"));
    } else {
      time = t.longValue();
      if (time < earliest || time > latest) {
        v.add(
            new Violation(
                path + ".t",
                "must be within the last "
                    + limits.maxAge().toDays()
                    + " days and at most "
                    + limits.maxFuture().toMinutes()
                    + " minutes ahead of the server's clock"));
      }
    }
    double x = unit(e.get("x"), path + ".x", v);
    double y = unit(e.get("y"), path + ".y", v);
    JsonNode type = e.get("type");
    EventType eventType = null;
    if (type == null || !type.isTextual()) {
      v.add(new Violation(path + ".type", "must be a string: move or click"));
    } else {
      eventType = EventType.fromWire(type.textValue()).orElse(null);
      if (eventType == null) {
        v.add(new Violation(path + ".type", "must be move or click"));
      }
    }
    return v.size() == before ? new PointerEvent(time, x, y, eventType) : null;
  }

  private static double unit(JsonNode node, String path, List<Violation> v) {
    if (node == null || !node.isNumber()) {
      v.add(new Violation(path, "must be a number within [0,1]"));
      return Double.NaN;
    }
    double d = node.doubleValue();
    if (!ContractRules.validCoordinate(d)) {
      v.add(new Violation(path, "must be within [0,1]"));
    }
    return d;
  }
}
