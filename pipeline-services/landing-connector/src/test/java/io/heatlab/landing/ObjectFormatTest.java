package io.heatlab.landing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventCodec;
import io.heatlab.contract.EventType;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.PointerEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class ObjectFormatTest {
  private static final long T0 = 1_795_600_800_000L; // 2026-11-25T08:00:00Z

  static Stream<Arguments> formats() {
    return Stream.of(
        Arguments.of(new JsonLinesFormat()),
        Arguments.of(new ParquetFormat("snappy")),
        Arguments.of(new ParquetFormat("zstd")));
  }

  /** Nulls where the contract allows them and edge values everywhere else. */
  static List<LandedEvent> edgeRows() {
    return List.of(
        new LandedEvent(
            "acme-web",
            "pricing",
            "s-4f1c",
            "01JD3W6V7R2Q9X8Y5Z4T3S2R1P",
            "move",
            T0,
            0.4123,
            0.7731,
            1440,
            900,
            T0 + 35),
        new LandedEvent(
            "acme-web",
            "pricing",
            null,
            "01JD3W6V7R2Q9X8Y5Z4T3S2R1P",
            "click",
            T0 + 1,
            0.0,
            1.0,
            null,
            null,
            T0 + 36),
        new LandedEvent("acme-web", "pricing", "s-4f1c", "b", "move", 0L, 1.0, 0.0, 1, null, 0L),
        new LandedEvent(
            "a",
            "",
            "",
            "",
            "click",
            Long.MAX_VALUE,
            Double.MIN_VALUE,
            0.9999,
            null,
            0,
            Long.MIN_VALUE),
        new LandedEvent(
            "ünï-cødé",
            "ÄÖÜ 東京 🙂",
            "quote\" back\\slash",
            "line\nbreak\ttab",
            "scroll",
            -1L,
            1e-300,
            0.49999999999999994,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            -T0),
        new LandedEvent(
            "acme-web",
            "pricing",
            "s-4f1c",
            "01JD3W6V7R2Q9X8Y5Z4T3S2R1P",
            "move",
            T0 + 50,
            0.00005,
            0.99995,
            1440,
            900,
            T0 + 36));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void roundTripsNullsAndEdgeValues(ObjectFormat format) throws IOException {
    List<LandedEvent> rows = edgeRows();
    byte[] object = format.encode(rows);
    assertThat(format.decode(object)).containsExactlyElementsOf(rows);
    // encoding is deterministic: a replay produces the same object
    assertThat(format.encode(rows)).isEqualTo(object);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void roundTripsAnEmptyObject(ObjectFormat format) throws IOException {
    byte[] object = format.encode(List.of());
    assertThat(object).isNotEmpty();
    assertThat(format.decode(object)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void rejectsBytesThatAreNotAnObjectOfTheFormat(ObjectFormat format) {
    byte[] garbage = "not an object at all, just some text".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> format.decode(garbage)).isInstanceOf(IOException.class);
  }

  @Test
  void namesExtensionsAndContentTypes() {
    JsonLinesFormat jsonl = new JsonLinesFormat();
    assertThat(List.of(jsonl.name(), jsonl.extension(), jsonl.contentType()))
        .containsExactly("jsonl", "jsonl.gz", "application/gzip");
    for (String codec : List.of("snappy", "zstd", "ZSTD")) {
      ParquetFormat parquet = new ParquetFormat(codec);
      assertThat(List.of(parquet.name(), parquet.extension(), parquet.contentType()))
          .containsExactly("parquet", "parquet", "application/vnd.apache.parquet");
      assertThat(parquet.compression()).isEqualTo(codec.toLowerCase());
    }
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "gzip", "lz4", "none", "uncompressed", "brotli", "snapy"})
  void rejectsAnyCodecButSnappyAndZstd(String codec) {
    assertThatThrownBy(() -> new ParquetFormat(codec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snappy")
        .hasMessageContaining("zstd");
  }

  @Test
  void jsonLinesAreTheContractsFieldsOneObjectPerLine() throws IOException {
    List<LandedEvent> rows = edgeRows();
    byte[] object = new JsonLinesFormat().encode(rows);
    String text;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(object))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(text).endsWith("\n");
    String[] lines = text.split("\n");
    assertThat(lines).hasSize(rows.size());
    for (String line : lines) {
      JsonNode node = EventCodec.MAPPER.readTree(line);
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      assertThat(names).containsExactlyElementsOf(LandedEvent.FIELDS);
    }
    assertThat(EventCodec.MAPPER.readTree(lines[1]).get("session_id").isNull()).isTrue();
    assertThat(EventCodec.MAPPER.readTree(lines[1]).get("viewport_w").isNull()).isTrue();
  }

  @Test
  void jsonLinesDecodingSkipsBlankLines() throws IOException {
    LandedEvent row = edgeRows().get(0);
    String text = "\n" + new String(EventCodec.toJson(row), StandardCharsets.UTF_8) + "\r\n  \n";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(new JsonLinesFormat().decode(bytes.toByteArray())).containsExactly(row);
  }

  @Test
  void parquetColumnsAreNamedAndTypedLikeTheJsonFields() throws IOException {
    byte[] object = new ParquetFormat("zstd").encode(edgeRows());
    MessageType schema = ParquetFormat.fileSchema(object);
    assertThat(schema).isEqualTo(ParquetFormat.SCHEMA);
    assertThat(schema.getFields())
        .extracting(t -> t.getName())
        .containsExactlyElementsOf(LandedEvent.FIELDS);

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("client_id", "REQUIRED BINARY STRING");
    expected.put("screen_id", "REQUIRED BINARY STRING");
    expected.put("session_id", "OPTIONAL BINARY STRING");
    expected.put("batch_id", "REQUIRED BINARY STRING");
    expected.put("event_type", "REQUIRED BINARY STRING");
    expected.put(
        "event_time",
        "REQUIRED INT64 -"); // epoch ms as a plain long, like the JSON lines: no TIMESTAMP
    expected.put("x_norm", "REQUIRED DOUBLE -");
    expected.put("y_norm", "REQUIRED DOUBLE -");
    expected.put("viewport_w", "OPTIONAL INT32 -");
    expected.put("viewport_h", "OPTIONAL INT32 -");
    expected.put("received_at", "REQUIRED INT64 -");
    Map<String, String> actual = new LinkedHashMap<>();
    for (Type field : schema.getFields()) {
      PrimitiveType p = field.asPrimitiveType();
      LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
      actual.put(
          p.getName(),
          p.getRepetition()
              + " "
              + p.getPrimitiveTypeName()
              + " "
              + (logical == null ? "-" : logical.toString()));
    }
    assertThat(actual).containsExactlyEntriesOf(expected);
    assertThat(schema.getType("event_time").getRepetition()).isEqualTo(Repetition.REQUIRED);
    assertThat(schema.getType("x_norm").asPrimitiveType().getPrimitiveTypeName())
        .isEqualTo(PrimitiveTypeName.DOUBLE);
  }

  /**
   * The objects are plain Parquet: the stock parquet-mr reader (Hadoop codec path, as Spark uses
   * it) reads every value back, nulls included, although ParquetFormat compresses pages through its
   * own codecs.
   */
  @ParameterizedTest
  @ValueSource(strings = {"snappy", "zstd"})
  void parquetObjectsAreReadableByTheStockParquetReader(String codec, @TempDir Path dir)
      throws IOException {
    List<LandedEvent> rows = new ArrayList<>(edgeRows());
    rows.addAll(realisticRows(30_000, 3));
    Path file = dir.resolve("rows." + codec + ".parquet");
    Files.write(file, new ParquetFormat(codec).encode(rows));
    List<LandedEvent> back = new ArrayList<>();
    // the stock reader logs per file at INFO (record reader, Hadoop's CodecPool): keep the test
    // output readable
    Logger parquet = (Logger) LoggerFactory.getLogger("org.apache.parquet");
    Logger hadoop = (Logger) LoggerFactory.getLogger("org.apache.hadoop");
    Level parquetLevel = parquet.getLevel();
    Level hadoopLevel = hadoop.getLevel();
    parquet.setLevel(Level.WARN);
    hadoop.setLevel(Level.WARN);
    try (ParquetReader<Group> reader =
        new ParquetReader.Builder<Group>(
            new LocalInputFile(file), new PlainParquetConfiguration()) {
          @Override
          protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
          }
        }.build()) {
      Group g;
      while ((g = reader.read()) != null) {
        back.add(
            new LandedEvent(
                g.getString("client_id", 0),
                g.getString("screen_id", 0),
                g.getFieldRepetitionCount("session_id") == 0 ? null : g.getString("session_id", 0),
                g.getString("batch_id", 0),
                g.getString("event_type", 0),
                g.getLong("event_time", 0),
                g.getDouble("x_norm", 0),
                g.getDouble("y_norm", 0),
                g.getFieldRepetitionCount("viewport_w") == 0 ? null : g.getInteger("viewport_w", 0),
                g.getFieldRepetitionCount("viewport_h") == 0 ? null : g.getInteger("viewport_h", 0),
                g.getLong("received_at", 0)));
      }
    } finally {
      parquet.setLevel(parquetLevel);
      hadoop.setLevel(hadoopLevel);
    }
    assertThat(back).isEqualTo(rows);
  }

  /**
   * Contract v2 lands the same bytes as v1: JSON lines written column by column from batch records
   * equal, byte for byte, the JSON of each event's landed row (what a v1 record carried), doubles
   * of every shape and absent session/viewport included; Parquet reads back the same rows.
   */
  @Test
  void batchRecordsLandByteIdenticalJsonLinesAndTheSameParquetRows() throws Exception {
    double[] values = {0, 1, 0.5, 0.1, 0.30000000000000004, 1e-7, 0.123456789012345, 4.9e-324};
    List<PointerEvent> events = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      events.add(
          new PointerEvent(
              T0 + i,
              values[i],
              values[values.length - 1 - i],
              i % 3 == 0 ? EventType.CLICK : EventType.MOVE));
    }
    EventBatch full =
        new EventBatch(
            "acme-web", "b-1", "pricing", "s-1", new EventBatch.Viewport(1440, 900), events);
    EventBatch bare = new EventBatch("acme-web", "b-2", "home", null, null, events.subList(0, 3));
    RowBuffer buffer = new RowBuffer();
    buffer.add(7, BatchRecord.of(full, T0 + 100));
    buffer.add(8, BatchRecord.of(bare, T0 + 200));

    ByteArrayOutputStream v1 = new ByteArrayOutputStream();
    List<LandedEvent> rows = new ArrayList<>();
    for (int i = 0; i < full.events().size(); i++) {
      rows.add(full.landed(i, T0 + 100));
    }
    for (int i = 0; i < bare.events().size(); i++) {
      rows.add(bare.landed(i, T0 + 200));
    }
    for (LandedEvent e : rows) {
      v1.write(EventCodec.toJson(e));
      v1.write('\n');
    }
    byte[] object = new JsonLinesFormat().encode(buffer);
    byte[] lines;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(object))) {
      lines = in.readAllBytes();
    }
    assertThat(new String(lines, StandardCharsets.UTF_8))
        .isEqualTo(v1.toString(StandardCharsets.UTF_8));
    assertThat(lines).isEqualTo(v1.toByteArray());
    ParquetFormat parquet = new ParquetFormat("zstd");
    assertThat(parquet.decode(parquet.encode(buffer))).isEqualTo(rows);
  }

  @Test
  void parquetRefusesARowWithoutARequiredField() {
    LandedEvent bad =
        new LandedEvent("acme-web", "pricing", null, null, "move", T0, 0.5, 0.5, null, null, T0);
    assertThatThrownBy(() -> new ParquetFormat("snappy").encode(List.of(edgeRows().get(0), bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch_id");
  }

  /**
   * 100,000 rows shaped like the traffic generator's: 3 screens, 10 sessions, batches of 50 events
   * 50 ms apart, coordinates drawn around hot spots with 4 decimals, ~3% clicks. Prints bytes/row
   * and timings.
   */
  @Test
  void realisticRowsSizesAndTimings() throws IOException {
    List<LandedEvent> rows = realisticRows(100_000, 42);
    List<ObjectFormat> formats =
        List.of(new JsonLinesFormat(), new ParquetFormat("snappy"), new ParquetFormat("zstd"));
    Map<String, Double> bytesPerRow = new LinkedHashMap<>();
    for (ObjectFormat format : formats) {
      String label =
          format instanceof ParquetFormat p ? "parquet+" + p.compression() : "jsonl+gzip";
      byte[] object = null;
      long[] encodeNs = new long[7];
      long[] decodeNs = new long[7];
      for (int i = 0;
          i < encodeNs.length;
          i++) { // the first runs warm the JIT up; the median is reported
        long t0 = System.nanoTime();
        object = format.encode(rows);
        long t1 = System.nanoTime();
        List<LandedEvent> back = format.decode(object);
        long t2 = System.nanoTime();
        encodeNs[i] = t1 - t0;
        decodeNs[i] = t2 - t1;
        if (i == 0) {
          assertThat(back).hasSize(rows.size());
          assertThat(back).isEqualTo(rows);
        }
      }
      double perRow = (double) object.length / rows.size();
      bytesPerRow.put(label, perRow);
      double enc = median(Arrays.copyOfRange(encodeNs, 2, encodeNs.length)) / 1e6;
      double dec = median(Arrays.copyOfRange(decodeNs, 2, decodeNs.length)) / 1e6;
      System.out.printf(
          "%-15s %,10d bytes  %6.2f B/row  encode %7.1f ms (%,9.0f rows/s)  decode %7.1f ms (%,9.0f rows/s)%n",
          label,
          object.length,
          perRow,
          enc,
          rows.size() / enc * 1000,
          dec,
          rows.size() / dec * 1000);
    }
    assertThat(bytesPerRow.get("parquet+zstd")).isLessThan(bytesPerRow.get("jsonl+gzip"));
    assertThat(bytesPerRow.get("parquet+snappy")).isLessThan(bytesPerRow.get("jsonl+gzip"));
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private record Hotspot(double x, double y, double sx, double sy, double weight) {}

  /** Rows as a Kafka partition would hold them: batches of different sessions interleaved. */
  static List<LandedEvent> realisticRows(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] screens = {"home", "pricing", "docs"};
    Hotspot[][] spots = {
      {
        new Hotspot(0.5, 0.12, 0.2, 0.05, 3),
        new Hotspot(0.3, 0.55, 0.1, 0.08, 2),
        new Hotspot(0.72, 0.4, 0.08, 0.1, 1)
      },
      {
        new Hotspot(0.2, 0.45, 0.06, 0.12, 2),
        new Hotspot(0.5, 0.45, 0.06, 0.12, 3),
        new Hotspot(0.8, 0.45, 0.06, 0.12, 2),
        new Hotspot(0.5, 0.9, 0.3, 0.04, 1)
      },
      {new Hotspot(0.15, 0.5, 0.08, 0.3, 2), new Hotspot(0.6, 0.4, 0.25, 0.25, 4)}
    };
    int[][] viewports = {{1440, 900}, {1920, 1080}, {390, 844}, {1280, 720}};
    int sessions = 10;
    String[] sessionIds = new String[sessions];
    int[] screenOf = new int[sessions];
    int[] viewportOf = new int[sessions];
    long[] batchSeq = new long[sessions];
    long[] clock = new long[sessions];
    for (int s = 0; s < sessions; s++) {
      sessionIds[s] = "s-" + Long.toHexString(random.nextLong() & 0xffffffffL);
      screenOf[s] = s % screens.length;
      viewportOf[s] = random.nextInt(viewports.length);
      clock[s] = T0 + random.nextInt(60_000);
    }
    List<LandedEvent> rows = new ArrayList<>(count);
    while (rows.size() < count) {
      int s = random.nextInt(sessions);
      if (++batchSeq[s] % 20 == 0) {
        screenOf[s] = (screenOf[s] + 1) % screens.length;
      }
      String batchId = sessionIds[s] + "-" + batchSeq[s];
      Hotspot[] hs = spots[screenOf[s]];
      long base = clock[s];
      long receivedAt = base + 50L * 50 + 20 + random.nextInt(200);
      for (int i = 0; i < 50 && rows.size() < count; i++) {
        boolean click = random.nextDouble() < 0.03;
        Hotspot h = pick(hs, random);
        double spread = click ? 0.5 : 1.0;
        double x = round4(h.x() + gaussian(random) * h.sx() * spread);
        double y = round4(h.y() + gaussian(random) * h.sy() * spread);
        rows.add(
            new LandedEvent(
                "demo",
                screens[screenOf[s]],
                sessionIds[s],
                batchId,
                click ? "click" : "move",
                base + 50L * i,
                x,
                y,
                viewports[viewportOf[s]][0],
                viewports[viewportOf[s]][1],
                receivedAt));
      }
      clock[s] = base + 50L * 50 + random.nextInt(5_000);
    }
    return rows;
  }

  private static Hotspot pick(Hotspot[] spots, SplittableRandom random) {
    double total = 0;
    for (Hotspot h : spots) {
      total += h.weight();
    }
    double r = random.nextDouble() * total;
    for (Hotspot h : spots) {
      r -= h.weight();
      if (r < 0) {
        return h;
      }
    }
    return spots[spots.length - 1];
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static double round4(double v) {
    return Math.round(Math.max(0, Math.min(1, v)) * 10_000) / 10_000.0;
  }
}
