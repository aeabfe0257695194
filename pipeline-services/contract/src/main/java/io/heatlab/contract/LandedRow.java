package io.heatlab.contract;

import java.util.List;

/**
 * The landed row's shape, written once (docs/architecture.md §2): its columns in order, with their
 * type and whether they may be null. The JSON lines and Parquet writers, the reader of Kafka
 * values, the Spark job's read schema and the tests are held to it — a drift fails a test
 * (ObjectFormatTest, BatchIngestIT, RollupJobTest). Changing it is a versioned migration.
 */
public final class LandedRow {
  public static final String CLIENT_ID = "client_id";
  public static final String SCREEN_ID = "screen_id";
  public static final String SESSION_ID = "session_id";
  public static final String BATCH_ID = "batch_id";
  public static final String EVENT_TYPE = "event_type";
  public static final String EVENT_TIME = "event_time";
  public static final String X_NORM = "x_norm";
  public static final String Y_NORM = "y_norm";
  public static final String VIEWPORT_W = "viewport_w";
  public static final String VIEWPORT_H = "viewport_h";
  public static final String RECEIVED_AT = "received_at";

  /** A column's value type: text, 64-bit and 32-bit integers, double. */
  public enum Type {
    STRING,
    LONG,
    INT,
    DOUBLE
  }

  /** One column: name, type, and whether a row may lack it (null). */
  public record Column(String name, Type type, boolean nullable) {}

  /** The columns, in order. Times are epoch milliseconds, UTC; x and y within [0, 1]. */
  public static final List<Column> COLUMNS =
      List.of(
          new Column(CLIENT_ID, Type.STRING, false),
          new Column(SCREEN_ID, Type.STRING, false),
          new Column(SESSION_ID, Type.STRING, true),
          new Column(BATCH_ID, Type.STRING, false),
          new Column(EVENT_TYPE, Type.STRING, false),
          new Column(EVENT_TIME, Type.LONG, false),
          new Column(X_NORM, Type.DOUBLE, false),
          new Column(Y_NORM, Type.DOUBLE, false),
          new Column(VIEWPORT_W, Type.INT, true),
          new Column(VIEWPORT_H, Type.INT, true),
          new Column(RECEIVED_AT, Type.LONG, false));

  /** The column names, in order. */
  public static final List<String> NAMES = COLUMNS.stream().map(Column::name).toList();

  private LandedRow() {}
}
