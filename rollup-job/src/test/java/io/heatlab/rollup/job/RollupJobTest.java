package io.heatlab.rollup.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.heatlab.contract.LandedRow;
import io.heatlab.contract.ViewportClass;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's transforms on a local Spark over hand-made rows — no storage, no ClickHouse — and its
 * read schema held to the contract's landed row.
 */
class RollupJobTest {
  /** Landed rows as the de-duplication sees them ({@link #row}). */
  private static final StructType ATTEMPT_ROWS =
      new StructType()
          .add("window", DataTypes.StringType)
          .add("client_id", DataTypes.StringType)
          .add("batch_id", DataTypes.StringType)
          .add("received_at", DataTypes.LongType)
          .add("source", DataTypes.StringType)
          .add("n", DataTypes.IntegerType);

  private static SparkSession spark;

  @BeforeAll
  static void localSpark() {
    spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("rollup-job-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theReadSchemaIsTheContractsLandedRow() {
    Map<LandedRow.Type, DataType> types =
        Map.of(
            LandedRow.Type.STRING, DataTypes.StringType,
            LandedRow.Type.LONG, DataTypes.LongType,
            LandedRow.Type.INT, DataTypes.IntegerType,
            LandedRow.Type.DOUBLE, DataTypes.DoubleType);
    StructField[] fields = RollupJob.RAW.fields();
    assertThat(fields).extracting(StructField::name).containsExactlyElementsOf(LandedRow.NAMES);
    for (int i = 0; i < fields.length; i++) {
      assertThat(fields[i].dataType())
          .as(fields[i].name())
          .isEqualTo(types.get(LandedRow.COLUMNS.get(i).type()));
    }
  }

  @Test
  void aCoordinateFallsInItsCellAndOneIsTheLastCell() {
    Dataset<Row> cells =
        spark
            .range(1)
            .select(
                RollupJob.cell(lit(0.0)).as("a"),
                RollupJob.cell(lit(0.505)).as("b"),
                RollupJob.cell(lit(0.999)).as("c"),
                RollupJob.cell(lit(1.0)).as("d"));
    Row r = cells.first();
    assertThat(List.of(r.getInt(0), r.getInt(1), r.getInt(2), r.getInt(3)))
        .containsExactly(0, 50, 99, 99);
  }

  @Test
  void eachBatchCountsOnceItsMostCompleteAttemptAndOneSourceOfAReplay() {
    List<Row> rows =
        List.of(
            // b1: a partial attempt (2 rows) and the retry, whole (3 rows)
            row("b1", 100, "jsonl", 1),
            row("b1", 100, "jsonl", 2),
            row("b1", 200, "jsonl", 1),
            row("b1", 200, "jsonl", 2),
            row("b1", 200, "jsonl", 3),
            // b2: one attempt landed twice, in both formats (a replay after a switch of
            // landing.format)
            row("b2", 300, "jsonl", 1),
            row("b2", 300, "jsonl", 2),
            row("b2", 300, "parquet", 1),
            row("b2", 300, "parquet", 2),
            // b3: landed once
            row("b3", 400, "parquet", 1));
    Dataset<Row> events = spark.createDataFrame(rows, ATTEMPT_ROWS);

    Dataset<Row> once = RollupJob.onceEach(events);

    assertThat(once.where(col("batch_id").equalTo("b1")).count()).isEqualTo(3);
    assertThat(
            once.where(col("batch_id").equalTo("b1"))
                .select("received_at")
                .distinct()
                .first()
                .getLong(0))
        .isEqualTo(200);
    assertThat(once.where(col("batch_id").equalTo("b2")).count()).isEqualTo(2);
    assertThat(
            once.where(col("batch_id").equalTo("b2"))
                .select("source")
                .distinct()
                .first()
                .getString(0))
        .isEqualTo("jsonl");
    assertThat(once.where(col("batch_id").equalTo("b3")).count()).isEqualTo(1);
  }

  @Test
  void withoutDuplicatesTheEventsAreCountedAsTheyAreWithNoJoin() {
    Dataset<Row> events =
        spark.createDataFrame(
            List.of(
                row("b1", 100, "jsonl", 1),
                row("b1", 100, "jsonl", 2),
                row("b2", 200, "parquet", 1)),
            ATTEMPT_ROWS);

    assertThat(RollupJob.onceEach(events)).as("the same plan: nothing joined").isSameAs(events);
  }

  @Test
  void hourWindowsAreNumberedAndNamedBackInUtc() {
    long hour = RollupJob.hourOf("2026120610");
    assertThat(hour * 3600_000L).isEqualTo(Instant.parse("2026-12-06T10:00:00Z").toEpochMilli());
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    assertThat(spark.range(1).select(RollupJob.hourLabel(lit(hour))).first().getString(0))
        .isEqualTo("2026120610");
  }

  @Test
  void aBatchsWidthPutsItsEventsInTheContractsViewportClass() {
    Integer[] widths = {null, 1, 390, 767, 768, 1023, 1024, 1440, 100_000};
    List<Row> rows = new ArrayList<>();
    for (Integer w : widths) {
      rows.add(RowFactory.create(w));
    }
    Dataset<Row> batches =
        spark.createDataFrame(rows, new StructType().add("w", DataTypes.IntegerType));
    List<Row> classes =
        batches
            .select(
                col("w"),
                RollupJob.viewportClass(
                    col("w"), ViewportClass.DESKTOP_MIN, ViewportClass.TABLET_MIN))
            .collectAsList();
    assertThat(classes).hasSize(widths.length);
    for (Row r : classes) {
      Integer w = r.isNullAt(0) ? null : r.getInt(0);
      assertThat(r.getString(1)).as("width %s", w).isEqualTo(ViewportClass.ofWidth(w).id());
    }
  }

  @Test
  void aDailyRollupSumsItsHoursPerViewportClassAndReadsOlderHoursAsUnknown(@TempDir Path dir)
      throws Exception {
    StructType old = new StructType();
    for (StructField f : RollupJob.AGGREGATE.fields()) {
      if (!f.name().equals("viewport_class")) {
        old = old.add(f);
      }
    }
    spark
        .createDataFrame(List.of(RowFactory.create("acme", "pricing", "move", 1, 2, 5L)), old)
        .write()
        .parquet(dir.resolve("h10").toString()); // written before the viewport class joined the key
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("acme", "pricing", "move", "mobile", 1, 2, 3L),
                RowFactory.create("acme", "pricing", "move", "unknown", 1, 2, 4L),
                RowFactory.create("acme", "pricing", "move", "desktop", 1, 2, 6L)),
            RollupJob.AGGREGATE)
        .write()
        .parquet(dir.resolve("h11").toString());
    String out = dir.resolve("out").toString();

