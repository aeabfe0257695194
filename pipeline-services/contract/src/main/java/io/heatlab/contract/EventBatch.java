package io.heatlab.contract;

import java.util.List;

/**
 * A validated ingestion batch ({@code POST /v1/batches}): one client, one screen, 1–1000 events.
 * Build one only through {@link BatchValidator}, which enforces the contract (docs/architecture.md
 * §2); unknown JSON fields of the request are ignored and never stored.
 *
 * @param sessionId optional, may be null
 * @param viewport optional, may be null
 */
public record EventBatch(
    String clientId,
    String batchId,
    String screenId,
    String sessionId,
    Viewport viewport,
    List<PointerEvent> events) {

  /** The browser's viewport in CSS pixels when the batch was sent. */
  public record Viewport(int w, int h) {}

  /**
   * The Kafka record key: {@code client_id|batch_id} — a resend of the batch lands in the same
   * partition, and a client's load spreads over every partition.
   */
  public String kafkaKey() {
    return clientId + "|" + batchId;
  }

  /** The landed form of event {@code i}, stamped with the time the batch was received. */
  public LandedEvent landed(int i, long receivedAt) {
    PointerEvent e = events.get(i);
    return new LandedEvent(
        clientId,
        screenId,
        sessionId,
        batchId,
        e.type().wire(),
        e.t(),
        e.x(),
        e.y(),
        viewport == null ? null : viewport.w(),
        viewport == null ? null : viewport.h(),
        receivedAt);
  }
}
