package io.heatlab.landing;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * What landing keeps per Kafka partition in {@code _landing/state/<topic>+<partition>.json}: the
 * ends of the last write cycles (written <em>before</em> a cycle's objects — the write-ahead record
 * that lets a restarted task cut exactly the same cycles, hence write exactly the same objects),
 * and counters for operators.
 *
 * @param boundaries last offsets of recent write cycles, increasing
 * @param durableOffset next offset after the last cycle whose objects are all written (-1: none
 *     yet)
 * @param recordsWritten rows (events) written by cycles, rewrites after a restart included: one per
 *     v1 record, a batch record's events (the JSON name stays {@code records_written})
 * @param bytesWritten bytes of objects written, likewise
 * @param objectsWritten objects written, likewise
 * @param lastFlush epoch ms of the last completed cycle
 */
public record PartitionState(
    @JsonProperty("topic") String topic,
    @JsonProperty("partition") int partition,
    @JsonProperty("boundaries") List<Long> boundaries,
    @JsonProperty("durable_offset") long durableOffset,
    @JsonProperty("records_written") long recordsWritten,
    @JsonProperty("bytes_written") long bytesWritten,
    @JsonProperty("objects_written") long objectsWritten,
    @JsonProperty("last_flush") long lastFlush) {

  public static PartitionState empty(String topic, int partition) {
    return new PartitionState(topic, partition, List.of(), -1, 0, 0, 0, 0);
  }

  /**
   * The first logged cycle end after {@code offset}, if any: a replay must end its cycle exactly
   * there.
   */
  public Long boundaryAfter(long offset) {
    for (long b : boundaries) {
      if (b > offset) {
        return b;
      }
    }
    return null;
  }

  PartitionState withBoundary(long end, int keep) {
    if (boundaries.contains(end)) {
      return this;
    }
    List<Long> b = new ArrayList<>(boundaries);
    b.add(end);
    b.sort(null);
    return new PartitionState(
        topic,
        partition,
        List.copyOf(b.subList(Math.max(0, b.size() - keep), b.size())),
        durableOffset,
        recordsWritten,
        bytesWritten,
        objectsWritten,
        lastFlush);
  }

  PartitionState afterCycle(long end, long records, long bytes, long objects, long now) {
    return new PartitionState(
        topic,
        partition,
        boundaries,
        end + 1,
        recordsWritten + records,
        bytesWritten + bytes,
        objectsWritten + objects,
        now);
  }
}
