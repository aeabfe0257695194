package io.heatlab.ingest;

import io.heatlab.config.ClientKeys;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.contract.BatchParser;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The ingestion endpoint's settings, read once from {@link HeatlabConfig} (see there for each one's
 * doc).
 */
public record IngestSettings(
    String bootstrapServers,
    String topic,
    ClientKeys writeKeys,
    int maxBodyBytes,
    int maxDecodedBytes,
    int bodyMinRate,
    Duration bodyGrace,
    BatchParser.Limits limits,
    int maxInflightEvents,
    Duration shedAfter,
    Duration deliveryTimeout,
    int rateLimitPerClient,
    PageOrigins origins,
    ScreenPatterns screenPatterns,
    Duration dedupTtl,
    String redisUrl,
    String transactionalIdPrefix,
    int producerLanes) {

  public static IngestSettings from(HeatlabConfig c, StackEndpoints endpoints) {
    return new IngestSettings(
        endpoints.kafkaBootstrap(),
        c.getString(HeatlabConfig.EVENTS_TOPIC),
        ClientKeys.write(c),
        c.getInt(HeatlabConfig.INGEST_MAX_BODY_BYTES),
        c.getInt(HeatlabConfig.INGEST_MAX_DECODED_BYTES),
        c.getInt(HeatlabConfig.INGEST_BODY_MIN_RATE),
        Duration.ofMillis(c.getLong(HeatlabConfig.INGEST_BODY_GRACE_MS)),
        new BatchParser.Limits(
            c.getInt(HeatlabConfig.INGEST_MAX_EVENTS),
            Duration.ofMillis(c.getLong(HeatlabConfig.INGEST_MAX_EVENT_AGE_MS)),
            Duration.ofMillis(c.getLong(HeatlabConfig.INGEST_MAX_EVENT_FUTURE_MS))),
        c.getInt(HeatlabConfig.INGEST_MAX_INFLIGHT_EVENTS),
        Duration.ofMillis(c.getLong(HeatlabConfig.INGEST_SHED_AFTER_MS)),
        Duration.ofMillis(c.getInt(HeatlabConfig.INGEST_DELIVERY_TIMEOUT_MS)),
        c.getInt(HeatlabConfig.INGEST_RATE_LIMIT),
        PageOrigins.parse(
            c.getString(HeatlabConfig.INGEST_ORIGINS),
            c.getString(HeatlabConfig.INGEST_CORS_ORIGINS),
            ownOrigins(endpoints.httpUrl())),
        ScreenPatterns.parse(c.getString(HeatlabConfig.INGEST_SCREEN_PATTERNS)),
        Duration.ofMillis(c.getLong(HeatlabConfig.INGEST_DEDUP_TTL_MS)),
        c.dedupRedisUrl(),
        "heatlab-ingest-"
            + (c.getString(HeatlabConfig.INGEST_INSTANCE_ID).isBlank()
                ? hostName() + "-" + c.getInt(HeatlabConfig.HTTP_PORT)
                : c.getString(HeatlabConfig.INGEST_INSTANCE_ID)),
        c.getInt(HeatlabConfig.INGEST_PRODUCER_LANES));
  }

  /**
   * This machine's name: with the HTTP port it makes the producers' transactional ids unique among
   * ingestion processes (each container has its own host name) and stable across a restart, so a
   * restarted process fences its predecessor's producers.
   */
  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** The server's own origin, under both loopback names a browser may use. */
  private static List<String> ownOrigins(String httpUrl) {
    String port = httpUrl.substring(httpUrl.lastIndexOf(':') + 1);
    return List.of(httpUrl, "http://localhost:" + port, "http://127.0.0.1:" + port);
  }

  /**
   * How long a body of {@code declaredLength} bytes (-1: unknown, counted as the largest allowed)
   * may take to arrive.
   */
  public Duration bodyDeadline(long declaredLength) {
    long bytes = declaredLength < 0 ? maxBodyBytes : Math.min(declaredLength, maxBodyBytes);
    return bodyGrace.plusMillis(bytes * 1000 / bodyMinRate);
  }

  public BatchDeduplicator newDeduplicator() {
    Duration pending = BatchDeduplicator.pendingTtl(deliveryTimeout);
    return redisUrl.isBlank()
        ? new InMemoryDeduplicator(dedupTtl, pending, 5_000_000)
        : new RedisDeduplicator(redisUrl, dedupTtl, pending);
  }
}
