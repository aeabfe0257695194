package io.heatlab.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a request body of {@code POST /v1/batches} in one streaming pass, straight into a {@link
 * BatchRecord}'s primitive columns, checking the contract as it goes (docs/architecture.md §2): no
 * JSON tree, no object per event. A batch is accepted whole or refused whole with every {@link
 * Violation} found (up to {@value #MAX_REPORTED}), reported in the contract's field order whatever
 * the order of the body's fields.
 *
 * <ul>
 *   <li>ids: characters {@code [A-Za-z0-9._:-]}; client_id 1–64, batch_id 1–64, screen_id 1–128,
 *       session_id (optional) 1–64;
 *   <li>viewport (optional): {@code {w, h}} integers 1–100000;
 *   <li>events: 1–{@code maxEvents} objects; {@code t} integer epoch ms within [now − maxAge, now +
 *       maxFuture]; {@code x}, {@code y} finite numbers within [0,1]; {@code type} one of {@link
 *       EventType};
 *   <li>unknown fields are skipped without being read, and never stored.
 * </ul>
 *
 * Limits are enforced while reading, so a hostile body costs little: parsing stops at the first
 * event beyond {@code maxEvents}, at the {@value #MAX_UNKNOWN_FIELDS}+1st unknown field of one
 * object, or after {@value #MAX_REPORTED} violations; nesting deeper than {@value #MAX_DEPTH} and
 * strings longer than {@value #MAX_STRING} characters are malformed JSON. The JSON itself is
 * strict: no NaN/Infinity, no comments, duplicate keys refused, nothing after the object.
 *
 * <p>Thread-safe: one instance serves every request.
 */
public final class BatchParser {
  /** The most violations one answer reports. */
  public static final int MAX_REPORTED = 50;

  /** Deepest nesting of a body (the contract needs 3; unknown fields may nest a little). */
  public static final int MAX_DEPTH = 16;

  /** Most unknown fields one object (the body, the viewport, an event) may carry. */
  public static final int MAX_UNKNOWN_FIELDS = 32;

  /** Longest string token, in characters (an id is at most 128). */
  public static final int MAX_STRING = 64 * 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxStringLength(MAX_STRING)
                  .maxNumberLength(64)
                  .build())
          .build();

  private static final EventType[] TYPES = EventType.values();

  /** Contract limits that are settings. */
  public record Limits(int maxEvents, Duration maxAge, Duration maxFuture) {
    public static final Limits DEFAULT =
        new Limits(1000, Duration.ofDays(7), Duration.ofMinutes(5));

    public Limits {
      if (maxEvents < 1 || maxEvents > BatchRecord.MAX_EVENTS) {
        throw new IllegalArgumentException(
            "a batch may hold 1 to " + BatchRecord.MAX_EVENTS + " events, not " + maxEvents);
      }
    }
  }

  /** The outcome: exactly one of batch and violations is meaningful. */
  public record Result(BatchRecord batch, List<Violation> violations) {
    public boolean valid() {
      return violations.isEmpty();
    }
  }

  private final Limits limits;
  private final Clock clock;

  public BatchParser(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Parses and checks {@code body}; the batch is stamped {@code receivedAt}. Throws a {@link
   * com.fasterxml.jackson.core.JsonProcessingException} (with its location) when the body is not
   * strict JSON within the limits above.
   */
  public Result parse(byte[] body, long receivedAt) throws IOException {
    try (JsonParser p = JSON.createParser(body)) {
      return new Pass(p, receivedAt).run();
    }
  }

  /** The state of one parse. */
  private final class Pass {
    private final JsonParser p;
    private final long receivedAt;
    private final long earliest;
    private final long latest;
    private final String timeRule;

    // the contract's fields, in the order violations are reported
    private final Field client = new Field(ContractRules.Id.CLIENT, true);
    private final Field batch = new Field(ContractRules.Id.BATCH, true);
    private final Field screen = new Field(ContractRules.Id.SCREEN, true);
    private final Field session = new Field(ContractRules.Id.SESSION, false);
    private final List<Violation> viewportViolations = new ArrayList<>(2);
    private final List<Violation> eventViolations = new ArrayList<>();
    private Violation eventsViolation;
    private boolean sawViewport;
    private boolean sawEvents;
    private int viewportW;
    private int viewportH;
    private int n;
    private long[] t = new long[64];
    private double[] x = new double[64];
    private double[] y = new double[64];
    private byte[] type = new byte[64];
    private boolean stop;

    Pass(JsonParser p, long receivedAt) {
      this.p = p;
      this.receivedAt = receivedAt;
      long now = clock.millis();
      this.earliest = now - limits.maxAge().toMillis();
      this.latest = now + limits.maxFuture().toMillis();
      this.timeRule =
          "must be within the last "
              + limits.maxAge().toDays()
              + " days and at most "
              + limits.maxFuture().toMinutes()
              + " minutes ahead of the server's clock";
    }

    Result run() throws IOException {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new JsonParseException(p, "empty body");
      }
      if (first != JsonToken.START_OBJECT) {
        p.skipChildren();
        requireEnd();
        return refused(List.of(new Violation("$", "must be a JSON object")));
      }
      int unknown = 0;
      JsonToken token;
      while (!stop && (token = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "client_id" -> client.read(p);
          case "batch_id" -> batch.read(p);
          case "screen_id" -> screen.read(p);
          case "session_id" -> session.read(p);
          case "viewport" -> viewport();
          case "events" -> events();
          default -> {
            if (++unknown > MAX_UNKNOWN_FIELDS) {
              return refused(
                  List.of(
                      new Violation(
                          "$",
                          "more than " + MAX_UNKNOWN_FIELDS + " unknown fields in the batch")));
            }
            p.skipChildren();
          }
        }
      }
      if (!stop) {
        requireEnd();
      }
      // stopped early: the fields after the stop were not read, so none is reported missing
      boolean complete = !stop;
      List<Violation> v = new ArrayList<>();
      client.report(v, complete);
      batch.report(v, complete);
      screen.report(v, complete);
      session.report(v, complete);
      v.addAll(viewportViolations);
      if (!sawEvents && complete) {
        v.add(new Violation("events", "is required"));
      } else if (eventsViolation != null) {
        v.add(eventsViolation);
      }
      v.addAll(eventViolations);
      if (!v.isEmpty()) {
        return refused(v);
      }
      return new Result(
          new BatchRecord(
              client.value,
              batch.value,
              screen.value,
              session.value,
              sawViewport ? viewportW : null,
              sawViewport ? viewportH : null,
              receivedAt,
              Arrays.copyOf(t, n),
              Arrays.copyOf(x, n),
              Arrays.copyOf(y, n),
              Arrays.copyOf(type, n)),
          List.of());
    }

    /** Nothing may follow the body's object. */
    private void requireEnd() throws IOException {
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "unexpected content after the JSON object");
      }
    }

    private Result refused(List<Violation> v) {
      return new Result(
          null, v.size() > MAX_REPORTED ? List.copyOf(v.subList(0, MAX_REPORTED)) : List.copyOf(v));
    }

    private void viewport() throws IOException {
      JsonToken token = p.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        return;
      }
      if (token != JsonToken.START_OBJECT) {
        p.skipChildren();
        viewportViolations.add(new Violation("viewport", "must be an object {w, h}"));
        return;
      }
      boolean hasW = false;
      boolean hasH = false;
      int w = 0;
      int h = 0;
      int unknown = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "w" -> {
            w = side();
            hasW = w > 0;
          }
          case "h" -> {
            h = side();
            hasH = h > 0;
          }
          default -> {
            if (++unknown > MAX_UNKNOWN_FIELDS) {
              stop = true;
              viewportViolations.add(
                  new Violation("viewport", "more than " + MAX_UNKNOWN_FIELDS + " unknown fields"));
              return;
            }
            p.skipChildren();
          }
        }
      }
      String rule = "must be an integer from 1 to " + ContractRules.VIEWPORT_MAX;
      if (!hasW) {
        viewportViolations.add(new Violation("viewport.w", rule));
      }
      if (!hasH) {
        viewportViolations.add(new Violation("viewport.h", rule));
      }
      sawViewport = hasW && hasH;
      viewportW = w;
      viewportH = h;
    }

    /** A viewport side, or 0 when it is not one. */
    private int side() throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
          && p.getNumberType() == JsonParser.NumberType.INT
          && ContractRules.validViewportSide(p.getIntValue())) {
        return p.getIntValue();
      }
      p.skipChildren();
      return 0;
    }

    private void events() throws IOException {
      sawEvents = true;
      JsonToken token = p.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        sawEvents = false;
        return;
      }
      if (token != JsonToken.START_ARRAY) {
        p.skipChildren();
        eventsViolation = new Violation("events", "must be an array");
        return;
      }
      int i = 0;
      while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
        if (i == limits.maxEvents()) {
          eventsViolation =
              new Violation("events", "must hold 1 to " + limits.maxEvents() + " events, not more");
          eventViolations.clear();
          stop = true; // the rest is not read
          return;
        }
        event(i++, token);
        if (stop || eventViolations.size() > MAX_REPORTED) {
          stop = true;
          return;
        }
      }
      if (i == 0) {
        eventsViolation =
            new Violation("events", "must hold 1 to " + limits.maxEvents() + " events, not 0");
      }
    }

    private void event(int i, JsonToken token) throws IOException {
      if (token != JsonToken.START_OBJECT) {
        p.skipChildren();
        eventViolations.add(new Violation(path(i, null), "must be an object {t, x, y, type}"));
        return;
      }
      // what is wrong with each field, reported in the contract's order: t, x, y, type
      String badT = "must be an integer (epoch milliseconds)";
      String badX = "must be a number within [0,1]";
      String badY = badX;
      String badType = "must be a string: move or click";
      int eventType = -1;
      long time = 0;
      double ex = 0;
      double ey = 0;
      int unknown = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "t" -> {
            if (value == JsonToken.VALUE_NUMBER_INT
                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
              time = p.getLongValue();
              badT = time < earliest || time > latest ? timeRule : null;
            } else {
              p.skipChildren();
            }
          }
          case "x" -> {
            ex = unit(value);
            badX = unitViolation(value, ex);
          }
          case "y" -> {
            ey = unit(value);
            badY = unitViolation(value, ey);
          }
          case "type" -> {
            if (value == JsonToken.VALUE_STRING) {
              eventType = typeOf(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
              badType = eventType < 0 ? "must be move or click" : null;
            } else {
              p.skipChildren();
            }
          }
          default -> {
            if (++unknown > MAX_UNKNOWN_FIELDS) {
              eventViolations.add(
                  new Violation(
                      path(i, null), "more than " + MAX_UNKNOWN_FIELDS + " unknown fields"));
              stop = true;
              return;
            }
            p.skipChildren();
          }
        }
      }
      if (badT != null || badX != null || badY != null || badType != null) {
        add(i, "t", badT);
        add(i, "x", badX);
        add(i, "y", badY);
        add(i, "type", badType);
        return;
      }
      if (n == t.length) {
        int size = Math.min(limits.maxEvents(), 2 * n);
        t = Arrays.copyOf(t, size);
        x = Arrays.copyOf(x, size);
        y = Arrays.copyOf(y, size);
        type = Arrays.copyOf(type, size);
      }
      t[n] = time;
      x[n] = ex;
      y[n] = ey;
      type[n] = (byte) eventType;
      n++;
    }

    private void add(int i, String field, String violation) {
      if (violation != null) {
        eventViolations.add(new Violation(path(i, field), violation));
      }
    }

    /** A coordinate's value, NaN when it is not a number. */
    private double unit(JsonToken value) throws IOException {
      if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
        p.skipChildren();
        return Double.NaN;
      }
      return p.getDoubleValue();
    }
  }

  private static String unitViolation(JsonToken value, double d) {
    if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
      return "must be a number within [0,1]";
    }
    return ContractRules.validCoordinate(d) ? null : "must be within [0,1]";
  }

  /** One id field of the batch: its value, or why it is refused. */
  private static final class Field {
    final ContractRules.Id id;
    final boolean required;
    String value;
    Violation violation;
    boolean seen;

    Field(ContractRules.Id id, boolean required) {
      this.id = id;
      this.required = required;
    }

    void read(JsonParser p) throws IOException {
      JsonToken token = p.currentToken();
      if (token == JsonToken.VALUE_NULL) {
        return;
      }
      seen = true;
      if (token != JsonToken.VALUE_STRING) {
        p.skipChildren();
        violation = new Violation(id.field(), "must be a string");
        return;
      }
      String s = p.getText();
      if (!id.validLength(s)) {
        violation =
            new Violation(id.field(), "must be 1 to " + id.maxLength() + " characters long");
      } else if (!ContractRules.validChars(s)) {
        violation = new Violation(id.field(), "may contain only letters, digits and . _ : -");
      } else {
        value = s;
      }
    }

    void report(List<Violation> v, boolean complete) {
      if (violation != null) {
        v.add(violation);
      } else if (!seen && required && complete) {
        v.add(new Violation(id.field(), "is required"));
      }
    }
  }

  private static String path(int i, String field) {
    return field == null ? "events[" + i + "]" : "events[" + i + "]." + field;
  }

  /** The event type whose wire name these characters spell, as its ordinal; -1 for none. */
  private static int typeOf(char[] chars, int offset, int length) {
    for (EventType candidate : TYPES) {
      String wire = candidate.wire();
      if (wire.length() == length) {
        boolean same = true;
        for (int k = 0; k < length && same; k++) {
          same = wire.charAt(k) == chars[offset + k];
        }
        if (same) {
          return candidate.ordinal();
        }
      }
    }
    return -1;
  }
}
