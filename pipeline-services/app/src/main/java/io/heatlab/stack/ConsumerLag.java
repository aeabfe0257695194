package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's position on one topic, partition by partition: the log end offset and the
 * group's committed offset (absent until the group first commits on that partition), and the lag in
 * records. Read with the Kafka Admin client — three requests, a few ms on a reused client — and,
 * given a {@link CommittedTail}, short tails are read to count records instead of offsets (the
 * events topic is transactional: markers and aborted batches take offsets a read_committed consumer
 * never sees). Used by the demo's wait, the soak, {@code ./heatlab landing}, the console and the
 * tests.
 */
public record ConsumerLag(String topic, String group, List<Partition> partitions) {

  /**
   * One partition: end offset, committed offset or null when the group has none yet, and the lag:
   * records not yet committed (counted by reading the tail when a {@link CommittedTail} was given,
   * else the offset difference); with no commit yet, everything in the log counts.
   */
  public record Partition(int partition, long endOffset, Long committed, long lag) {}

  /**
   * The group of the landing connector (Connect names a sink's group {@code connect-<connector>}).
   */
  public static String landingGroup(HeatlabConfig config) {
    return "connect-" + config.getString(HeatlabConfig.LANDING_CONNECTOR);
  }

  /**
   * The landing connector's lag on the events topic, in records ({@code tail} may be null:
   * offsets).
   */
  public static ConsumerLag landing(
      Admin admin, CommittedTail tail, HeatlabConfig config, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    return read(
        admin, tail, config.getString(HeatlabConfig.EVENTS_TOPIC), landingGroup(config), timeout);
  }

  /**
   * Reads {@code group}'s position on every partition of {@code topic} ({@code tail} may be null:
   * offsets).
   */
  public static ConsumerLag read(
      Admin admin, CommittedTail tail, String topic, String group, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long ms = timeout.toMillis();
    var described =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(ms, TimeUnit.MILLISECONDS)
            .get(topic);
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    described
        .partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    var end = admin.listOffsets(latest).all().get(ms, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(ms, TimeUnit.MILLISECONDS);
    List<Partition> partitions = new ArrayList<>();
    for (TopicPartition tp : latest.keySet()) {
      OffsetAndMetadata c = committed.get(tp);
      long endOffset = end.get(tp).offset();
      long from = c == null ? 0 : c.offset();
      long lag =
          tail == null
              ? Math.max(0, endOffset - from)
              : tail.records(topic, tp.partition(), from, endOffset, timeout);
      partitions.add(new Partition(tp.partition(), endOffset, c == null ? null : c.offset(), lag));
    }
    partitions.sort(Comparator.comparingInt(Partition::partition));
    return new ConsumerLag(topic, group, List.copyOf(partitions));
  }

  /** Records not yet committed, over all partitions. */
  public long totalLag() {
    return partitions.stream().mapToLong(Partition::lag).sum();
  }

  public long totalEnd() {
    return partitions.stream().mapToLong(Partition::endOffset).sum();
  }

  public long totalCommitted() {
    return partitions.stream().mapToLong(p -> p.committed() == null ? 0 : p.committed()).sum();
  }

  /** No record left to commit on any partition. */
  public boolean caughtUp() {
    return totalLag() == 0;
  }

  /**
   * Waits until the landing connector has committed every offset of the events topic (lag 0) and
   * returns how long that took, or empty after {@code timeout}. A read that fails (a broker
   * restarting) is asked again; {@code progress} gets the lag about every 5 s.
   */
  public static Optional<Duration> awaitLanding(
      Admin admin,
      CommittedTail tail,
      HeatlabConfig config,
      Duration timeout,
      LongConsumer progress)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long lastProgress = start;
    while (System.nanoTime() < deadline) {
      try {
        long lag = landing(admin, tail, config, Duration.ofSeconds(5)).totalLag();
        if (lag == 0) {
          return Optional.of(Duration.ofNanos(System.nanoTime() - start));
        }
        if (System.nanoTime() - lastProgress > 5_000_000_000L) {
          lastProgress = System.nanoTime();
          progress.accept(lag);
        }
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        // a broker restarting: ask again
      }
      Thread.sleep(500);
    }
    return Optional.empty();
  }
}
