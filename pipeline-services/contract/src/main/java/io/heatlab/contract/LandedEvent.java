package io.heatlab.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One event as it travels from ingestion on: the value of a Kafka record on {@code heatmap.events}
 * and one landed row. Field names are the data contract's (docs/architecture.md §2); changing them
 * is a versioned migration. Times are epoch milliseconds, UTC. session_id and the viewport are null
 * when the page sent none.
 */
@JsonPropertyOrder({
  "client_id",
  "screen_id",
  "session_id",
  "batch_id",
  "event_type",
  "event_time",
  "x_norm",
  "y_norm",
  "viewport_w",
  "viewport_h",
  "received_at"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LandedEvent(
    @JsonProperty("client_id") String clientId,
    @JsonProperty("screen_id") String screenId,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("batch_id") String batchId,
    @JsonProperty("event_type") String eventType,
    @JsonProperty("event_time") long eventTime,
    @JsonProperty("x_norm") double xNorm,
    @JsonProperty("y_norm") double yNorm,
    @JsonProperty("viewport_w") Integer viewportW,
    @JsonProperty("viewport_h") Integer viewportH,
    @JsonProperty("received_at") long receivedAt) {

  /** The contract's field names, in order. */
  public static final List<String> FIELDS =
      List.of(
          "client_id",
          "screen_id",
          "session_id",
          "batch_id",
          "event_type",
          "event_time",
          "x_norm",
          "y_norm",
          "viewport_w",
          "viewport_h",
          "received_at");
}
