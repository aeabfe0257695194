package io.heatlab.console.kafka;

import io.heatlab.stack.CommittedTail;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One sample of the cluster through the Admin client: every (non-internal) topic partition's log
 * end offset, and every consumer group's committed offsets and state, its lag in records (one per
 * batch on the v2 topic), in events and in time ({@code behindMs}: how long ago the oldest record
 * it has not consumed was written, where it has one). Keys are {@code topic-partition} strings.
 */
public record KafkaSnapshot(
    Instant at,
    Map<String, Long> endOffsets,
    Map<String, Map<String, Long>> committed,
    Map<String, String> groupStates,
    Map<String, Map<String, Long>> lags,
    Map<String, Map<String, Long>> eventLags,
    Map<String, Map<String, Long>> behindMs) {

  /**
   * Reads a snapshot: four Admin round trips plus one per consumer group; each group's lag per
   * partition in records, short tails read with {@code tail} (transaction markers and aborted
   * batches take offsets).
   */
  public static KafkaSnapshot read(Admin admin, CommittedTail tail, Duration timeout)
      throws Exception {
    long ms = timeout.toMillis();
    Set<String> topics = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    if (!topics.isEmpty()) {
      Map<String, TopicDescription> described =
          admin.describeTopics(topics).allTopicNames().get(ms, TimeUnit.MILLISECONDS);
      described
          .values()
          .forEach(
              d ->
                  d.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(d.name(), p.partition()),
                                  OffsetSpec.latest())));
    }
    Map<String, Long> ends = new TreeMap<>(KafkaSnapshot::byTopicThenPartition);
    if (!latest.isEmpty()) {
      admin
          .listOffsets(latest)
          .all()
          .get(ms, TimeUnit.MILLISECONDS)
          .forEach((tp, info) -> ends.put(tp.toString(), info.offset()));
    }
    Collection<GroupListing> groups =
        admin
            .listGroups(ListGroupsOptions.forConsumerGroups())
            .all()
            .get(ms, TimeUnit.MILLISECONDS);
    Map<String, Map<String, Long>> committed = new TreeMap<>();
    Map<String, Map<String, Long>> lags = new TreeMap<>();
    Map<String, Map<String, Long>> eventLags = new TreeMap<>();
    Map<String, Map<String, Long>> behindMs = new TreeMap<>();
    Map<String, String> states = new HashMap<>();
    long now = System.currentTimeMillis();
    for (GroupListing g : groups) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(g.groupId())
              .partitionsToOffsetAndMetadata()
              .get(ms, TimeUnit.MILLISECONDS);
      Map<String, Long> byPartition = new TreeMap<>(KafkaSnapshot::byTopicThenPartition);
      offsets.forEach(
          (tp, o) -> {
            if (o != null) {
              byPartition.put(tp.toString(), o.offset());
            }
          });
      committed.put(g.groupId(), byPartition);
      Map<String, Long> lag = new TreeMap<>(KafkaSnapshot::byTopicThenPartition);
      Map<String, Long> eventLag = new TreeMap<>(KafkaSnapshot::byTopicThenPartition);
      Map<String, Long> behindBy = new TreeMap<>(KafkaSnapshot::byTopicThenPartition);
      byPartition.forEach(
          (k, c) -> {
            Long end = ends.get(k);
            if (end != null) {
              CommittedTail.Behind behind =
                  tail.behind(topicOf(k), partitionOf(k), c, end, Duration.ofSeconds(2));
              lag.put(k, behind.records());
              eventLag.put(k, behind.events());
              Long late = behind.behindMs(now);
              if (late != null && behind.records() > 0) {
                behindBy.put(k, late);
              }
            }
          });
      lags.put(g.groupId(), lag);
      eventLags.put(g.groupId(), eventLag);
      behindMs.put(g.groupId(), behindBy);
      states.put(g.groupId(), g.groupState().map(Object::toString).orElse("?"));
    }
    return new KafkaSnapshot(Instant.now(), ends, committed, states, lags, eventLags, behindMs);
  }

  /** The topic of a {@code topic-partition} key. */
  public static String topicOf(String key) {
    return key.substring(0, key.lastIndexOf('-'));
  }

  public static int partitionOf(String key) {
    return Integer.parseInt(key.substring(key.lastIndexOf('-') + 1));
  }

  static int byTopicThenPartition(String a, String b) {
    int t = topicOf(a).compareTo(topicOf(b));
    return t != 0 ? t : Integer.compare(partitionOf(a), partitionOf(b));
  }

  /** A group's lag in records: Σ over the partitions it committed on. */
  public long lag(String group) {
    return lags.getOrDefault(group, Map.of()).values().stream().mapToLong(Long::longValue).sum();
  }

  /** A group's lag in events (estimated on long tails): Σ over the partitions it committed on. */
  public long eventLag(String group) {
    return eventLags.getOrDefault(group, Map.of()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  /** A group's lag in events on one {@code topic-partition}. */
  public long eventLag(String group, String partition) {
    return eventLags.getOrDefault(group, Map.of()).getOrDefault(partition, 0L);
  }

  /**
   * How far behind in time a group is: the oldest record it has not consumed, over its partitions
   * (ms; null when it is caught up everywhere or nothing could be read).
   */
  public Long behindMs(String group) {
    return behindMs.getOrDefault(group, Map.of()).values().stream().max(Long::compare).orElse(null);
  }

  /** The same on one {@code topic-partition}. */
  public Long behindMs(String group, String partition) {
    return behindMs.getOrDefault(group, Map.of()).get(partition);
  }

  /** A group's lag in records on one {@code topic-partition}. */
  public long lag(String group, String partition) {
    return lags.getOrDefault(group, Map.of()).getOrDefault(partition, 0L);
  }
}
