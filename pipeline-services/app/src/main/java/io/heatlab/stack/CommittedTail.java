package io.heatlab.stack;

import io.heatlab.contract.BatchRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
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

  /** Records read at the end of a longer tail to estimate its events. */
  static final int SAMPLE = 500;

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
   * What a stretch of a partition holds: records (one per batch on the v2 topic) and the events in
   * them; {@code exact} when every record was read, else the events are estimated from a sample;
   * {@code oldest}: the timestamp (ms; received_at on the events topic) of its first record, null
   * when it holds none or it could not be read — how far behind in time its consumer is.
   */
  public record Behind(long records, long events, boolean exact, Long oldest) {
    public static final Behind NONE = new Behind(0, 0, true, null);

    /** Milliseconds between the oldest record not yet consumed and {@code now}; null: none. */
    public Long behindMs(long now) {
      return oldest == null ? null : Math.max(0, now - oldest);
    }
  }

  /**
   * Records a read_committed consumer reads in [from, end) of the partition; when the tail is
   * longer than {@link #PROBE_LIMIT}, or cannot be read within {@code timeout} (an open
   * transaction), what is left unread counts in full.
   */
  public long records(String topic, int partition, long from, long end, Duration timeout) {
    return behind(topic, partition, from, end, timeout).records();
  }

  /**
   * Records and events a read_committed consumer reads in [from, end): each record's events from
   * its {@value BatchRecord#EVENTS_HEADER} header (a record without it, v1, is one event). A tail
   * longer than {@link #PROBE_LIMIT} is not read: its records are the offset difference and its
   * events that times the mean of the last {@value #SAMPLE} records before {@code end}; likewise
   * for what cannot be read within {@code timeout}.
   */
  public Behind behind(String topic, int partition, long from, long end, Duration timeout) {
    if (end <= from) {
      return Behind.NONE;
    }
    TopicPartition tp = new TopicPartition(topic, partition);
    long deadline = System.nanoTime() + timeout.toNanos();
    if (end - from > PROBE_LIMIT) {
      Long oldest = first(tp, from, end, deadline);
      long[] sample = read(tp, end - SAMPLE, end, deadline);
      double mean = sample[0] == 0 ? 1 : (double) sample[1] / sample[0];
      return new Behind(end - from, Math.round((end - from) * mean), false, oldest);
    }
    long[] read = read(tp, from, end, deadline);
    long unread = Math.max(0, end - consumer.position(tp));
    double mean = read[0] == 0 ? 1 : (double) read[1] / read[0];
    return new Behind(
        read[0] + unread,
        read[1] + Math.round(unread * mean),
        unread == 0,
        read[2] == Long.MAX_VALUE ? null : read[2]);
  }

  /** The timestamp of the first committed record in [from, end), if read before the deadline. */
  private Long first(TopicPartition tp, long from, long end, long deadline) {
    consumer.assign(List.of(tp));
    consumer.seek(tp, Math.max(0, from));
    while (consumer.position(tp) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.offset() < end) {
          return r.timestamp();
        }
      }
    }
    return null;
  }

  /**
   * {records, events, oldest timestamp (Long.MAX_VALUE: none)} read in [from, end) before the
   * deadline.
   */
  private long[] read(TopicPartition tp, long from, long end, long deadline) {
    consumer.assign(List.of(tp));
    consumer.seek(tp, Math.max(0, from));
    long records = 0;
    long events = 0;
    long oldest = Long.MAX_VALUE;
    while (consumer.position(tp) < end && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.offset() < end) {
          records++;
          events += eventsOf(r);
          oldest = Math.min(oldest, r.timestamp());
        }
      }
    }
    return new long[] {records, events, oldest};
  }

  private static long eventsOf(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(BatchRecord.EVENTS_HEADER);
    if (h == null) {
      return 1;
    }
    try {
      return Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
