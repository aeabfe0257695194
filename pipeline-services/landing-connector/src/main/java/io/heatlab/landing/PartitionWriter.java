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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Buffers one Kafka partition's records column by column ({@link RowBuffer}) and writes them in
 * <em>cycles</em>: a cycle takes every unwritten record up to an end offset, groups its rows by
 * event-time hour (and client, if set), and writes one object per group (split after every {@code
 * flush.size} rows, between records: a batch record's rows of one hour are never split), named
 * after the group's first offset.
 *
 * <p>Cycles are cut on the task's poll thread ({@link #writeDue}) and written — encoded, uploaded —
 * on the task's write executor, one cycle of a partition at a time and in order, while the poll
 * thread goes on buffering.
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

  private record Skipped(long offset, Future<Void> reported) {}

  /** A cut cycle: its end, its rows, the poison records it covers. */
  private record Cycle(long end, RowBuffer rows, List<Skipped> skipped) {}

  private final String connector;
  private final String topic;
  private final int partition;
  private final LandingConfig config;
  private final LandingLayout layout;
  private final ObjectFormat format;
  private final ObjectStore store;
  private final Executor writes;

  /** Read before the first cut; from then on replaced only by the write in progress. */
  private volatile PartitionState state;

  // the poll thread's
  private RowBuffer rows = new RowBuffer();
  private final List<Skipped> skipped = new ArrayList<>();
  private boolean started;
  private long lastOffsetSeen = -1;
  private long cutThrough = -1;
  private long oldestUnwrittenAtMs = -1;
  private long lastCutAtMs = Long.MIN_VALUE / 2;
  private long minEventTime = Long.MAX_VALUE;
  private long maxEventTime = Long.MIN_VALUE;
  private Write write;

  // shared with the write in progress
  private final ConcurrentLinkedDeque<Cycle> cut = new ConcurrentLinkedDeque<>();
  private volatile long writtenThrough = -1;

  /**
   * {@code state} null: read it from storage before the first write (storage may be down when a
   * partition opens). {@code writes} runs the cycles' writes ({@code Runnable::run}: inline).
   */
  PartitionWriter(
      String connector,
      String topic,
      int partition,
      LandingConfig config,
      ObjectFormat format,
      ObjectStore store,
      PartitionState state,
      Executor writes) {
    this.connector = connector;
    this.topic = topic;
    this.partition = partition;
    this.config = config;
    this.layout = config.layout();
    this.format = format;
    this.store = store;
    this.state = state;
    this.writes = writes;
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
      // Connect delivers from the committed offset: a cycle boundary
      writtenThrough = offset - 1;
      cutThrough = offset - 1;
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

  /** A v1 record: one row; {@code cleanJson} its bytes when they can be landed as they are. */
  void add(long offset, LandedEvent event, byte[] cleanJson, long now) {
    seen(offset, now);
    rows.add(offset, event, cleanJson);
    minEventTime = Math.min(minEventTime, event.eventTime());
    maxEventTime = Math.max(maxEventTime, event.eventTime());
  }

  /** A batch record: one row per event, all at the record's offset, column by column. */
  void add(long offset, BatchRecord batch, long now) {
    seen(offset, now);
    rows.add(offset, batch);
    for (int i = 0; i < batch.size(); i++) {
      long t = batch.eventTime(i);
      minEventTime = Math.min(minEventTime, t);
      maxEventTime = Math.max(maxEventTime, t);
    }
  }

  /**
   * A poison record: reported to the dead-letter queue, covered by the cycle like any other offset.
   */
  void skip(long offset, Future<Void> reported, long now) {
    seen(offset, now);
    skipped.add(new Skipped(offset, reported));
  }

  /** Rows not yet durably written: buffered, or in cycles cut and not yet written. */
  int unwritten() {
    int n = rows.size();
    for (Cycle c : cut) {
      n += c.rows().size();
    }
    return n;
  }

  /** Estimated heap of the rows not yet durably written. */
  long bufferedBytes() {
    long n = rows.bytes();
    for (Cycle c : cut) {
      n += c.rows().bytes();
    }
    return n;
  }

  /** Whether a cycle is being written in the background. */
  boolean writing() {
    Write w = write;
    return w != null && !w.done;
  }

  boolean cycleDue(long now) {
    if (lastOffsetSeen <= cutThrough) {
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
    if (schedule <= 0 || lastOffsetSeen <= cutThrough) {
      return -1;
    }
    return Math.max(0, oldestUnwrittenAtMs + schedule - now);
  }

  /** The next offset to commit: everything before it is durably written. -1 when nothing is. */
  long committable() {
    long through = writtenThrough;
    return started && through >= 0 ? through + 1 : -1;
  }

  /**
   * Cuts every cycle that can be cut now and has them written (inline or in the background, in
   * order); throws when the last write failed — its cycle is kept and written again by this call.
   */
  void writeDue(long now) throws IOException {
    IOException failed = harvest();
    if (started && lastOffsetSeen > cutThrough && state == null) {
      state = loadState(store, connector, topic, partition);
    }
    while (started && lastOffsetSeen > cutThrough) {
      Long logged = state.boundaryAfter(cutThrough);
      if (logged != null && lastOffsetSeen < logged) {
        break; // replaying: this cycle must end exactly where it ended before; wait for its
        // records
      }
      if (logged == null
          && !cycleDue(now)
          && now - lastCutAtMs < config.getLong(LandingConfig.CYCLE_MIN_INTERVAL_MS)) {
        break; // neither due nor a commit interval since the last cut: keep buffering
      }
      long end = logged != null ? logged : lastOffsetSeen;
      List<Skipped> covered = new ArrayList<>();
      skipped.removeIf(s -> s.offset() <= end && covered.add(s));
      cut.add(new Cycle(end, rows.takeThrough(end), covered));
      cutThrough = end;
      lastCutAtMs = now;
      resetWindow(now);
    }
    if (write == null && !cut.isEmpty()) {
      write = new Write();
      writes.execute(write);
    }
    IOException now2 = harvest(); // an inline write is done already
    if (now2 != null || failed != null) {
      throw now2 != null ? now2 : failed;
    }
  }

  /** Forgets a finished write; its failure, if any. */
  private IOException harvest() {
    Write w = write;
    if (w == null || !w.done) {
      return null;
    }
    write = null;
    return w.error;
  }

  /**
   * Waits up to {@code timeoutMs} for the write in progress, if any (a partition being closed: its
   * next owner must not race it).
   */
  boolean awaitWrite(long timeoutMs) throws InterruptedException {
    Write w = write;
    return w == null || w.finished.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Writes the cut cycles in order until none is left or one fails. */
  private final class Write implements Runnable {
    final CountDownLatch finished = new CountDownLatch(1);
    volatile boolean done;
    volatile IOException error;

    @Override
    public void run() {
      try {
        Cycle c;
        while ((c = cut.peek()) != null) {
          awaitDeadLetters(c);
          writeCycle(c, System.currentTimeMillis());
          cut.poll();
          writtenThrough = c.end();
        }
      } catch (IOException e) {
        error = e;
      } catch (RuntimeException e) {
        error = new IOException(e.toString(), e);
      } finally {
        done = true;
        finished.countDown();
      }
    }
  }

  private void resetWindow(long now) {
    oldestUnwrittenAtMs = lastOffsetSeen > cutThrough ? now : -1;
    long[] range = rows.eventTimeRange();
    minEventTime = range[0];
    maxEventTime = range[1];
  }

  private void awaitDeadLetters(Cycle cycle) throws IOException {
    for (Skipped s : cycle.skipped()) {
      if (s.reported() != null) {
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

  private void writeCycle(Cycle cycle, long now) throws IOException {
    long end = cycle.end();
    int keep = config.getInt(LandingConfig.STATE_HISTORY);
    PartitionState ahead = state.withBoundary(end, keep);
    if (ahead != state) {
      putState(ahead);
      state = ahead;
    }
    boolean byClient = config.getBoolean(LandingConfig.PARTITION_BY_CLIENT);
    int flushSize = config.getInt(LandingConfig.FLUSH_SIZE);
    RowBuffer rows = cycle.rows();
    List<Map<String, Object>> written = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<RowBuffer.Group, int[]> g : rows.groups(byClient).entrySet()) {
      int[] all = g.getValue();
      for (int from = 0; from < all.length; ) {
        int to = Math.min(all.length, from + flushSize);
        while (to < all.length && rows.offset(all[to]) == rows.offset(all[to - 1])) {
          to++; // a record's rows of one hour stay in one object: objects are named by offset
        }
        bytes += writeObject(g.getKey(), rows, all, from, to, written);
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
    PartitionState after = state.afterCycle(end, rows.size(), bytes, written.size(), now);
    putState(after);
    state = after;
  }

  private long writeObject(
      RowBuffer.Group group,
      RowBuffer rows,
      int[] chunk,
      int from,
      int to,
      List<Map<String, Object>> written)
      throws IOException {
    long first = rows.offset(chunk[from]);
    long last = rows.offset(chunk[to - 1]);
    HourPartition hour = group.hour();
    String key = layout.objectKey(format, hour, group.client(), topic, partition, first);
    byte[] bytes = format.encode(rows.view(chunk, from, to));
    store.put(
        key,
        bytes,
        format.contentType(),
        Map.of(
            "records",
            String.valueOf(to - from),
            "first-offset",
            String.valueOf(first),
            "last-offset",
            String.valueOf(last)));
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("key", key);
    entry.put("hour", hour.toString());
    entry.put("records", to - from);
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
        + unwritten()
        + ", written through "
        + writtenThrough
        + ")";
  }
}
