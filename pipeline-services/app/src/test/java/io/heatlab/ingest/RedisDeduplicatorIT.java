package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.ingest.BatchDeduplicator.Claim;
import io.heatlab.stack.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis de-duplication store against a real redis-server, and the same protocol in memory. */
class RedisDeduplicatorIT {
  private static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    redis.close();
  }

  @Test
  void redisClaimsCompletesAndReleasesBatches() {
    try (RedisDeduplicator dedup =
        new RedisDeduplicator(redis.url(), Duration.ofMinutes(10), Duration.ofSeconds(30))) {
      assertProtocol(dedup);
      try (Jedis j = new Jedis("127.0.0.1", redis.port())) {
        assertThat(j.get("heatlab:batch:demo:b-1")).isEqualTo("done");
        assertThat(j.pttl("heatlab:batch:demo:b-1")).isBetween(1L, 600_000L);
      }
    }
  }

  @Test
  void inMemoryFollowsTheSameProtocol() {
    assertProtocol(new InMemoryDeduplicator(Duration.ofMinutes(10), Duration.ofSeconds(30), 1000));
  }

  @Test
  void aPendingClaimLeftByACrashExpiresSoTheRetryGoesThrough() throws Exception {
    try (RedisDeduplicator dedup =
        new RedisDeduplicator(redis.url(), Duration.ofMinutes(10), Duration.ofMillis(500))) {
      assertThat(dedup.claim("demo", "crashed")).isEqualTo(Claim.NEW);
      assertThat(dedup.claim("demo", "crashed")).isEqualTo(Claim.PENDING);
      Thread.sleep(700);
      assertThat(dedup.claim("demo", "crashed")).isEqualTo(Claim.NEW);
    }
  }

  /**
   * Two instances share the store: a batch pending at a live instance stays pending for the other;
   * once that instance is gone (here it stops; a killed one stops renewing its liveness and is gone
   * after 5 s), the other takes the claim over at once instead of waiting for the pending TTL.
   */
  @Test
  void theClaimOfAnInstanceThatIsGoneIsTakenOverByAnother() throws Exception {
    try (RedisDeduplicator b =
        new RedisDeduplicator(redis.url(), Duration.ofMinutes(10), Duration.ofMinutes(5))) {
      RedisDeduplicator a =
          new RedisDeduplicator(
              redis.url(), Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofSeconds(2));
      assertThat(a.claim("demo", "cut")).isEqualTo(Claim.NEW);
      Thread.sleep(100); // a's first liveness beat is in
      assertThat(b.claim("demo", "cut")).as("a is alive: its claim holds").isEqualTo(Claim.PENDING);
      a.close(); // gone without settling the batch
      assertThat(b.claim("demo", "cut"))
          .as("taken over, not left to the 5 min TTL")
          .isEqualTo(Claim.NEW);
      assertThat(b.claim("demo", "cut")).as("now b's own claim").isEqualTo(Claim.PENDING);
      b.complete("demo", "cut");
      assertThat(b.claim("demo", "cut")).isEqualTo(Claim.DONE);
    }
  }

  @Test
  void aHeldClaimOutlivesItsPendingTtlInRedisAndInMemory() throws Exception {
    try (RedisDeduplicator dedup =
        new RedisDeduplicator(redis.url(), Duration.ofMinutes(10), Duration.ofMillis(600))) {
      assertHoldKeepsTheClaim(dedup);
    }
    assertHoldKeepsTheClaim(
        new InMemoryDeduplicator(Duration.ofMinutes(10), Duration.ofMillis(600), 1000));
  }

  /**
   * A commit in doubt: the claim is renewed while Kafka has not answered, and a completed batch
   * stays done.
   */
  private static void assertHoldKeepsTheClaim(BatchDeduplicator dedup) throws InterruptedException {
    assertThat(dedup.claim("demo", "in-doubt")).isEqualTo(Claim.NEW);
    for (int i = 0; i < 4; i++) {
      Thread.sleep(300);
      dedup.hold("demo", "in-doubt");
    }
    assertThat(dedup.claim("demo", "in-doubt"))
        .as("held past its pending TTL (%s)", dedup.describe())
        .isEqualTo(Claim.PENDING);
    dedup.complete("demo", "in-doubt");
    dedup.hold("demo", "in-doubt");
    assertThat(dedup.claim("demo", "in-doubt")).isEqualTo(Claim.DONE);
  }

  private static void assertProtocol(BatchDeduplicator dedup) {
    assertThat(dedup.claim("demo", "b-1")).isEqualTo(Claim.NEW);
    assertThat(dedup.claim("demo", "b-1")).isEqualTo(Claim.PENDING);
    assertThat(dedup.claim("other", "b-1")).as("batch ids are per client").isEqualTo(Claim.NEW);
    dedup.complete("demo", "b-1");
    assertThat(dedup.claim("demo", "b-1")).isEqualTo(Claim.DONE);

    assertThat(dedup.claim("demo", "b-2")).isEqualTo(Claim.NEW);
    dedup.release("demo", "b-2");
    assertThat(dedup.claim("demo", "b-2"))
        .as("a released batch can be retried")
        .isEqualTo(Claim.NEW);
  }
}
