package io.heatlab.contract;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One accepted batch as one Kafka record value on {@code heatmap.batches} (contract v2,
 * docs/architecture.md §2): the batch's fields once, then its events column by column, every value
 * exact. Big-endian:
 *
 * <pre>
 *   u8      version = 2           (a v1 record, one event as JSON, starts with '{' = 0x7B)
 *   u8      flags                 bit 0: session_id present, bit 1: viewport present
 *   i64     received_at           epoch ms; also the record's timestamp
 *   str     client_id, batch_id, screen_id, [session_id]     str = u16 length + UTF-8 bytes
 *   [i32 viewport_w, i32 viewport_h]
 *   i32     n                     events, 1 … {@value #MAX_EVENTS}
 *   i64 × n event_time            epoch ms
 *   f64 × n x_norm
 *   f64 × n y_norm
 *   u8  × n event_type            0 move, 1 click ({@link EventType} order)
 * </pre>
 *
 * A decoded record keeps the columns as primitive arrays: no object per event. {@link #landed(int)}
 * gives event {@code i} as the landed row it becomes — the same fields and values as a v1 record of
 * that event.
 */
public final class BatchRecord {
  /** The version byte of this encoding. */
  public static final byte VERSION = 2;

  /** The most events one record holds (a batch's limit, {@link BatchParser}). */
  public static final int MAX_EVENTS = 1000;

  /** The Kafka header that carries the event count, as a decimal string. */
  public static final String EVENTS_HEADER = "heatlab.events";

  private static final int SESSION = 1;
  private static final int VIEWPORT = 2;

  /** Bytes of one event: time (8), x (8), y (8), type (1). */
  private static final int EVENT_BYTES = 25;

  private static final EventType[] TYPES = EventType.values();

  private final String clientId;
  private final String batchId;
  private final String screenId;
  private final String sessionId;
  private final Integer viewportW;
  private final Integer viewportH;
  private final long receivedAt;
  private final long[] eventTime;
  private final double[] x;
  private final double[] y;
  private final byte[] type;

  /**
   * A record of these columns (arrays owned by it from here on); {@link BatchParser} makes them.
   */
  BatchRecord(
      String clientId,
      String batchId,
      String screenId,
      String sessionId,
      Integer viewportW,
      Integer viewportH,
      long receivedAt,
      long[] eventTime,
      double[] x,
      double[] y,
      byte[] type) {
    this.clientId = clientId;
    this.batchId = batchId;
    this.screenId = screenId;
    this.sessionId = sessionId;
    this.viewportW = viewportW;
    this.viewportH = viewportH;
    this.receivedAt = receivedAt;
    this.eventTime = eventTime;
    this.x = x;
    this.y = y;
    this.type = type;
  }

  /** Whether {@code value} is a record of this encoding (else: a v1 JSON event, or garbage). */
  public static boolean isBatch(byte[] value) {
    return value != null && value.length > 0 && value[0] == VERSION;
  }

  /**
   * The landed rows of a record value of either version: a v2 batch record's events, or the one
   * event of a v1 record ({@link LandedEventReader}). Throws when it is neither.
   */
  public static List<LandedEvent> rowsOf(byte[] value) throws IOException {
    if (!isBatch(value)) {
      return List.of(LandedEventReader.read(value).event());
    }
    BatchRecord r = decode(value);
    List<LandedEvent> rows = new ArrayList<>(r.size());
    for (int i = 0; i < r.size(); i++) {
      rows.add(r.landed(i));
    }
    return rows;
  }

  /** The record of {@code batch}, received at {@code receivedAt}. */
  public static BatchRecord of(EventBatch batch, long receivedAt) {
    int n = batch.events().size();
    long[] t = new long[n];
    double[] xs = new double[n];
    double[] ys = new double[n];
    byte[] types = new byte[n];
    for (int i = 0; i < n; i++) {
      PointerEvent e = batch.events().get(i);
      t[i] = e.t();
      xs[i] = e.x();
      ys[i] = e.y();
      types[i] = (byte) e.type().ordinal();
    }
    EventBatch.Viewport v = batch.viewport();
    return new BatchRecord(
        batch.clientId(),
        batch.batchId(),
        batch.screenId(),
        batch.sessionId(),
        v == null ? null : v.w(),
        v == null ? null : v.h(),
        receivedAt,
        t,
        xs,
        ys,
        types);
  }

  /** This record's value. */
  public byte[] encode() {
    byte[] client = ascii(clientId);
    byte[] id = ascii(batchId);
    byte[] screen = ascii(screenId);
    byte[] session = sessionId == null ? null : ascii(sessionId);
    boolean viewport = viewportW != null;
    int n = size();
    int size =
        1 // version
            + 1 // flags
            + 8 // received_at
            + 2 * 3 // the three lengths
            + client.length
            + id.length
            + screen.length
            + (session == null ? 0 : 2 + session.length)
            + (viewport ? 8 : 0)
            + 4 // n
            + n * EVENT_BYTES;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION);
    b.put((byte) ((session == null ? 0 : SESSION) | (viewport ? VIEWPORT : 0)));
    b.putLong(receivedAt);
    putString(b, client);
    putString(b, id);
    putString(b, screen);
    if (session != null) {
      putString(b, session);
    }
    if (viewport) {
      b.putInt(viewportW);
      b.putInt(viewportH);
    }
    b.putInt(n);
    b.asLongBuffer().put(eventTime);
    b.position(b.position() + 8 * n);
    b.asDoubleBuffer().put(x);
    b.position(b.position() + 8 * n);
    b.asDoubleBuffer().put(y);
    b.position(b.position() + 8 * n);
    b.put(type);
    return b.array();
  }

  /**
   * The Kafka record key: {@code client_id|batch_id} — a resend of the batch lands in the same
   * partition, and a client's load spreads over every partition.
   */
  public String kafkaKey() {
    return clientId + "|" + batchId;
  }

  /**
   * Decodes a record value; IllegalArgumentException saying what is wrong when it is not one (a
   * poison record: anyone may produce to the topic). The values are checked by {@link
   * #violation()}.
   */
  public static BatchRecord decode(byte[] value) {
    if (!isBatch(value)) {
      throw new IllegalArgumentException(
          value == null || value.length == 0
              ? "empty record value"
              : "not a v" + VERSION + " batch record (first byte " + value[0] + ")");
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      b.get();
      int flags = b.get();
      if ((flags & ~(SESSION | VIEWPORT)) != 0) {
        throw new IllegalArgumentException("unknown flags " + flags + " in a batch record");
      }
      long receivedAt = b.getLong();
      String client = getString(b);
      String batch = getString(b);
      String screen = getString(b);
      String session = (flags & SESSION) != 0 ? getString(b) : null;
      Integer w = null;
      Integer h = null;
      if ((flags & VIEWPORT) != 0) {
        w = b.getInt();
        h = b.getInt();
      }
      int n = b.getInt();
      if (n < 1 || n > MAX_EVENTS) {
        throw new IllegalArgumentException(
            "a batch record holds 1 to " + MAX_EVENTS + " events, not " + n);
      }
      if (b.remaining() != n * EVENT_BYTES) {
        throw new IllegalArgumentException(
            n + " events take " + n * EVENT_BYTES + " bytes, the record has " + b.remaining());
      }
      long[] t = new long[n];
      double[] xs = new double[n];
      double[] ys = new double[n];
      byte[] types = new byte[n];
      b.asLongBuffer().get(t);
      b.position(b.position() + 8 * n);
      b.asDoubleBuffer().get(xs);
      b.position(b.position() + 8 * n);
      b.asDoubleBuffer().get(ys);
      b.position(b.position() + 8 * n);
      b.get(types);
      return new BatchRecord(client, batch, screen, session, w, h, receivedAt, t, xs, ys, types);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated batch record");
    }
  }

  /**
   * The first rule of the contract the record breaks (ids, types, coordinates, times, viewport: the
   * rules {@link LandedEventValidator} holds a landed row to), or null. The batch's fields are
   * checked once, then each event's, without a row per event.
   */
  public String violation() {
    String reason =
        LandedEventValidator.batchViolation(
            clientId, screenId, batchId, sessionId, viewportW, viewportH, receivedAt);
    for (int i = 0; reason == null && i < type.length; i++) {
      reason =
          type[i] < 0 || type[i] >= TYPES.length
              ? LandedEventValidator.TYPE
              : LandedEventValidator.eventViolation(
                  TYPES[type[i]].wire(), eventTime[i], x[i], y[i]);
    }
    return reason;
  }

  /** The number of events. */
  public int size() {
    return eventTime.length;
  }

  public String clientId() {
    return clientId;
  }

  public String batchId() {
    return batchId;
  }

  public String screenId() {
    return screenId;
  }

  /** May be null. */
  public String sessionId() {
    return sessionId;
  }

  /** The viewport's width in CSS pixels; null when the page sent none. */
  public Integer viewportW() {
    return viewportW;
  }

  /** The viewport's height in CSS pixels; null when the page sent none. */
  public Integer viewportH() {
    return viewportH;
  }

  public long receivedAt() {
    return receivedAt;
  }

  /**
   * Copies the event columns into the given arrays from index {@code at} on: times, x, y, and types
   * as {@link EventType} ordinals.
   */
  public void copyEvents(long[] times, double[] xs, double[] ys, byte[] types, int at) {
    int n = size();
    System.arraycopy(eventTime, 0, times, at, n);
    System.arraycopy(x, 0, xs, at, n);
    System.arraycopy(y, 0, ys, at, n);
    System.arraycopy(type, 0, types, at, n);
  }

  /** Event {@code i}'s x, normalised. */
  public double x(int i) {
    return x[i];
  }

  /** Event {@code i}'s y, normalised. */
  public double y(int i) {
    return y[i];
  }

  /** Event {@code i}'s type. */
  public EventType type(int i) {
    return TYPES[type[i]];
  }

  /** Event {@code i}'s time, epoch ms. */
  public long eventTime(int i) {
    return eventTime[i];
  }

  /** Event {@code i} as the landed row it becomes. */
  public LandedEvent landed(int i) {
    return new LandedEvent(
        clientId,
        screenId,
        sessionId,
        batchId,
        TYPES[type[i]].wire(),
        eventTime[i],
        x[i],
        y[i],
        viewportW,
        viewportH,
        receivedAt);
  }

  private static byte[] ascii(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0xFFFF) {
      throw new IllegalArgumentException("an id of " + bytes.length + " bytes");
    }
    return bytes;
  }

  private static void putString(ByteBuffer b, byte[] s) {
    b.putShort((short) s.length);
    b.put(s);
  }

  private static String getString(ByteBuffer b) {
    byte[] bytes = new byte[Short.toUnsignedInt(b.getShort())];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
