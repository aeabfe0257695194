package io.heatlab.landing;

import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventType;
import io.heatlab.contract.LandedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Kafka partition's buffered rows, column by column: the event columns as primitive arrays, and
 * what the rows of one record share (ids, viewport, received_at, offset) once per record as a
 * {@link Source} — no object per event. A batch record of 50 events costs ~29 bytes per event plus
 * one source; {@link #bytes()} estimates the heap it holds, which the task bounds.
 *
 * <p>Rows stay in offset order (records arrive in order); {@link #takeThrough} detaches a prefix as
 * a cycle's rows. Not thread-safe: owned by the poll thread until handed to a write.
 */
final class RowBuffer implements Rows {
  /** What every row of one record shares; {@code cleanJson} only for a clean v1 record. */
  record Source(
      long offset,
      String clientId,
      String screenId,
      String sessionId,
      String batchId,
      Integer viewportW,
      Integer viewportH,
      long receivedAt,
      byte[] cleanJson) {}

  /** Heap per row: time, x, y (8 each), type (1), source index (4). */
  static final int ROW_BYTES = 29;

  /** Heap per source beside its strings: the object, its fields, the array slot. */
  static final int SOURCE_BYTES = 96;

  private static final EventType[] TYPES = EventType.values();

  private Source[] sources = new Source[16];
  private int sourceCount;
  private long[] time = new long[64];
  private double[] x = new double[64];
  private double[] y = new double[64];
  private byte[] type = new byte[64];
  private int[] source = new int[64];
  private int size;
  private long bytes;

  void add(long offset, BatchRecord batch) {
    int s =
        addSource(
            new Source(
                offset,
                batch.clientId(),
                batch.screenId(),
                batch.sessionId(),
                batch.batchId(),
                batch.viewportW(),
                batch.viewportH(),
                batch.receivedAt(),
                null));
    int n = batch.size();
    ensureRows(size + n);
    batch.copyEvents(time, x, y, type, size);
    Arrays.fill(source, size, size + n, s);
    size += n;
    bytes += (long) n * ROW_BYTES;
  }

  /** One v1 row; {@code cleanJson} its bytes as received when they can be landed as they are. */
  void add(long offset, LandedEvent e, byte[] cleanJson) {
    int s =
        addSource(
            new Source(
                offset,
                e.clientId(),
                e.screenId(),
                e.sessionId(),
                e.batchId(),
                e.viewportW(),
                e.viewportH(),
                e.receivedAt(),
                cleanJson));
    ensureRows(size + 1);
    time[size] = e.eventTime();
    x[size] = e.xNorm();
    y[size] = e.yNorm();
    type[size] =
        (byte)
            EventType.fromWire(e.eventType())
                .orElseThrow(() -> new IllegalArgumentException("event type " + e.eventType()))
                .ordinal();
    source[size] = s;
    size++;
    bytes += ROW_BYTES + (cleanJson == null ? 0 : cleanJson.length);
  }

  private int addSource(Source s) {
    if (sourceCount == sources.length) {
      sources = Arrays.copyOf(sources, 2 * sourceCount);
    }
    sources[sourceCount] = s;
    bytes +=
        SOURCE_BYTES
            + 2L
                * (s.clientId().length()
                    + s.screenId().length()
                    + s.batchId().length()
                    + (s.sessionId() == null ? 0 : s.sessionId().length()));
    return sourceCount++;
  }

  private void ensureRows(int n) {
    if (n > time.length) {
      int capacity = Math.max(n, 2 * time.length);
      time = Arrays.copyOf(time, capacity);
      x = Arrays.copyOf(x, capacity);
      y = Arrays.copyOf(y, capacity);
      type = Arrays.copyOf(type, capacity);
      source = Arrays.copyOf(source, capacity);
    }
  }

  /** Estimated heap held by the rows (not counting spare capacity). */
  long bytes() {
    return bytes;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Row {@code i}'s Kafka offset. */
  long offset(int i) {
    return sources[source[i]].offset();
  }

  /** The smallest and largest event time of the rows, or {MAX, MIN} when there are none. */
  long[] eventTimeRange() {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      min = Math.min(min, time[i]);
      max = Math.max(max, time[i]);
    }
    return new long[] {min, max};
  }

  /**
   * Detaches the rows of offsets up to {@code end} (a prefix: rows are in offset order) as a buffer
   * of their own; this buffer keeps the rest.
   */
  RowBuffer takeThrough(long end) {
    int n = size;
    while (n > 0 && offset(n - 1) > end) {
      n--;
    }
    RowBuffer taken = new RowBuffer();
    if (n == size) { // the usual case: everything, no copy
      taken.takeOver(this);
      takeOver(new RowBuffer());
      return taken;
    }
    RowBuffer rest = new RowBuffer();
    for (int i = 0; i < size; i++) {
      RowBuffer to = i < n ? taken : rest;
      Source s = sources[source[i]];
      int si =
          to.sourceCount > 0 && to.sources[to.sourceCount - 1] == s
              ? to.sourceCount - 1
              : to.addSource(s);
      to.ensureRows(to.size + 1);
      to.time[to.size] = time[i];
      to.x[to.size] = x[i];
      to.y[to.size] = y[i];
      to.type[to.size] = type[i];
      to.source[to.size] = si;
      to.size++;
      to.bytes += ROW_BYTES + (s.cleanJson() == null ? 0 : s.cleanJson().length);
    }
    takeOver(rest);
    return taken;
  }

  /** Makes {@code other}'s rows this buffer's (the arrays are shared, not copied). */
  private void takeOver(RowBuffer other) {
    sources = other.sources;
    sourceCount = other.sourceCount;
    time = other.time;
    x = other.x;
    y = other.y;
    type = other.type;
    source = other.source;
    size = other.size;
    bytes = other.bytes;
  }

  /**
   * The rows' indexes grouped by event-time hour (and client when {@code byClient}), each group in
   * offset order, the groups in the order of their first row: deterministic for the same rows.
   */
  Map<Group, int[]> groups(boolean byClient) {
    Map<Group, IntList> groups = new LinkedHashMap<>();
    IntList last = null;
    int lastSource = -1;
    long lastHour = Long.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      long hour = Math.floorDiv(time[i], 3_600_000L);
      if (last == null || source[i] != lastSource || hour != lastHour) {
        Source s = sources[source[i]];
        last =
            groups.computeIfAbsent(
                new Group(hour, byClient ? s.clientId() : null), g -> new IntList());
        lastSource = source[i];
        lastHour = hour;
      }
      last.add(i);
    }
    Map<Group, int[]> out = new LinkedHashMap<>();
    groups.forEach((g, rows) -> out.put(g, rows.toArray()));
    return out;
  }

  /** One object's group: an event-time hour since the epoch, and the client (or null). */
  record Group(long hourSinceEpoch, String client) {
    HourPartition hour() {
      return HourPartition.of(hourSinceEpoch * 3_600_000L);
    }
  }

  /** The rows {@code rows[from..to)} of this buffer, in that order. */
  Rows view(int[] rows, int from, int to) {
    return new View(rows, from, to);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public String clientId(int i) {
    return sources[source[i]].clientId();
  }

  @Override
  public String screenId(int i) {
    return sources[source[i]].screenId();
  }

  @Override
  public String sessionId(int i) {
    return sources[source[i]].sessionId();
  }

  @Override
  public String batchId(int i) {
    return sources[source[i]].batchId();
  }

  @Override
  public String eventType(int i) {
    return TYPES[type[i]].wire();
  }

  @Override
  public long eventTime(int i) {
    return time[i];
  }

  @Override
  public double xNorm(int i) {
    return x[i];
  }

  @Override
  public double yNorm(int i) {
    return y[i];
  }

  @Override
  public Integer viewportW(int i) {
    return sources[source[i]].viewportW();
  }

  @Override
  public Integer viewportH(int i) {
    return sources[source[i]].viewportH();
  }

  @Override
  public long receivedAt(int i) {
    return sources[source[i]].receivedAt();
  }

  @Override
  public byte[] cleanJson(int i) {
    return sources[source[i]].cleanJson();
  }

  /** Some of the buffer's rows, by index. */
  private final class View implements Rows {
    private final int[] rows;
    private final int from;
    private final int size;

    View(int[] rows, int from, int to) {
      this.rows = rows;
      this.from = from;
      this.size = to - from;
    }

    private int at(int i) {
      return rows[from + i];
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public String clientId(int i) {
      return RowBuffer.this.clientId(at(i));
    }

    @Override
    public String screenId(int i) {
      return RowBuffer.this.screenId(at(i));
    }

    @Override
    public String sessionId(int i) {
      return RowBuffer.this.sessionId(at(i));
    }

    @Override
    public String batchId(int i) {
      return RowBuffer.this.batchId(at(i));
    }

    @Override
    public String eventType(int i) {
      return RowBuffer.this.eventType(at(i));
    }

    @Override
    public long eventTime(int i) {
      return time[at(i)];
    }

    @Override
    public double xNorm(int i) {
      return x[at(i)];
    }

    @Override
    public double yNorm(int i) {
      return y[at(i)];
    }

    @Override
    public Integer viewportW(int i) {
      return RowBuffer.this.viewportW(at(i));
    }

    @Override
    public Integer viewportH(int i) {
      return RowBuffer.this.viewportH(at(i));
    }

    @Override
    public long receivedAt(int i) {
      return RowBuffer.this.receivedAt(at(i));
    }

    @Override
    public byte[] cleanJson(int i) {
      return RowBuffer.this.cleanJson(at(i));
    }
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] values = new int[64];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, 2 * size);
      }
      values[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** Every row as an object (tests). */
  List<LandedEvent> toList() {
    List<LandedEvent> rows = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      rows.add(row(i));
    }
    return rows;
  }
}
