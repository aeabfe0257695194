package io.heatlab.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Events-per-second limit per client_id: a token bucket holding at most one second of tokens,
 * refilled continuously. {@link #tryAcquire} takes a whole batch or nothing.
 */
final class ClientRateLimiter {
  private final double perSecond;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.lastNanos = now;
    }
  }

  /**
   * @param perSecond events per second per client; 0 disables the limit
   */
  ClientRateLimiter(int perSecond) {
    this.perSecond = perSecond;
  }

  boolean tryAcquire(String clientId, int events) {
    if (perSecond <= 0) {
      return true;
    }
    long now = System.nanoTime();
    Bucket b = buckets.computeIfAbsent(clientId, k -> new Bucket(perSecond, now));
    synchronized (b) {
      b.tokens = Math.min(perSecond, b.tokens + (now - b.lastNanos) / 1e9 * perSecond);
      b.lastNanos = now;
      if (b.tokens >= events) {
        b.tokens -= events;
        return true;
      }
      return false;
    }
  }
}
