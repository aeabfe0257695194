package io.heatlab.contract;

import java.util.List;

/**
 * An ingestion batch ({@code POST /v1/batches}) as objects: one client, one screen, 1–1000 events.
 * What the traffic generator, the benchmarks and the tests build and send ({@link
 * EventCodec#requestJson}); ingestion itself reads a body straight into a {@link BatchRecord}'s
 * columns ({@link BatchParser}, which enforces the contract: docs/architecture.md §2).
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
