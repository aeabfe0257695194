package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
import java.util.List;

/**
 * Landed rows in order, read column by column by index: what an {@link ObjectFormat} encodes into
 * one object. The buffer's rows ({@link RowBuffer}) are read in place, without an object per row;
 * {@link #of(List)} views a list of {@link LandedEvent}s the same way (tools, tests).
 */
public interface Rows {
  int size();

  String clientId(int i);

  String screenId(int i);

  /** May be null. */
  String sessionId(int i);

  String batchId(int i);

  String eventType(int i);

  long eventTime(int i);

  double xNorm(int i);

  double yNorm(int i);

  /** May be null. */
  Integer viewportW(int i);

  /** May be null. */
  Integer viewportH(int i);

  long receivedAt(int i);

  /**
   * Row {@code i} as it was received when that is already a clean contract JSON line (a v1 record),
   * else null: a format may copy it instead of encoding the row again.
   */
  default byte[] cleanJson(int i) {
    return null;
  }

  /** Row {@code i} as an object (messages, tests). */
  default LandedEvent row(int i) {
    return new LandedEvent(
        clientId(i),
        screenId(i),
        sessionId(i),
        batchId(i),
        eventType(i),
        eventTime(i),
        xNorm(i),
        yNorm(i),
        viewportW(i),
        viewportH(i),
        receivedAt(i));
  }

  /** A list of landed events as rows. */
  static Rows of(List<LandedEvent> events) {
    return new Rows() {
      @Override
      public int size() {
        return events.size();
      }

      @Override
      public String clientId(int i) {
        return events.get(i).clientId();
      }

      @Override
      public String screenId(int i) {
        return events.get(i).screenId();
      }

      @Override
      public String sessionId(int i) {
        return events.get(i).sessionId();
      }

      @Override
      public String batchId(int i) {
        return events.get(i).batchId();
      }

      @Override
      public String eventType(int i) {
        return events.get(i).eventType();
      }

      @Override
      public long eventTime(int i) {
        return events.get(i).eventTime();
      }

      @Override
      public double xNorm(int i) {
        return events.get(i).xNorm();
      }

      @Override
      public double yNorm(int i) {
        return events.get(i).yNorm();
      }

      @Override
      public Integer viewportW(int i) {
        return events.get(i).viewportW();
      }

      @Override
      public Integer viewportH(int i) {
        return events.get(i).viewportH();
      }

      @Override
      public long receivedAt(int i) {
        return events.get(i).receivedAt();
      }

      @Override
      public LandedEvent row(int i) {
        return events.get(i);
      }
    };
  }
}
