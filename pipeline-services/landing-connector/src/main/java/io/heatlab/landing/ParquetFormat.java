package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.LandedRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Parquet objects of landed rows, written and read entirely in memory (no Hadoop FileSystem, no
 * temp files, {@link PlainParquetConfiguration}). Columns are named exactly like the JSON lines'
 * fields and typed so that Spark reads the same values from either format: strings BINARY (STRING),
 * {@code event_time} and {@code received_at} plain INT64 epoch milliseconds (deliberately no
 * TIMESTAMP annotation: JSON lines give a long too), {@code x_norm/y_norm} DOUBLE, the viewport
 * OPTIONAL INT32, {@code session_id} OPTIONAL.
 *
 * <p>One object = one row group (200k realistic rows buffer ~3 MB of encoded pages, far below
 * {@link #ROW_GROUP_BYTES}), dictionary encoding on every column (the 4-decimal coordinates have at
 * most 10,001 distinct values, so even they dictionary-encode), Parquet 1.0 data pages for the
 * widest reader compatibility. Rows go through a small {@link WriteSupport} and come back through a
 * dictionary-aware {@link RecordMaterializer}, so no intermediate Group objects are built and
 * repeated strings are converted once. Pages are compressed by {@link ParquetPageCodecs} (zstd-jni,
 * snappy-java directly) rather than Hadoop's codec pool, which logs at INFO for every zstd object.
 * Immutable and thread-safe: every call builds its own writer or reader.
 */
public final class ParquetFormat implements ObjectFormat {
  /** The schema of landed rows: {@link LandedRow}'s columns, in order, as Parquet types. */
  public static final MessageType SCHEMA = schema();

  private static MessageType schema() {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (LandedRow.Column c : LandedRow.COLUMNS) {
      Repetition repetition = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
      switch (c.type()) {
        case STRING ->
            message
                .primitive(PrimitiveTypeName.BINARY, repetition)
                .as(LogicalTypeAnnotation.stringType())
                .named(c.name());
        case LONG -> message.primitive(PrimitiveTypeName.INT64, repetition).named(c.name());
        case INT -> message.primitive(PrimitiveTypeName.INT32, repetition).named(c.name());
        case DOUBLE -> message.primitive(PrimitiveTypeName.DOUBLE, repetition).named(c.name());
      }
    }
    return message.named("landed_event");
  }

  /**
   * Upper bound of one row group; objects of 10k–200k rows (~14 B/row buffered) stay in one row
   * group.
   */
  static final long ROW_GROUP_BYTES = 64L * 1024 * 1024;

  /**
   * Data page size: 1 MiB, Parquet's default (pages also close every 20,000 rows, the default row
   * limit).
   */
  static final int PAGE_BYTES = 1024 * 1024;

  /**
   * Dictionary page limit per column; above it a column falls back to plain encoding for the rest.
   */
  static final int DICTIONARY_PAGE_BYTES = 1024 * 1024;

  static final int CLIENT_ID = 0;
  static final int SCREEN_ID = 1;
  static final int SESSION_ID = 2;
  static final int BATCH_ID = 3;
  static final int EVENT_TYPE = 4;
  static final int EVENT_TIME = 5;
  static final int X_NORM = 6;
  static final int Y_NORM = 7;
  static final int VIEWPORT_W = 8;
  static final int VIEWPORT_H = 9;
  static final int RECEIVED_AT = 10;

  private final CompressionCodecName codec;

  /**
   * @param compression {@code snappy} or {@code zstd} (case-insensitive)
   */
  public ParquetFormat(String compression) {
    String c = compression == null ? "" : compression.trim().toLowerCase(Locale.ROOT);
    this.codec =
        switch (c) {
          case "snappy" -> CompressionCodecName.SNAPPY;
          case "zstd" -> CompressionCodecName.ZSTD;
          default ->
              throw new IllegalArgumentException(
                  "Parquet compression must be snappy or zstd, not '" + compression + "'");
        };
  }

  /** {@code snappy} or {@code zstd}. */
  public String compression() {
    return codec.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String name() {
    return "parquet";
  }

  @Override
  public String extension() {
    return "parquet";
  }

  @Override
  public String contentType() {
    return "application/vnd.apache.parquet";
  }

  @Override
  public byte[] encode(Rows rows) throws IOException {
    InMemoryParquetFiles.BytesOutputFile file =
        new InMemoryParquetFiles.BytesOutputFile(
            8192 + rows.size() * 10); // ~6 B/row zstd, ~9 snappy
    ParquetRowWriter.Cursor cursor = new ParquetRowWriter.Cursor();
    cursor.rows = rows;
    try (ParquetWriter<ParquetRowWriter.Cursor> writer =
        new ParquetRowWriter.Builder(file)
            .withConf(new PlainParquetConfiguration())
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(codec)
            .withCodecFactory(new ParquetPageCodecs())
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withPageSize(PAGE_BYTES)
            .withDictionaryPageSize(DICTIONARY_PAGE_BYTES)
            .withDictionaryEncoding(true)
            .withValidation(false)
            .build()) {
      for (int i = 0; i < rows.size(); i++) {
        cursor.i = i;
        writer.write(cursor);
      }
    }
    return file.toByteArray();
  }

  @Override
  public List<LandedEvent> decode(byte[] object) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(new InMemoryParquetFiles.BytesInputFile(object), readOptions())) {
      FileMetaData meta = reader.getFooter().getFileMetaData();
      MessageType fileSchema = meta.getSchema();
      MessageColumnIO columns;
      try {
        columns = new ColumnIOFactory(meta.getCreatedBy()).getColumnIO(SCHEMA, fileSchema, true);
      } catch (RuntimeException e) {
        throw new IOException(
            "not a landed-rows Parquet object: schema " + fileSchema + " lacks " + SCHEMA, e);
      }
      reader.setRequestedSchema(SCHEMA);
      List<LandedEvent> rows = new ArrayList<>((int) Math.min(1 << 20, reader.getRecordCount()));
      ParquetRowReader.RowMaterializer materializer = new ParquetRowReader.RowMaterializer();
      PageReadStore rowGroup;
      while ((rowGroup = reader.readNextRowGroup()) != null) {
        RecordReader<LandedEvent> records = columns.getRecordReader(rowGroup, materializer);
        for (long i = 0, n = rowGroup.getRowCount(); i < n; i++) {
          rows.add(records.read());
        }
      }
      return rows;
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) { // parquet reports corrupt input with unchecked exceptions
      throw new IOException(
          "unreadable Parquet object (" + object.length + " bytes): " + e.getMessage(), e);
    }
  }

  /** The schema stored in an object's footer (for checks and tests). */
  static MessageType fileSchema(byte[] object) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(new InMemoryParquetFiles.BytesInputFile(object), readOptions())) {
      return reader.getFooter().getFileMetaData().getSchema();
    }
  }

  /**
   * A reader over any Parquet object held in memory (zstd/snappy pages without Hadoop's codecs);
   * close it.
   */
  public static ParquetFileReader open(byte[] object) throws IOException {
    return ParquetFileReader.open(new InMemoryParquetFiles.BytesInputFile(object), readOptions());
  }

  private static ParquetReadOptions readOptions() {
    return ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(new ParquetPageCodecs())
        .build();
  }

  // ---- writing
  // -------------------------------------------------------------------------------------------

  @Override
  public String toString() {
    return "parquet/" + compression();
  }
}
