package io.heatlab.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;

/**
 * {@link BatchDeduplicator} in this process (Caffeine, per-entry expiry, bounded size). Lost on
 * restart and not shared between ingestion instances: use Redis when more than one instance takes
 * traffic.
 */
public final class InMemoryDeduplicator implements BatchDeduplicator {
  private enum State {
    PENDING,
    DONE
  }

  private final Cache<String, State> seen;

  public InMemoryDeduplicator(Duration ttl, Duration pendingTtl, long maxEntries) {
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .expireAfter(
                new Expiry<String, State>() {
                  @Override
                  public long expireAfterCreate(String key, State value, long currentTime) {
                    return (value == State.DONE ? ttl : pendingTtl).toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, State value, long currentTime, long currentDuration) {
                    return (value == State.DONE ? ttl : pendingTtl).toNanos();
                  }

                  @Override
                  public long expireAfterRead(
                      String key, State value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
  }

  @Override
  public Claim claim(String clientId, String batchId) {
    State previous =
        seen.asMap().putIfAbsent(BatchDeduplicator.key(clientId, batchId), State.PENDING);
    return previous == null ? Claim.NEW : previous == State.DONE ? Claim.DONE : Claim.PENDING;
  }

  @Override
  public void complete(String clientId, String batchId) {
    seen.put(BatchDeduplicator.key(clientId, batchId), State.DONE);
  }

  @Override
  public void release(String clientId, String batchId) {
    seen.invalidate(BatchDeduplicator.key(clientId, batchId));
  }

  @Override
  public void hold(String clientId, String batchId) {
    // an update restarts the entry's pending TTL; an expired claim is taken back unless the batch
    // got completed
    seen.asMap()
        .compute(
            BatchDeduplicator.key(clientId, batchId),
            (k, v) -> v == State.DONE ? State.DONE : State.PENDING);
  }

  @Override
  public String describe() {
    return "memory";
  }
}
