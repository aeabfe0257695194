package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;

/**
 * The read side of {@link ParquetFormat}: a record materializer that builds {@link LandedEvent}s
 * straight from the columns, converting each dictionary entry once.
 */
final class ParquetRowReader {
  private ParquetRowReader() {}

  static final class RowMaterializer extends RecordMaterializer<LandedEvent> {
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

  /**
   * Collects one record's values; field converters are indexed like {@link ParquetFormat#SCHEMA}.
   */
  static final class RowConverter extends GroupConverter {
    private final Converter[] fields = new Converter[ParquetFormat.SCHEMA.getFieldCount()];
    final String[] strings = new String[ParquetFormat.EVENT_TYPE + 1];
    long eventTime;
    double xNorm;
    double yNorm;
    Integer viewportW;
    Integer viewportH;
    long receivedAt;
    LandedEvent current;

    RowConverter() {
      for (int i = ParquetFormat.CLIENT_ID; i <= ParquetFormat.EVENT_TYPE; i++) {
        int column = i;
        fields[i] = DictionaryConverter.strings(v -> strings[column] = v);
      }
      fields[ParquetFormat.EVENT_TIME] =
          new PrimitiveConverter() {
            @Override
            public void addLong(long value) {
              eventTime = value;
            }
          };
      fields[ParquetFormat.X_NORM] =
          new PrimitiveConverter() {
            @Override
            public void addDouble(double value) {
              xNorm = value;
            }
          };
      fields[ParquetFormat.Y_NORM] =
          new PrimitiveConverter() {
            @Override
            public void addDouble(double value) {
              yNorm = value;
            }
          };
      fields[ParquetFormat.VIEWPORT_W] = DictionaryConverter.ints(v -> viewportW = v);
      fields[ParquetFormat.VIEWPORT_H] = DictionaryConverter.ints(v -> viewportH = v);
      fields[ParquetFormat.RECEIVED_AT] =
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
      strings[ParquetFormat.SESSION_ID] = null; // optional: absent values are simply not delivered
      viewportW = null;
      viewportH = null;
    }

    @Override
    public void end() {
      current =
          new LandedEvent(
              strings[ParquetFormat.CLIENT_ID],
              strings[ParquetFormat.SCREEN_ID],
              strings[ParquetFormat.SESSION_ID],
              strings[ParquetFormat.BATCH_ID],
              strings[ParquetFormat.EVENT_TYPE],
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
  static final class DictionaryConverter<T> extends PrimitiveConverter {
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
}
