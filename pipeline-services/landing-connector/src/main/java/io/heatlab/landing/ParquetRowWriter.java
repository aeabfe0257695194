package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
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
 * turns {@link LandedEvent}s into the schema's columns.
 */
final class ParquetRowWriter {
  private ParquetRowWriter() {}

  static final class Builder extends ParquetWriter.Builder<LandedEvent, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<LandedEvent> getWriteSupport(Configuration conf) {
      return new RowWriteSupport();
    }

    @Override // overridden so no Hadoop Configuration is created for each object
    protected WriteSupport<LandedEvent> getWriteSupport(ParquetConfiguration conf) {
      return new RowWriteSupport();
    }
  }

  /**
   * Feeds one LandedEvent as one record; the string columns reuse the previous row's bytes when
   * unchanged.
   */
  static final class RowWriteSupport extends WriteSupport<LandedEvent> {
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
    public void write(LandedEvent row) {
      // checked before the record starts: a half-written record would corrupt the whole object
      requireValue(row.clientId(), "client_id", row);
      requireValue(row.screenId(), "screen_id", row);
      requireValue(row.batchId(), "batch_id", row);
      requireValue(row.eventType(), "event_type", row);
      RecordConsumer c = out;
      c.startMessage();
      clientId.write(c, row.clientId());
      screenId.write(c, row.screenId());
      if (row.sessionId() != null) {
        sessionId.write(c, row.sessionId());
      }
      batchId.write(c, row.batchId());
      eventType.write(c, row.eventType());
      c.startField("event_time", ParquetFormat.EVENT_TIME);
      c.addLong(row.eventTime());
      c.endField("event_time", ParquetFormat.EVENT_TIME);
      c.startField("x_norm", ParquetFormat.X_NORM);
      c.addDouble(row.xNorm());
      c.endField("x_norm", ParquetFormat.X_NORM);
      c.startField("y_norm", ParquetFormat.Y_NORM);
      c.addDouble(row.yNorm());
      c.endField("y_norm", ParquetFormat.Y_NORM);
      if (row.viewportW() != null) {
        c.startField("viewport_w", ParquetFormat.VIEWPORT_W);
        c.addInteger(row.viewportW());
        c.endField("viewport_w", ParquetFormat.VIEWPORT_W);
      }
      if (row.viewportH() != null) {
        c.startField("viewport_h", ParquetFormat.VIEWPORT_H);
        c.addInteger(row.viewportH());
        c.endField("viewport_h", ParquetFormat.VIEWPORT_H);
      }
      c.startField("received_at", ParquetFormat.RECEIVED_AT);
      c.addLong(row.receivedAt());
      c.endField("received_at", ParquetFormat.RECEIVED_AT);
      c.endMessage();
    }

    private static void requireValue(String value, String field, LandedEvent row) {
      if (value == null) {
        throw new IllegalArgumentException("landed row without " + field + ": " + row);
      }
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
