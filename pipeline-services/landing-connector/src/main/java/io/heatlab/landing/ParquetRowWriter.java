package io.heatlab.landing;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * The write side of {@link ParquetFormat}: a {@link ParquetWriter} builder whose write support
 * turns rows ({@link Rows}, read in place through a {@link Cursor}) into the schema's columns.
 */
final class ParquetRowWriter {
  private ParquetRowWriter() {}

  /**
   * Row {@code i} of {@code rows}: the one record object the writer is handed, moved row by row.
   */
  static final class Cursor {
    Rows rows;
    int i;
  }

  static final class Builder extends ParquetWriter.Builder<Cursor, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Cursor> getWriteSupport(Configuration conf) {
      return new RowWriteSupport();
    }

    @Override // overridden so no Hadoop Configuration is created for each object
    protected WriteSupport<Cursor> getWriteSupport(ParquetConfiguration conf) {
      return new RowWriteSupport();
    }
  }

  /**
   * Feeds one row as one record; the string columns reuse the previous row's bytes when unchanged.
   */
  static final class RowWriteSupport extends WriteSupport<Cursor> {
    private final StringColumn clientId = new StringColumn("client_id", ParquetFormat.CLIENT_ID);
    private final StringColumn screenId = new StringColumn("screen_id", ParquetFormat.SCREEN_ID);
    private final StringColumn sessionId = new StringColumn("session_id", ParquetFormat.SESSION_ID);
    private final StringColumn batchId = new StringColumn("batch_id", ParquetFormat.BATCH_ID);
    private final StringColumn eventType = new StringColumn("event_type", ParquetFormat.EVENT_TYPE);
    private RecordConsumer out;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(ParquetFormat.SCHEMA, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(ParquetFormat.SCHEMA, Map.of());
    }

    @Override
    public String getName() {
      return "heatlab";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Cursor at) {
      Rows rows = at.rows;
      int i = at.i;
      String client = rows.clientId(i);
      String screen = rows.screenId(i);
      String batch = rows.batchId(i);
      String type = rows.eventType(i);
      // checked before the record starts: a half-written record would corrupt the whole object
      if (client == null || screen == null || batch == null || type == null) {
        String missing =
            client == null
                ? "client_id"
                : screen == null ? "screen_id" : batch == null ? "batch_id" : "event_type";
        throw new IllegalArgumentException("landed row without " + missing + ": " + rows.row(i));
      }
      RecordConsumer c = out;
      c.startMessage();
      clientId.write(c, client);
      screenId.write(c, screen);
      String session = rows.sessionId(i);
      if (session != null) {
        sessionId.write(c, session);
      }
      batchId.write(c, batch);
      eventType.write(c, type);
      c.startField("event_time", ParquetFormat.EVENT_TIME);
      c.addLong(rows.eventTime(i));
      c.endField("event_time", ParquetFormat.EVENT_TIME);
      c.startField("x_norm", ParquetFormat.X_NORM);
      c.addDouble(rows.xNorm(i));
      c.endField("x_norm", ParquetFormat.X_NORM);
      c.startField("y_norm", ParquetFormat.Y_NORM);
      c.addDouble(rows.yNorm(i));
      c.endField("y_norm", ParquetFormat.Y_NORM);
      Integer w = rows.viewportW(i);
      if (w != null) {
        c.startField("viewport_w", ParquetFormat.VIEWPORT_W);
        c.addInteger(w);
        c.endField("viewport_w", ParquetFormat.VIEWPORT_W);
      }
      Integer h = rows.viewportH(i);
      if (h != null) {
        c.startField("viewport_h", ParquetFormat.VIEWPORT_H);
        c.addInteger(h);
        c.endField("viewport_h", ParquetFormat.VIEWPORT_H);
      }
      c.startField("received_at", ParquetFormat.RECEIVED_AT);
      c.addLong(rows.receivedAt(i));
      c.endField("received_at", ParquetFormat.RECEIVED_AT);
      c.endMessage();
    }
  }

  /**
   * One string column with a one-entry cache: consecutive rows of a batch repeat the same strings.
   */
  static final class StringColumn {
    private final String field;
    private final int index;
    private String last;
    private Binary lastBytes;

    StringColumn(String field, int index) {
      this.field = field;
      this.index = index;
    }

    void write(RecordConsumer c, String value) {
      if (!value.equals(last)) {
        last = value;
        lastBytes =
            Binary.fromString(value); // immutable bytes: safe to hand to the writer more than once
      }
      c.startField(field, index);
      c.addBinary(lastBytes);
      c.endField(field, index);
    }
  }

  // ---- reading
  // -------------------------------------------------------------------------------------------
}
