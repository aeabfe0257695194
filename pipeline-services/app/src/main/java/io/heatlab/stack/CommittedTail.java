package io.heatlab.stack;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records a {@code read_committed} consumer would still read in a stretch of a
 * partition. Offsets alone overstate a transactional topic's lag: every transaction leaves a commit
 * marker (one offset, no record), aborted batches leave records nobody reads, and a sink commits
 * "last record + 1" — so a caught-up landing connector sits a few offsets below the log end
 * forever. Reading the short tail settles it. Not thread-safe: one per sampling thread.
 */
public final class CommittedTail implements AutoCloseable {
  /** Tails longer than this are not read: the offset difference is reported as is. */
  public static final long PROBE_LIMIT = 5_000;

  private final KafkaConsumer<byte[], byte[]> consumer;

  public CommittedTail(String bootstrapServers) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                (int) PROBE_LIMIT),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
  }

  /**
   * Records a read_committed consumer reads in [from, end) of the partition; when the tail is
   * longer than {@link #PROBE_LIMIT}, or cannot be read within {@code timeout} (an open
   * transaction), what is left unread counts in full.
   */
  public long records(String topic, int partition, long from, long end, Duration timeout) {
    if (end <= from) {
      return 0;
    }
    if (end - from > PROBE_LIMIT) {
      return end - from;
    }
    TopicPartition tp = new TopicPartition(topic, partition);
    consumer.assign(List.of(tp));
    consumer.seek(tp, from);
    long count = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(tp) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.offset() < end) {
          count++;
        }
      }
    }
    return count + Math.max(0, end - consumer.position(tp));
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
