package io.heatlab.contract;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON codecs of the contract, one configured Jackson mapper for all of heatlab's event JSON:
 * strict parsing (no NaN/Infinity, no comments, no trailing tokens, duplicate keys rejected), and
 * the {@link LandedEvent} writer/reader used for Kafka record values and landed rows.
 */
public final class EventCodec {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();
  private static final ObjectWriter LANDED_WRITER = MAPPER.writerFor(LandedEvent.class);
  private static final ObjectReader LANDED_READER = MAPPER.readerFor(LandedEvent.class);

  private EventCodec() {}

  /** Parses a request body into a JSON tree; throws with Jackson's location on malformed JSON. */
  public static JsonNode parseTree(byte[] body) throws IOException {
    JsonNode node = MAPPER.readTree(body);
    if (node == null || node.isMissingNode()) {
      throw new JsonParseException(null, "empty body");
    }
    return node;
  }

  public static byte[] toJson(LandedEvent event) {
    try {
      return LANDED_WRITER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("LandedEvent is always serialisable", e);
    }
  }

  public static LandedEvent fromJson(byte[] json) throws IOException {
    return LANDED_READER.readValue(json);
  }
}