    RollupJob.run(
        spark,
        RollupJob.Args.parse(
            new String[] {
              "--granularity", "daily",
              "--output", out,
              "--desktop-min", "1024",
              "--tablet-min", "768",
              "--window", "20261201",
              "--input", "20261201=" + dir.resolve("h10"),
              "--input", "20261201=" + dir.resolve("h11")
            }));

    Map<String, Long> counts = new TreeMap<>();
    for (Row r : spark.read().parquet(out).select("viewport_class", "count").collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    assertThat(counts)
        .containsExactly(entry("desktop", 6L), entry("mobile", 3L), entry("unknown", 9L));
  }

  @Test
  void anInputsFormatIsItsFolders() {
    assertThat(
            RollupJob.formatOf("s3a://b/events/v1/format=parquet/dt=2026-12-01/hour=10/", "jsonl"))
        .isEqualTo("parquet");
    assertThat(
            RollupJob.formatOf("s3a://b/events/v1/format=jsonl/dt=2026-12-01/hour=10/", "parquet"))
        .isEqualTo("jsonl");
    assertThat(RollupJob.formatOf("/tmp/somewhere/", "parquet")).isEqualTo("parquet");
  }

  private static Row row(String batch, long receivedAt, String source, int n) {
    return RowFactory.create("2026120110", "acme", batch, receivedAt, source, n);
  }
}
