package io.heatlab.ingest;

import java.net.URI;
import java.time.Duration;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * {@link BatchDeduplicator} in Redis, shared by every ingestion instance: {@code SET key pending NX
 * PX pendingTtl} claims a batch, {@code SET key done PX ttl} completes it, {@code DEL key} releases
 * it; a hold re-sets a pending claim ({@code SET key pending PX pendingTtl} unless it is done).
 */
public final class RedisDeduplicator implements BatchDeduplicator {
  private static final String PENDING = "pending";
  private static final String DONE = "done";

  private final JedisPooled redis;
  private final String where;
  private final Duration ttl;
  private final Duration pendingTtl;

  public RedisDeduplicator(String url, Duration ttl, Duration pendingTtl) {
    URI uri = URI.create(url);
    this.redis = new JedisPooled(uri);
    this.where = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort(); // no credentials
    this.ttl = ttl;
    this.pendingTtl = pendingTtl;
  }

  @Override
  public Claim claim(String clientId, String batchId) {
    String key = BatchDeduplicator.key(clientId, batchId);
    if ("OK"
        .equals(redis.set(key, PENDING, SetParams.setParams().nx().px(pendingTtl.toMillis())))) {
      return Claim.NEW;
    }
    return DONE.equals(redis.get(key)) ? Claim.DONE : Claim.PENDING;
  }

  @Override
  public void complete(String clientId, String batchId) {
    redis.set(
        BatchDeduplicator.key(clientId, batchId), DONE, SetParams.setParams().px(ttl.toMillis()));
  }

  @Override
  public void release(String clientId, String batchId) {
    redis.del(BatchDeduplicator.key(clientId, batchId));
  }

  @Override
  public void hold(String clientId, String batchId) {
    String key = BatchDeduplicator.key(clientId, batchId);
    // only this process settles the batch while its commit is in doubt: nobody completes it
    // meanwhile
    if (!DONE.equals(redis.get(key))) {
      redis.set(key, PENDING, SetParams.setParams().px(pendingTtl.toMillis()));
    }
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public void close() {
    redis.close();
  }
}
