package io.heatlab.console.kafka;

import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.LandedEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A live tail of the events topic, from the end of the log: a consumer without a group — it assigns
 * itself every partition and commits nothing, so it never disturbs the landing connector and leaves
 * no consumer group behind in the cluster (a group per console session used to show up later as a
 * lagging group) — decoding each record with the contract and passing those that match the {@link
 * Filter} to a sink in batches. Partitions added to the topic are picked up every 30 s. Runs on its
 * own thread until {@link #close()}.
 */
public final class LiveTail implements KafkaModel.Tail {
  /** One tailed event with where it sits in the log. */
  public record Row(int partition, long offset, LandedEvent event) {}

  /** Matches events by client and screen (substring, empty = any) and type (null = any). */
  public record Filter(String client, String screen, String type) {
    public static final Filter ANY = new Filter("", "", null);

    public boolean matches(LandedEvent e) {
      return (client == null || client.isBlank() || e.clientId().contains(client.strip()))
          && (screen == null || screen.isBlank() || e.screenId().contains(screen.strip()))
          && (type == null || type.equals(e.eventType()));
    }
  }

  private static final long REASSIGN_MS = 30_000;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final String topic;
  private volatile Filter filter;
  private volatile boolean closed;

  public LiveTail(
      String bootstrap,
      String topic,
      Filter filter,
      Consumer<List<Row>> sink,
      Consumer<Exception> onError) {
    this.topic = topic;
    this.filter = filter;
    Properties p = new Properties();
    p.putAll(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            "false",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "latest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            "2000",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class.getName()));
    consumer = new KafkaConsumer<>(p);
    thread = new Thread(() -> run(sink, onError), "heatlab-console-tail");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Consumer<List<Row>> sink, Consumer<Exception> onError) {
    try {
      long assignedAt = 0;
      while (!closed) {
        if (System.currentTimeMillis() - assignedAt > REASSIGN_MS) {
          assignNew();
          assignedAt = System.currentTimeMillis();
        }
        List<Row> rows = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
          try {
            for (LandedEvent e : BatchRecord.rowsOf(r.value())) { // a batch: its events
              if (filter.matches(e)) {
                rows.add(new Row(r.partition(), r.offset(), e));
              }
            }
          } catch (IOException | RuntimeException bad) {
            // a record outside the contract is the landing connector's DLQ business, not the tail's
          }
        }
        if (!rows.isEmpty()) {
          sink.accept(rows);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        onError.accept(e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Assigns the topic's partitions not assigned yet, each from its end. */
  private void assignNew() {
    Set<TopicPartition> all = new HashSet<>(consumer.assignment());
    List<TopicPartition> added = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
      TopicPartition tp = new TopicPartition(topic, info.partition());
      if (all.add(tp)) {
        added.add(tp);
      }
    }
    if (!added.isEmpty()) {
      consumer.assign(all);
      consumer.seekToEnd(added);
    }
  }

  public void filter(Filter f) {
    this.filter = f;
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
  }
}
