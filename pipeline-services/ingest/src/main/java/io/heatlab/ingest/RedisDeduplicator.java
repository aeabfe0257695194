package io.heatlab.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * {@link BatchDeduplicator} in Redis, shared by every ingestion instance: {@code SET key
 * pending:<owner> NX PX pendingTtl} claims a batch, {@code SET key done PX ttl} completes it,
 * {@code DEL key} releases it; a hold re-sets a pending claim unless it is done.
 *
 * <p><b>Claims of a dead instance are taken over.</b> Each process (each start: its {@code owner}
 * is a fresh random id, whatever its configured identity) keeps {@code
 * heatlab:ingest:alive:<owner>} alive ({@link #ALIVE_TTL}, renewed every third of it). A request
 * that finds a batch pending for an owner that is no longer alive — the process was killed between
 * the claim and the answer — takes the claim over atomically (compare-and-set in a Lua script) and
 * produces the batch: the page's retry goes through within seconds of the crash instead of after
 * the pending TTL. If the dead process had committed the batch, it is in Kafka twice (at-least-once
 * across a crash); the rollups count it once.
 */
public final class RedisDeduplicator implements BatchDeduplicator {
  private static final Logger LOG = LoggerFactory.getLogger(RedisDeduplicator.class);
  private static final String PENDING = "pending:";
  private static final String DONE = "done";
  private static final String ALIVE = "heatlab:ingest:alive:";

  /** How long an instance that stopped renewing its liveness still counts as alive. */
  static final Duration ALIVE_TTL = Duration.ofSeconds(5);

  /** Sets KEYS[1] to ARGV[2] (PX ARGV[3]) only if it still holds ARGV[1]. */
  private static final String TAKE_OVER =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then "
          + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end";

  private final JedisPooled redis;
  private final String where;
  private final Duration ttl;
  private final Duration pendingTtl;
  private final Duration aliveTtl;
  private final String owner = UUID.randomUUID().toString();
  private final ScheduledExecutorService heartbeat;

  public RedisDeduplicator(String url, Duration ttl, Duration pendingTtl) {
    this(url, ttl, pendingTtl, ALIVE_TTL);
  }

  RedisDeduplicator(String url, Duration ttl, Duration pendingTtl, Duration aliveTtl) {
    URI uri = URI.create(url);
    this.redis = new JedisPooled(uri);
    this.where = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort(); // no credentials
    this.ttl = ttl;
    this.pendingTtl = pendingTtl;
    this.aliveTtl = aliveTtl;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heatlab-ingest-alive");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, aliveTtl.toMillis() / 3);
    heartbeat.scheduleWithFixedDelay(this::beat, 0, every, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    try {
      redis.set(ALIVE + owner, "1", SetParams.setParams().px(aliveTtl.toMillis()));
    } catch (RuntimeException e) {
      LOG.debug("liveness not renewed: {}", e.toString()); // Redis down: claims fail anyway
    }
  }

  @Override
  public Claim claim(String clientId, String batchId) {
    String key = BatchDeduplicator.key(clientId, batchId);
    String mine = PENDING + owner;
    if ("OK".equals(redis.set(key, mine, SetParams.setParams().nx().px(pendingTtl.toMillis())))) {
      return Claim.NEW;
    }
    String held = redis.get(key);
    if (held == null) { // released or expired meanwhile: try again once
      return "OK".equals(redis.set(key, mine, SetParams.setParams().nx().px(pendingTtl.toMillis())))
          ? Claim.NEW
          : Claim.PENDING;
    }
    if (DONE.equals(held)) {
      return Claim.DONE;
    }
    if (held.startsWith(PENDING)
        && !held.equals(mine)
        && !redis.exists(ALIVE + held.substring(PENDING.length()))) {
      Object taken =
          redis.eval(
              TAKE_OVER, List.of(key), List.of(held, mine, String.valueOf(pendingTtl.toMillis())));
      if (Long.valueOf(1).equals(taken)) {
        LOG.info("batch {} of {}: took over the claim of a dead instance", batchId, clientId);
        return Claim.NEW;
      }
    }
    return Claim.PENDING;
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
      redis.set(key, PENDING + owner, SetParams.setParams().px(pendingTtl.toMillis()));
    }
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public boolean reachable() {
    try {
      return "PONG".equals(redis.ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Stops renewing this instance's liveness and says it is gone (its claims are settled by now).
   */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      redis.del(ALIVE + owner);
    } catch (RuntimeException e) {
      LOG.debug("liveness not removed: {}", e.toString());
    }
    redis.close();
  }
}
