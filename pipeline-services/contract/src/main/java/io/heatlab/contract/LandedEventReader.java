package io.heatlab.contract;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads a {@link LandedEvent} from its JSON with Jackson's streaming parser (several times faster
 * than data binding on this hot path: every landed record passes here) and tells whether the bytes
 * are already a clean JSON line of the contract — only the contract's fields, no line breaks — so a
 * JSON-lines writer can copy them as they are instead of encoding the event again.
 */
public final class LandedEventReader {
  private LandedEventReader() {}

  /** The event, and whether its bytes can be landed as they are. */
  public record Parsed(LandedEvent event, boolean clean) {}

  public static Parsed read(byte[] json) throws IOException {
    String clientId = null;
    String screenId = null;
    String sessionId = null;
    String batchId = null;
    String eventType = null;
    Long eventTime = null;
    Double x = null;
    Double y = null;
    Integer vw = null;
    Integer vh = null;
    Long receivedAt = null;
    boolean clean = true;
    try (JsonParser p = EventCodec.MAPPER.getFactory().createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case LandedRow.CLIENT_ID -> clientId = text(p, v, field);
          case LandedRow.SCREEN_ID -> screenId = text(p, v, field);
          case LandedRow.SESSION_ID -> sessionId = text(p, v, field);
          case LandedRow.BATCH_ID -> batchId = text(p, v, field);
          case LandedRow.EVENT_TYPE -> eventType = text(p, v, field);
          case LandedRow.EVENT_TIME -> eventTime = integral(p, v, field);
          case LandedRow.RECEIVED_AT -> receivedAt = integral(p, v, field);
          case LandedRow.X_NORM -> x = number(p, v, field);
          case LandedRow.Y_NORM -> y = number(p, v, field);
          case LandedRow.VIEWPORT_W -> vw = smallInt(p, v, field);
          case LandedRow.VIEWPORT_H -> vh = smallInt(p, v, field);
          default -> {
            clean = false;
            p.skipChildren();
          }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IOException("trailing content after the JSON object");
      }
    }
    if (eventTime == null || receivedAt == null || x == null || y == null) {
      throw new IOException("missing event_time, received_at, x_norm or y_norm");
    }
    for (byte b : json) {
      if (b == '\n' || b == '\r') {
        clean = false;
        break;
      }
    }
    return new Parsed(
        new LandedEvent(
            clientId, screenId, sessionId, batchId, eventType, eventTime, x, y, vw, vh, receivedAt),
        clean);
  }

  private static String text(JsonParser p, JsonToken v, String field) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_STRING) {
      throw new IOException(field + " must be a string");
    }
    return p.getText();
  }

  private static Long integral(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT) {
      throw new IOException(field + " must be an integer");
    }
    return p.getLongValue();
  }

  private static Double number(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new IOException(field + " must be a number");
    }
    return p.getDoubleValue();
  }

  private static Integer smallInt(JsonParser p, JsonToken v, String field) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_NUMBER_INT) {
      throw new IOException(field + " must be an integer");
    }
    return p.getIntValue();
  }
}
