package io.heatlab.ingest;

import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces accepted batches to Kafka — one record per event, key {@code client_id|screen_id}, record
 * timestamp = event time, value = {@link io.heatlab.contract.LandedEvent} JSON — and knows when to say no.
 *
 * <p>Producer: acks=all, idempotent, lz4, linger 5 ms, 128 KiB batches, one in-flight request per
 * connection (KAFKA-15591: an idempotent producer on a new topic can lose records otherwise, docs/FACTS.md),
 * never blocking a request thread for long ({@code max.block.ms} 1 s).
 *
 * <p>Admission ({@link #admit}): a batch is refused — and its request answered 503 with Retry-After —
 * when the events in flight would pass {@code maxInflightEvents}, when the oldest unacked batch is older
 * than {@code shedAfter} (Kafka slow or down), or while the last batch failed: then one batch a second is
 * let through as a probe (after a failure an idempotent producer may hold new records until a broker
 * answers again, so only the probe waits). Work in flight is therefore bounded whatever Kafka does, and
 * admission resumes by itself as soon as Kafka acks again.
 */
public final class EventProducer implements AutoCloseable {
  /** Why a batch was not admitted; null reason = admitted. */
  public enum Refusal { AT_CAPACITY, KAFKA_UNAVAILABLE }

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final int maxInflightEvents;
  private final long shedAfterNanos;
  private final AtomicInteger inflightEvents = new AtomicInteger();
  private final ConcurrentLinkedDeque<Pending> pending = new ConcurrentLinkedDeque<>();
  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
  private volatile boolean lastBatchFailed;
  private final java.util.concurrent.atomic.AtomicLong lastProbeNanos = new java.util.concurrent.atomic.AtomicLong();

  private static final class Pending {
    final long startNanos = System.nanoTime();
    volatile boolean done;
  }

  public EventProducer(String bootstrapServers, String topic, int maxInflightEvents, Duration shedAfter,
      Duration deliveryTimeout) {
    this.producer = new KafkaProducer<>(settings(bootstrapServers, deliveryTimeout), new ByteArraySerializer(),
        new ByteArraySerializer());
    this.topic = topic;
    this.maxInflightEvents = maxInflightEvents;
    this.shedAfterNanos = shedAfter.toNanos();
  }

  /** The producer settings of ingestion (also used by {@code bench ingest} for its raw-producer baseline). */
  public static Properties settings(String bootstrapServers, Duration deliveryTimeout) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "heatlab-ingest");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 131_072);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(5_000, deliveryTimeout.toMillis() / 2));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return p;
  }

  /** Null when a batch of {@code events} may be produced now, else why not. */
  public Refusal admit(int events) {
    if (oldestPendingNanos() > shedAfterNanos) {
      return Refusal.KAFKA_UNAVAILABLE;
    }
    if (lastBatchFailed) {
      long now = System.nanoTime();
      long last = lastProbeNanos.get();
      if (now - last < PROBE_INTERVAL_NANOS || !lastProbeNanos.compareAndSet(last, now)) {
        return Refusal.KAFKA_UNAVAILABLE;
      }
    }
    if (inflightEvents.get() + events > maxInflightEvents) {
      return Refusal.AT_CAPACITY;
    }
    return null;
  }

  private long oldestPendingNanos() {
    Pending head;
    while ((head = pending.peekFirst()) != null && head.done) {
      pending.pollFirst();
    }
    return head == null ? 0 : System.nanoTime() - head.startNanos;
  }

  /**
   * Sends every event of the batch; the future completes when Kafka acked all of them, or fails with the
   * first error once every send has an outcome (so nothing of the batch is still in flight).
   */
  public CompletableFuture<Void> send(EventBatch batch, long receivedAt) {
    int n = batch.events().size();
    CompletableFuture<Void> result = new CompletableFuture<>();
    Pending marker = new Pending();
    pending.addLast(marker);
    inflightEvents.addAndGet(n);
    AtomicInteger remaining = new AtomicInteger(n);
    AtomicReference<Exception> failure = new AtomicReference<>();
    byte[] key = batch.kafkaKey().getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < n; i++) {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, batch.events().get(i).t(), key,
          EventCodec.toJson(batch.landed(i, receivedAt)));
      try {
        producer.send(record, (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
          if (remaining.decrementAndGet() == 0) {
            marker.done = true;
            inflightEvents.addAndGet(-n);
            Exception first = failure.get();
            lastBatchFailed = first != null;
            if (first == null) {
              result.complete(null);
            } else {
              result.completeExceptionally(first);
            }
          }
        });
      } catch (RuntimeException e) { // send() itself failed (e.g. metadata wait timed out): count the rest as failed
        failure.compareAndSet(null, e);
        int notSent = n - i;
        if (remaining.addAndGet(-notSent) == 0) {
          marker.done = true;
          inflightEvents.addAndGet(-n);
          lastBatchFailed = true;
          result.completeExceptionally(e);
        }
        break;
      }
    }
    return result;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30)); // drains what was accepted
  }
}
