package io.heatlab.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One event as it travels from ingestion on: the value of a Kafka record on {@code heatmap.events}
 * and one landed row, shaped as {@link LandedRow} says (docs/architecture.md §2); changing it is a
 * versioned migration. Times are epoch milliseconds, UTC. session_id and the viewport are null when
 * the page sent none.
 */
@JsonPropertyOrder({
  LandedRow.CLIENT_ID,
  LandedRow.SCREEN_ID,
  LandedRow.SESSION_ID,
  LandedRow.BATCH_ID,
  LandedRow.EVENT_TYPE,
  LandedRow.EVENT_TIME,
  LandedRow.X_NORM,
  LandedRow.Y_NORM,
  LandedRow.VIEWPORT_W,
  LandedRow.VIEWPORT_H,
  LandedRow.RECEIVED_AT
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LandedEvent(
    @JsonProperty(LandedRow.CLIENT_ID) String clientId,
    @JsonProperty(LandedRow.SCREEN_ID) String screenId,
    @JsonProperty(LandedRow.SESSION_ID) String sessionId,
    @JsonProperty(LandedRow.BATCH_ID) String batchId,
    @JsonProperty(LandedRow.EVENT_TYPE) String eventType,
    @JsonProperty(LandedRow.EVENT_TIME) long eventTime,
    @JsonProperty(LandedRow.X_NORM) double xNorm,
    @JsonProperty(LandedRow.Y_NORM) double yNorm,
    @JsonProperty(LandedRow.VIEWPORT_W) Integer viewportW,
    @JsonProperty(LandedRow.VIEWPORT_H) Integer viewportH,
    @JsonProperty(LandedRow.RECEIVED_AT) long receivedAt) {

  /** The contract's field names, in order ({@link LandedRow#NAMES}). */
  public static final List<String> FIELDS = LandedRow.NAMES;
}
