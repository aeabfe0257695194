package io.heatlab.landing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.LandedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Buffers one Kafka partition's records and writes them in <em>cycles</em>: a cycle takes every
 * unwritten record up to an end offset, groups them by event-time hour (and client, if set), and
 * writes one object per group (split after every {@code flush.size} rows, between records: a batch
 * record's rows of one hour are never split), named after the group's first offset.
 *
 * <p>Exactly once: a cycle's end is appended to the partition's {@link PartitionState}
 * <em>before</em> its objects are written, and the offset after it becomes committable only once
 * all of them are written. After a crash, Connect redelivers from the last committed offset, which
 * is always a cycle boundary; the writer then cuts its cycles exactly at the logged ends, so it
 * rewrites exactly the same objects under the same names (an overwrite, never a second copy), and
 * continues freely after the last logged end. A storage failure keeps the cycle (same end, same
 * records) to be written again on the next attempt.
 */
final class PartitionWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A buffered event; {@code cleanJson} = its bytes as received when they can be landed as they
   * are, else null.
   */
  private record Row(long offset, LandedEvent event, byte[] cleanJson) {}

  private record Group(HourPartition hour, String client) {}

  private record Skipped(long offset, Future<Void> reported) {}

  private final String connector;
  private final String topic;
  private final int partition;
  private final LandingConfig config;
  private final LandingLayout layout;
  private final ObjectFormat format;
  private final ObjectStore store;
  private PartitionState state;

  private final List<Row> rows = new ArrayList<>();
  private final List<Skipped> skipped = new ArrayList<>();
  private boolean started;
  private long lastOffsetSeen = -1;
  private long writtenThrough = -1;
  private long oldestUnwrittenAtMs = -1;
  private long minEventTime = Long.MAX_VALUE;
  private long maxEventTime = Long.MIN_VALUE;

  /**
   * {@code state} null: read it from storage before the first write (storage may be down when a
   * partition opens).
   */
  PartitionWriter(
      String connector,
      String topic,
      int partition,
      LandingConfig config,
      ObjectFormat format,
      ObjectStore store,
      PartitionState state) {
    this.connector = connector;
    this.topic = topic;
    this.partition = partition;
    this.config = config;
    this.layout = config.layout();
    this.format = format;
    this.store = store;
    this.state = state;
  }

  static PartitionState loadState(ObjectStore store, String connector, String topic, int partition)
      throws IOException {
    return store
        .get(LandingLayout.stateKey(connector, topic, partition))
        .map(
            bytes -> {
              try {
                return JSON.readValue(bytes, PartitionState.class);
              } catch (IOException e) {
                throw new IllegalStateException(
                    "Unreadable landing state "
                        + LandingLayout.stateKey(connector, topic, partition),
                    e);
              }
            })
        .orElse(PartitionState.empty(topic, partition));
  }

  private void seen(long offset, long now) {
    if (!started) {
      started = true;
      writtenThrough = offset - 1; // Connect delivers from the committed offset: a cycle boundary
    }
    if (offset <= lastOffsetSeen) {
      throw new IllegalStateException(
          topic + "-" + partition + ": offset " + offset + " after " + lastOffsetSeen);
    }
    lastOffsetSeen = offset;
    if (oldestUnwrittenAtMs < 0) {
      oldestUnwrittenAtMs = now;
    }
  }

  void add(long offset, LandedEvent event, byte[] cleanJson, long now) {
    seen(offset, now);
    rows.add(new Row(offset, event, cleanJson));
    minEventTime = Math.min(minEventTime, event.eventTime());
    maxEventTime = Math.max(maxEventTime, event.eventTime());
  }

  /** A batch record: one row per event, all at the record's offset. */
  void add(long offset, BatchRecord batch, long now) {
    seen(offset, now);
    for (int i = 0; i < batch.size(); i++) {
      rows.add(new Row(offset, batch.landed(i), null));
      minEventTime = Math.min(minEventTime, batch.eventTime(i));
      maxEventTime = Math.max(maxEventTime, batch.eventTime(i));
    }
  }

  /**
   * A poison record: reported to the dead-letter queue, covered by the cycle like any other offset.
   */
  void skip(long offset, Future<Void> reported, long now) {
    seen(offset, now);
    skipped.add(new Skipped(offset, reported));
  }

  int unwritten() {
    return rows.size();
  }

  boolean cycleDue(long now) {
    if (lastOffsetSeen <= writtenThrough) {
      return false;
    }
    long rotate = config.getLong(LandingConfig.ROTATE_INTERVAL_MS);
    long schedule = config.getLong(LandingConfig.ROTATE_SCHEDULE_INTERVAL_MS);
    return rows.size() >= config.getInt(LandingConfig.FLUSH_SIZE)
        || (rotate > 0 && !rows.isEmpty() && maxEventTime - minEventTime >= rotate)
        || (schedule > 0 && now - oldestUnwrittenAtMs >= schedule);
  }

  /**
   * Milliseconds until the wall-clock rotation of the unwritten records is due; -1 when nothing
   * waits for it.
   */
  long millisUntilScheduledCycle(long now) {
    long schedule = config.getLong(LandingConfig.ROTATE_SCHEDULE_INTERVAL_MS);
    if (schedule <= 0 || lastOffsetSeen <= writtenThrough) {
      return -1;
    }
    return Math.max(0, oldestUnwrittenAtMs + schedule - now);
  }

  /** The next offset to commit: everything before it is durably written. -1 when nothing is. */
  long committable() {
    return started && writtenThrough >= 0 ? writtenThrough + 1 : -1;
  }

  /**
   * Writes every cycle that can be cut now; throws (keeping what is unwritten) when storage fails.
   */
  void writeDue(long now) throws IOException {
    if (started && lastOffsetSeen > writtenThrough && state == null) {
      state = loadState(store, connector, topic, partition);
    }
    while (started && lastOffsetSeen > writtenThrough) {
      Long logged = state.boundaryAfter(writtenThrough);
      if (logged != null && lastOffsetSeen < logged) {
        return; // replaying: this cycle must end exactly where it ended before; wait for its
        // records
      }
      long end = logged != null ? logged : lastOffsetSeen;
      awaitDeadLetters(end);
      int n = 0;
      while (n < rows.size() && rows.get(n).offset() <= end) {
        n++;
      }
      writeCycle(end, rows.subList(0, n), now);
      rows.subList(0, n).clear();
      skipped.removeIf(s -> s.offset() <= end);
      writtenThrough = end;
      resetWindow(now);
    }
  }

  private void resetWindow(long now) {
    oldestUnwrittenAtMs = lastOffsetSeen > writtenThrough ? now : -1;
    minEventTime = Long.MAX_VALUE;
    maxEventTime = Long.MIN_VALUE;
    for (Row r : rows) {
      minEventTime = Math.min(minEventTime, r.event().eventTime());
      maxEventTime = Math.max(maxEventTime, r.event().eventTime());
    }
  }

  private void awaitDeadLetters(long end) throws IOException {
    for (Skipped s : skipped) {
      if (s.offset() <= end && s.reported() != null) {
        try {
          s.reported().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IOException(
              "dead-letter report of "
                  + topic
                  + "-"
                  + partition
                  + "@"
                  + s.offset()
                  + " failed: "
                  + e,
              e);
        }
      }
    }
  }

  private void writeCycle(long end, List<Row> cycle, long now) throws IOException {
    int keep = config.getInt(LandingConfig.STATE_HISTORY);
    PartitionState ahead = state.withBoundary(end, keep);
    if (ahead != state) {
      putState(ahead);
      state = ahead;
    }
    boolean byClient = config.getBoolean(LandingConfig.PARTITION_BY_CLIENT);
    int flushSize = config.getInt(LandingConfig.FLUSH_SIZE);
    Map<Group, List<Row>> groups = new LinkedHashMap<>();
    for (Row r : cycle) {
      groups
          .computeIfAbsent(
              new Group(
                  HourPartition.of(r.event().eventTime()), byClient ? r.event().clientId() : null),
              g -> new ArrayList<>())
          .add(r);
    }
    List<Map<String, Object>> written = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<Group, List<Row>> g : groups.entrySet()) {
      List<Row> all = g.getValue();
      for (int from = 0; from < all.size(); ) {
        int to = Math.min(all.size(), from + flushSize);
        while (to < all.size() && all.get(to).offset() == all.get(to - 1).offset()) {
          to++; // a record's rows of one hour stay in one object: objects are named by offset
        }
        bytes += writeObject(g.getKey(), all.subList(from, to), written);
        from = to;
      }
    }
    Instant at = Instant.ofEpochMilli(now);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("connector", connector);
    manifest.put("topic", topic);
    manifest.put("partition", partition);
    manifest.put("cycle_end", end);
    manifest.put("written_at", at.toString());
    manifest.put("objects", written);
    store.put(
        LandingLayout.manifestKey(at, connector, topic, partition, end),
        JSON.writeValueAsBytes(manifest),
        "application/json",
        Map.of());
    PartitionState after = state.afterCycle(end, cycle.size(), bytes, written.size(), now);
    putState(after);
    state = after;
  }

  private long writeObject(Group group, List<Row> chunk, List<Map<String, Object>> written)
      throws IOException {
    long first = chunk.get(0).offset();
    long last = chunk.get(chunk.size() - 1).offset();
    String key = layout.objectKey(format, group.hour(), group.client(), topic, partition, first);
    List<LandedEvent> events = new ArrayList<>(chunk.size());
    List<byte[]> clean = new ArrayList<>(chunk.size());
    for (Row r : chunk) {
      events.add(r.event());
      clean.add(r.cleanJson());
    }
    byte[] bytes = format.encode(events, clean);
    store.put(
        key,
        bytes,
        format.contentType(),
        Map.of(
            "records",
            String.valueOf(chunk.size()),
            "first-offset",
            String.valueOf(first),
            "last-offset",
            String.valueOf(last)));
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("key", key);
    entry.put("hour", group.hour().toString());
    entry.put("records", chunk.size());
    entry.put("bytes", bytes.length);
    written.add(entry);
    return bytes.length;
  }

  private void putState(PartitionState s) throws IOException {
    store.put(
        LandingLayout.stateKey(connector, topic, partition),
        JSON.writeValueAsBytes(s),
        "application/json",
        Map.of());
  }

  @Override
  public String toString() {
    return topic
        + "-"
        + partition
        + " (unwritten "
        + rows.size()
        + ", written through "
        + writtenThrough
        + ")";
  }
}
