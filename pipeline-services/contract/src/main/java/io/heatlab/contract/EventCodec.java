package io.heatlab.contract;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

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

  public static byte[] toJson(LandedEvent event) {
    try {
      return LANDED_WRITER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("LandedEvent is always serialisable", e);
    }
  }

  /**
   * The request body of {@code POST /v1/batches} for {@code batch} — the contract's wire names
   * (docs/architecture.md §2), written in one streaming pass: what the traffic generator and the
   * benchmarks send.
   */
  public static byte[] requestJson(EventBatch batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96 + batch.events().size() * 56);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField(ContractRules.Id.CLIENT.field(), batch.clientId());
      g.writeStringField(ContractRules.Id.BATCH.field(), batch.batchId());
      g.writeStringField(ContractRules.Id.SCREEN.field(), batch.screenId());
      if (batch.sessionId() != null) {
        g.writeStringField(ContractRules.Id.SESSION.field(), batch.sessionId());
      }
      if (batch.viewport() != null) {
        g.writeObjectFieldStart("viewport");
        g.writeNumberField("w", batch.viewport().w());
        g.writeNumberField("h", batch.viewport().h());
        g.writeEndObject();
      }
      g.writeArrayFieldStart("events");
      for (PointerEvent e : batch.events()) {
        g.writeStartObject();
        g.writeNumberField("t", e.t());
        g.writeNumberField("x", e.x());
        g.writeNumberField("y", e.y());
        g.writeStringField("type", e.type().wire());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  public static LandedEvent fromJson(byte[] json) throws IOException {
    return LANDED_READER.readValue(json);
  }
}
