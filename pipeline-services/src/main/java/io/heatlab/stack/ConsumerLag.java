package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's position on one topic, partition by partition: the log end offset and the group's
 * committed offset (absent until the group first commits on that partition). Read with the Kafka Admin
 * client — three requests, a few ms on a reused client. Used by the demo's wait, the soak, {@code
 * ./heatlab landing}, the console's Kafka view and the tests.
 */
public record ConsumerLag(String topic, String group, List<Partition> partitions) {

  /** One partition: end offset, committed offset or null when the group has none yet. */
  public record Partition(int partition, long endOffset, Long committed) {
    /** Records not yet committed; with no commit yet, everything in the log counts. */
    public long lag() {
      return Math.max(0, endOffset - (committed == null ? 0 : committed));
    }
  }

  /** The group of the landing connector (Connect names a sink's group {@code connect-<connector>}). */
  public static String landingGroup(HeatlabConfig config) {
    return "connect-" + config.getString(HeatlabConfig.LANDING_CONNECTOR);
  }

  /** The landing connector's lag on the events topic. */
  public static ConsumerLag landing(Admin admin, HeatlabConfig config, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    return read(admin, config.getString(HeatlabConfig.EVENTS_TOPIC), landingGroup(config), timeout);
  }

  /** Reads {@code group}'s position on every partition of {@code topic}. */
  public static ConsumerLag read(Admin admin, String topic, String group, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long ms = timeout.toMillis();
    var described = admin.describeTopics(List.of(topic)).allTopicNames().get(ms, TimeUnit.MILLISECONDS).get(topic);
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    described.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    var end = admin.listOffsets(latest).all().get(ms, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(ms, TimeUnit.MILLISECONDS);
    List<Partition> partitions = new ArrayList<>();
    for (TopicPartition tp : latest.keySet()) {
      OffsetAndMetadata c = committed.get(tp);
      partitions.add(new Partition(tp.partition(), end.get(tp).offset(), c == null ? null : c.offset()));
    }
    partitions.sort(Comparator.comparingInt(Partition::partition));
    return new ConsumerLag(topic, group, List.copyOf(partitions));
  }

  public long totalLag() {
    return partitions.stream().mapToLong(Partition::lag).sum();
  }

  public long totalEnd() {
    return partitions.stream().mapToLong(Partition::endOffset).sum();
  }

  public long totalCommitted() {
    return partitions.stream().mapToLong(p -> p.committed() == null ? 0 : p.committed()).sum();
  }

  /** Every partition committed up to its end offset. */
  public boolean caughtUp() {
    return partitions.stream().allMatch(p -> p.committed() != null ? p.committed() == p.endOffset() : p.endOffset() == 0);
  }
}
