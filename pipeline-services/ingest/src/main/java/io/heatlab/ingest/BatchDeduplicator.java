package io.heatlab.ingest;

import java.time.Duration;

/**
 * Remembers which {@code (client_id, batch_id)} pairs were accepted recently, so that a batch a
 * page sends again (a retry after a lost answer) is answered {@code 202 {duplicate:true}} and not
 * produced twice.
 *
 * <p>Protocol, per batch: {@link #claim} → produce → {@link #complete} on success, or {@link
 * #release} on failure (the client's retry then goes through); while Kafka has not said whether the
 * batch's commit went through, {@link #hold} renews the pending claim. A claim is held as
 * <em>pending</em> for {@code pendingTtl} (longer than the producer's delivery timeout), a
 * completed batch is remembered for {@code ttl} (default 10 minutes).
 *
 * <p>Trade-off: if the process dies between {@link #claim} and {@link #complete}, its pending claim
 * is taken over by the next retry once the process is seen dead (Redis: {@link RedisDeduplicator},
 * within seconds) or expires after {@code pendingTtl}; until then a retry is answered 503 (in
 * progress), after it the retry is produced. No accepted event is lost that way; but if the process
 * dies after Kafka acked and before {@link #complete}, the retry is produced again: the guarantee
 * is at-least-once across crashes (the rollups count such a batch once), exactly-once otherwise.
 */
public interface BatchDeduplicator extends AutoCloseable {

  enum Claim {
    /** First time seen: produce it. */
    NEW,
    /** Accepted before: answer 202 duplicate. */
    DONE,
    /**
     * Another request for the same batch is being produced (or died doing it): answer 503, retry
     * later.
     */
    PENDING
  }

  Claim claim(String clientId, String batchId);

  void complete(String clientId, String batchId);

  void release(String clientId, String batchId);

  /** Renews a pending claim for another {@code pendingTtl} (a completed batch is left as it is). */
  void hold(String clientId, String batchId);

  /** Where the state lives, for logs and /healthz ({@code memory} or {@code redis://host:port}). */
  String describe();

  /** Whether the store answers now (a cheap round trip); never throws. */
  default boolean reachable() {
    return true;
  }

  @Override
  default void close() {}

  static String key(String clientId, String batchId) {
    return "heatlab:batch:" + clientId + ":" + batchId;
  }

  static Duration pendingTtl(Duration deliveryTimeout) {
    return deliveryTimeout.plusSeconds(20);
  }
}
