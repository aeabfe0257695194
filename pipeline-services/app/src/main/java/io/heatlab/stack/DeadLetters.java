package io.heatlab.stack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The landing connector's dead-letter topic, read and re-driven. Connect reports a poison record
 * there with its reason and source in headers ({@code __connect.errors.exception.message}, {@code
 * __connect.errors.topic|partition|offset}); reports are at least once (a replayed partition
 * reports again), so letters are keyed by their source record and each is listed once. Re-drive
 * sends a letter's key and value back to its source topic — after a fix (a contract change, a
 * connector that now accepts it); one still poison comes back here with its new offset. A batch
 * re-driven twice is still counted once (the rollups count a batch id once).
 */
public final class DeadLetters implements AutoCloseable {
  static final String REASON = "__connect.errors.exception.message";
  static final String ERROR_CLASS = "__connect.errors.exception.class.name";
  static final String SOURCE_TOPIC = "__connect.errors.topic";
  static final String SOURCE_PARTITION = "__connect.errors.partition";
  static final String SOURCE_OFFSET = "__connect.errors.offset";

  /** The header a re-driven record carries: the dead-letter record it came from. */
  public static final String REDRIVEN_FROM = "heatlab.redriven.from";

  /**
   * One dead letter: where it sits in the dead-letter topic, when it was reported, its source
   * record, the reason, and the record itself.
   */
  public record Letter(
      int partition,
      long offset,
      Instant reportedAt,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset,
      String reason,
      String errorClass,
      byte[] key,
      byte[] value) {
    /** "heatmap.batches-3@1520". */
    public String source() {
      return sourceTopic + "-" + sourcePartition + "@" + sourceOffset;
    }

    /** The record's value as text, cut to {@code max} characters. */
    public String preview(int max) {
      String v = value == null ? "" : new String(value, StandardCharsets.UTF_8);
      return v.length() > max ? v.substring(0, max) + "…" : v;
    }
  }

  private final String bootstrap;
  private final String topic;
  private KafkaProducer<byte[], byte[]> producer; // created on the first re-drive

  public DeadLetters(String bootstrapServers, String deadLetterTopic) {
    this.bootstrap = bootstrapServers;
    this.topic = deadLetterTopic;
  }

  public String topic() {
    return topic;
  }

  /**
   * The newest letters, at most {@code max} per partition of the dead-letter topic, newest first,
   * one per source record; empty when the topic does not exist yet (nothing was ever poison).
   */
  public List<Letter> newest(int max, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    Map<String, Letter> bySource = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        return List.of();
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts, timeout);
      Map<TopicPartition, Long> begins = c.beginningOffsets(parts, timeout);
      long remaining = 0;
      for (TopicPartition tp : parts) {
        long from = Math.max(begins.get(tp), ends.get(tp) - max);
        c.seek(tp, from);
        remaining += ends.get(tp) - from;
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (remaining > 0 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          Letter l = letter(r);
          bySource.put(l.source(), l); // the newest report of a source record wins
        }
        remaining = 0;
        for (TopicPartition tp : parts) {
          remaining += Math.max(0, ends.get(tp) - c.position(tp));
        }
      }
    }
    List<Letter> letters = new ArrayList<>(bySource.values());
    letters.sort(Comparator.comparing(Letter::reportedAt).reversed());
    return letters;
  }

  static Letter letter(ConsumerRecord<byte[], byte[]> r) {
    return new Letter(
        r.partition(),
        r.offset(),
        Instant.ofEpochMilli(r.timestamp()),
        header(r, SOURCE_TOPIC, "?"),
        parseInt(header(r, SOURCE_PARTITION, "-1")),
        parseLong(header(r, SOURCE_OFFSET, "-1")),
        header(r, REASON, "(no reason recorded)"),
        header(r, ERROR_CLASS, ""),
        r.key(),
        r.value());
  }

  private static String header(ConsumerRecord<?, ?> r, String name, String fallback) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null
        ? fallback
        : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Sends each letter's key and value back to its source topic (acks=all, idempotent), with {@link
   * #REDRIVEN_FROM} naming the letter; waits until every send is acknowledged.
   *
   * @return how many records were sent
   * @throws IllegalArgumentException for a letter without a source topic
   */
  public synchronized int redrive(Collection<Letter> letters) throws Exception {
    for (Letter l : letters) {
      if (l.sourceTopic().equals("?") || l.sourceTopic().isBlank()) {
        throw new IllegalArgumentException(
            "dead letter " + l.partition() + "@" + l.offset() + " names no source topic");
      }
    }
    if (producer == null) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (Letter l : letters) {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(l.sourceTopic(), l.key(), l.value());
      r.headers()
          .add(
              REDRIVEN_FROM,
              (topic + "-" + l.partition() + "@" + l.offset()).getBytes(StandardCharsets.UTF_8));
      sent.add(producer.send(r));
    }
    for (Future<RecordMetadata> f : sent) {
      f.get();
    }
    return sent.size();
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
