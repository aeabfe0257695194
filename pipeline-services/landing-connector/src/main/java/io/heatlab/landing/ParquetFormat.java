package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.LandedRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordConsumer;
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

  private static final int CLIENT_ID = 0;
  private static final int SCREEN_ID = 1;
  private static final int SESSION_ID = 2;
  private static final int BATCH_ID = 3;
  private static final int EVENT_TYPE = 4;
  private static final int EVENT_TIME = 5;
  private static final int X_NORM = 6;
  private static final int Y_NORM = 7;
  private static final int VIEWPORT_W = 8;
  private static final int VIEWPORT_H = 9;
  private static final int RECEIVED_AT = 10;

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
  public byte[] encode(List<LandedEvent> rows) throws IOException {
    InMemoryParquetFiles.BytesOutputFile file =
        new InMemoryParquetFiles.BytesOutputFile(
            8192 + rows.size() * 10); // ~6 B/row zstd, ~9 snappy
    try (ParquetWriter<LandedEvent> writer =
        new Builder(file)
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
      for (LandedEvent row : rows) {
        writer.write(row);
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
      RowMaterializer materializer = new RowMaterializer();
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

  private static final class Builder extends ParquetWriter.Builder<LandedEvent, Builder> {
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
  private static final class RowWriteSupport extends WriteSupport<LandedEvent> {
    private final StringColumn clientId = new StringColumn("client_id", CLIENT_ID);
    private final StringColumn screenId = new StringColumn("screen_id", SCREEN_ID);
    private final StringColumn sessionId = new StringColumn("session_id", SESSION_ID);
    private final StringColumn batchId = new StringColumn("batch_id", BATCH_ID);
    private final StringColumn eventType = new StringColumn("event_type", EVENT_TYPE);
    private RecordConsumer out;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(SCHEMA, Map.of());
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
      c.startField("event_time", EVENT_TIME);
      c.addLong(row.eventTime());
      c.endField("event_time", EVENT_TIME);
      c.startField("x_norm", X_NORM);
      c.addDouble(row.xNorm());
      c.endField("x_norm", X_NORM);
      c.startField("y_norm", Y_NORM);
      c.addDouble(row.yNorm());
      c.endField("y_norm", Y_NORM);
      if (row.viewportW() != null) {
        c.startField("viewport_w", VIEWPORT_W);
        c.addInteger(row.viewportW());
        c.endField("viewport_w", VIEWPORT_W);
      }
      if (row.viewportH() != null) {
        c.startField("viewport_h", VIEWPORT_H);
        c.addInteger(row.viewportH());
        c.endField("viewport_h", VIEWPORT_H);
      }
      c.startField("received_at", RECEIVED_AT);
      c.addLong(row.receivedAt());
      c.endField("received_at", RECEIVED_AT);
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
  private static final class StringColumn {
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

  private static final class RowMaterializer extends RecordMaterializer<LandedEvent> {
    private final RowConverter root = new RowConverter();

    @Override
    public LandedEvent getCurrentRecord() {
      return root.current;
    }

    @Override
    public GroupConverter getRootConverter() {
      return root;
    }
  }

  /** Collects one record's values; field converters are indexed like {@link #SCHEMA}. */
  private static final class RowConverter extends GroupConverter {
    private final Converter[] fields = new Converter[SCHEMA.getFieldCount()];
    final String[] strings = new String[EVENT_TYPE + 1];
    long eventTime;
    double xNorm;
    double yNorm;
    Integer viewportW;
    Integer viewportH;
    long receivedAt;
    LandedEvent current;

    RowConverter() {
      for (int i = CLIENT_ID; i <= EVENT_TYPE; i++) {
        int column = i;
        fields[i] = DictionaryConverter.strings(v -> strings[column] = v);
      }
      fields[EVENT_TIME] =
          new PrimitiveConverter() {
            @Override
            public void addLong(long value) {
              eventTime = value;
            }
          };
      fields[X_NORM] =
          new PrimitiveConverter() {
            @Override
            public void addDouble(double value) {
              xNorm = value;
            }
          };
      fields[Y_NORM] =
          new PrimitiveConverter() {
            @Override
            public void addDouble(double value) {
              yNorm = value;
            }
          };
      fields[VIEWPORT_W] = DictionaryConverter.ints(v -> viewportW = v);
      fields[VIEWPORT_H] = DictionaryConverter.ints(v -> viewportH = v);
      fields[RECEIVED_AT] =
          new PrimitiveConverter() {
            @Override
            public void addLong(long value) {
              receivedAt = value;
            }
          };
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {
      strings[SESSION_ID] = null; // optional: absent values are simply not delivered
      viewportW = null;
      viewportH = null;
    }

    @Override
    public void end() {
      current =
          new LandedEvent(
              strings[CLIENT_ID],
              strings[SCREEN_ID],
              strings[SESSION_ID],
              strings[BATCH_ID],
              strings[EVENT_TYPE],
              eventTime,
              xNorm,
              yNorm,
              viewportW,
              viewportH,
              receivedAt);
    }
  }

  /**
   * A column with dictionary support that decodes each dictionary entry once (dictionary-encoded
   * rows then share one String / one boxed Integer) and hands values to {@code sink}: the string
   * columns and the viewport.
   */
  private static final class DictionaryConverter<T> extends PrimitiveConverter {
    private final BiFunction<Dictionary, Integer, T> decode;
    private final Consumer<T> sink;
    private Object[] dictionary = new Object[0];

    DictionaryConverter(BiFunction<Dictionary, Integer, T> decode, Consumer<T> sink) {
      this.decode = decode;
      this.sink = sink;
    }

    static DictionaryConverter<String> strings(Consumer<String> sink) {
      return new DictionaryConverter<>((d, i) -> d.decodeToBinary(i).toStringUsingUTF8(), sink);
    }

    static DictionaryConverter<Integer> ints(Consumer<Integer> sink) {
      return new DictionaryConverter<>(Dictionary::decodeToInt, sink);
    }

    @Override
    public boolean hasDictionarySupport() {
      return true;
    }

    @Override
    public void setDictionary(Dictionary d) {
      Object[] decoded = new Object[d.getMaxId() + 1];
      for (int i = 0; i < decoded.length; i++) {
        decoded[i] = decode.apply(d, i);
      }
      dictionary = decoded;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void addValueFromDictionary(int dictionaryId) {
      sink.accept((T) dictionary[dictionaryId]);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void addBinary(Binary value) {
      sink.accept((T) value.toStringUsingUTF8());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void addInt(int value) {
      sink.accept((T) Integer.valueOf(value));
    }
  }

  @Override
  public String toString() {
    return "parquet/" + compression();
  }
}
