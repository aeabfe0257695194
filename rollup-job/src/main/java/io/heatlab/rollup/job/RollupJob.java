package io.heatlab.rollup.job;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The heatmap rollup, one Spark application for one granularity and any number of windows:
 *
 * <ul>
 *   <li>{@code hourly}: reads each hour's landed raw events (JSON lines gzip or Parquet, the data
 *       contract's fields), buckets {@code x_norm, y_norm} into the 100 × 100 grid ({@code cell =
 *       min(99, floor(v * 100))}), puts each event in the viewport class of its batch's width
 *       ({@code desktop} from {@code --desktop-min} pixels, {@code tablet} from {@code
 *       --tablet-min}, {@code mobile} below, {@code unknown} without a viewport: heatlab passes its
 *       contract's widths) and counts events per (client_id, screen_id, event_type, viewport_class,
 *       cell_x, cell_y);
 *   <li>{@code daily} / {@code weekly}: sums the counts of the finer windows' aggregates (24 hours,
 *       7 days).
 * </ul>
 *
 * Writes Parquet under {@code <output>/window=<window>/} (the output is the run's own directory, so
 * a run never touches another run's files; heatlab publishes them to ClickHouse after the
 * application succeeded) and prints the totals of the write, {@code HEATLAB_TOTAL rows_in=N
 * rows_out=M events=E}, which heatlab checks against what it reads back before it publishes
 * anything.
 *
 * <p>Arguments: {@code --granularity hourly|daily|weekly --output PATH [--format jsonl|parquet]
 * --desktop-min PX --tablet-min PX --input WINDOW=PATH ...} (repeat {@code --input}; a window may
 * have several paths, or none: an empty window; an hourly input is read in the format its {@code
 * format=} folder names, else in {@code --format}). Any unreadable input fails the application
 * (malformed JSON included): a rollup never publishes a window it could only partly read.
 */
public final class RollupJob {
  static final int GRID = 100;
  private static final long HOUR_MS = 3_600_000L;
  static final DateTimeFormatter WINDOW = DateTimeFormatter.ofPattern("yyyyMMddHH");

  /** Losing attempts up to this many are broadcast to the anti-join; more are shuffled. */
  static final int BROADCAST_LOSERS = 100_000;

  private static final Pattern FORMAT_FOLDER = Pattern.compile("/format=([a-z]+)/");

  /**
   * The data contract's fields (docs/architecture.md §2): explicit, so JSON needs no inference
   * pass.
   */
  static final StructType RAW =
      new StructType()
          .add("client_id", DataTypes.StringType)
          .add("screen_id", DataTypes.StringType)
          .add("session_id", DataTypes.StringType)
          .add("batch_id", DataTypes.StringType)
          .add("event_type", DataTypes.StringType)
          .add("event_time", DataTypes.LongType)
          .add("x_norm", DataTypes.DoubleType)
          .add("y_norm", DataTypes.DoubleType)
          .add("viewport_w", DataTypes.IntegerType)
          .add("viewport_h", DataTypes.IntegerType)
          .add("received_at", DataTypes.LongType);

  /**
   * A rollup aggregate as the job writes it (and reads it back for daily and weekly). Aggregates
   * written before the viewport class joined the key lack {@code viewport_class}: read as null,
   * counted as {@code unknown}.
   */
  static final StructType AGGREGATE =
      new StructType()
          .add("client_id", DataTypes.StringType)
          .add("screen_id", DataTypes.StringType)
          .add("event_type", DataTypes.StringType)
          .add("viewport_class", DataTypes.StringType)
          .add("cell_x", DataTypes.IntegerType)
          .add("cell_y", DataTypes.IntegerType)
          .add("count", DataTypes.LongType);

  static final String UNKNOWN = "unknown";

  private RollupJob() {}

  public static void main(String[] args) throws InterruptedException {
    long t0 = System.nanoTime();
    Args a = Args.parse(args);
    SparkSession spark =
        SparkSession.builder().appName("heatlab-rollup-" + a.granularity).getOrCreate();
    spark.sparkContext().addSparkListener(new ProgressListener());
    long t1 = System.nanoTime();
    try {
      run(spark, a);
      System.out.println(
          "HEATLAB_TIMING session_ms="
              + (t1 - t0) / 1_000_000
              + " work_ms="
              + (System.nanoTime() - t1) / 1_000_000);
    } finally {
      spark.stop();
    }
  }

  static void run(SparkSession spark, Args a) throws InterruptedException {
    run(spark, a, System.out::println);
  }

  /** Runs the rollup of {@code a}; its totals line goes to {@code out}. */
  static void run(SparkSession spark, Args a, Consumer<String> out) throws InterruptedException {
    Dataset<Row> all = a.granularity.equals("hourly") ? hourly(spark, a) : coarser(spark, a);
    if (all == null) {
      out.accept("HEATLAB_TOTAL rows_in=0 rows_out=0 events=0");
      return;
    }
    // one pass: the write's own metrics give the totals, which heatlab checks against what it reads
    // back
    Observation totals = new Observation("heatlab-totals");
    Dataset<Row> counts =
        all.groupBy(
                "window",
                "client_id",
                "screen_id",
                "event_type",
                "viewport_class",
                "cell_x",
                "cell_y")
            .agg(sum("count").cast("long").as("count"), sum("rows_in").cast("long").as("rows_in"));
    if (a.granularity.equals("hourly")) {
      // the hour's number becomes its folder's name once per aggregated row, not per event
      counts = counts.withColumn("window", hourLabel(col("window")));
    }
    counts
        .observe(
            totals,
            sum("rows_in").as("rows_in"),
            count(lit(1)).as("rows_out"),
            sum("count").as("events"))
        .drop("rows_in")
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy("window")
        .option("compression", "zstd")
        .parquet(a.output);
    Map<String, Object> t = totals.getAsJava(); // blocks until the write's action completed
    out.accept(
        "HEATLAB_TOTAL rows_in="
            + t.get("rows_in")
            + " rows_out="
            + t.get("rows_out")
            + " events="
            + t.get("events"));
  }

  /**
   * Every hour's raw objects in one scan per format (one file source however many hours: a backfill
   * stays one small plan); the window is the event-time hour, which is also the folder the
   * connector landed the event in. An input's format is its folder's ({@code
   * format=jsonl|parquet}): an hour may hold both after a switch of {@code landing.format}, and
   * each row carries where it came from, so that {@link #onceEach} counts a batch that a replay
   * landed in both formats once.
   */
  private static Dataset<Row> hourly(SparkSession spark, Args a) {
    Map<String, List<String>> byFormat = new LinkedHashMap<>();
    a.inputs.values().stream()
        .flatMap(List::stream)
        .forEach(
            p -> byFormat.computeIfAbsent(formatOf(p, a.format), f -> new ArrayList<>()).add(p));
    Dataset<Row> events = null;
    for (Map.Entry<String, List<String>> f : byFormat.entrySet()) {
      String[] paths = f.getValue().toArray(new String[0]);
      Dataset<Row> read =
          switch (f.getKey()) {
            case "jsonl" ->
                spark
                    .read()
                    .schema(RAW)
                    .option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", "*.jsonl.gz")
                    .option("mode", "FAILFAST")
                    .json(paths);
            case "parquet" ->
                spark
                    .read()
                    .schema(RAW)
                    .option("recursiveFileLookup", "true")
                    .option("pathGlobFilter", "*.parquet")
                    .parquet(paths);
            default ->
                throw new IllegalArgumentException(
                    "format must be jsonl or parquet, not " + f.getKey());
          };
      read = read.withColumn("source", lit(f.getKey()));
      events = events == null ? read : events.unionByName(read);
    }
    if (events == null) {
      return null;
    }
    // the window as an integer (hours since the epoch): no date string per row, and a range on
    // event_time that the Parquet reader can check against row-group statistics
    long[] hours = a.inputs.keySet().stream().mapToLong(RollupJob::hourOf).sorted().toArray();
    Dataset<Row> windowed =
        events
            .where(
                col("event_time")
                    .geq(hours[0] * HOUR_MS)
                    .and(col("event_time").lt((hours[hours.length - 1] + 1) * HOUR_MS)))
            .withColumn("window", floor(col("event_time").divide(HOUR_MS)).cast("long"))
            .where(col("window").isin(Arrays.stream(hours).boxed().toArray()));
    return onceEach(windowed)
        .select(
            col("window"),
            col("client_id"),
            col("screen_id"),
            col("event_type"),
            viewportClass(col("viewport_w"), a.desktopMin, a.tabletMin).as("viewport_class"),
            cell(col("x_norm")).as("cell_x"),
            cell(col("y_norm")).as("cell_y"),
            lit(1L).as("count"),
            lit(1L).as("rows_in"));
  }

  /** Hours since the epoch of a window named {@code yyyyMMddHH} (UTC). */
  static long hourOf(String window) {
    return LocalDateTime.parse(window, WINDOW).toEpochSecond(ZoneOffset.UTC) / 3600;
  }

  /** The {@code yyyyMMddHH} name of an hour since the epoch (the session time zone is UTC). */
  static Column hourLabel(Column hour) {
    return date_format(timestamp_seconds(hour.multiply(3600L)), "yyyyMMddHH");
  }

  /** The landing format of an input path: its {@code format=} folder, else {@code fallback}. */
  static String formatOf(String path, String fallback) {
    Matcher m = FORMAT_FOLDER.matcher(path);
    return m.find() ? m.group(1) : fallback;
  }

  /** Daily/weekly: each window sums the current aggregates of its finer windows. */
  private static Dataset<Row> coarser(SparkSession spark, Args a) {
    Dataset<Row> all = null;
    for (Map.Entry<String, List<String>> w : a.inputs.entrySet()) {
      if (!w.getValue().isEmpty()) {
        Dataset<Row> part =
            spark
                .read()
                .schema(AGGREGATE)
                .parquet(w.getValue().toArray(new String[0]))
                .select(
                    lit(w.getKey()).as("window"),
                    col("client_id"),
                    col("screen_id"),
                    col("event_type"),
                    coalesce(col("viewport_class"), lit(UNKNOWN)).as("viewport_class"),
                    col("cell_x"),
                    col("cell_y"),
                    col("count"),
                    lit(1L).as("rows_in"));
        all = all == null ? part : all.unionByName(part);
      }
    }
    return all;
  }

  /**
   * Each batch counted once. A batch is answered 202 only after its records are committed, but an
   * attempt can land more than once or in part: before transactions, a broker failing midway wrote
   * part of a batch (one record per event) while the request was answered 503, and the client's
   * retry (same {@code batch_id}, a new {@code received_at}) wrote it whole; and a replay of the
   * topic after a switch of {@code landing.format} lands the same attempt again in the other format
   * ({@code source}). So per (window, client_id, batch_id), only the rows of one attempt in one
   * source count: the most complete (ties: the earliest, then the first format by name; complete
   * copies are identical). A partial attempt holds a subset of the complete one's events, hour by
   * hour.
   *
   * <p>Duplicates are rare, so the common case costs one narrow pass: the attempts of each batch (a
   * count per attempt — partial aggregates, no row shuffled) ranked within the batches that have
   * more than one; the losers collected. None: the events themselves are returned, untouched (no
   * join). A few: dropped by an anti-join with them broadcast. Many (a replay of whole hours): the
   * same anti-join, shuffled.
   */
  static Dataset<Row> onceEach(Dataset<Row> events) {
    List<String> attempt = List.of("window", "client_id", "batch_id", "received_at", "source");
    Dataset<Row> attempts =
        events
            .groupBy(attempt.stream().map(c -> col(c)).toArray(Column[]::new))
            .agg(count(lit(1)).as("n"));
    WindowSpec batch = Window.partitionBy("window", "client_id", "batch_id");
    Dataset<Row> losers =
        attempts
            .withColumn("attempts", count(lit(1)).over(batch))
            .where(col("attempts").gt(1))
            .withColumn(
                "rank",
                row_number()
                    .over(
                        batch.orderBy(
                            col("n").desc(), col("received_at").asc(), col("source").asc())))
            .where(col("rank").gt(1))
            .select(attempt.stream().map(c -> col(c)).toArray(Column[]::new));
    List<Row> few = losers.limit(BROADCAST_LOSERS + 1).collectAsList();
    if (few.isEmpty()) {
      return events;
    }
    Dataset<Row> drop =
        few.size() <= BROADCAST_LOSERS
            ? broadcast(events.sparkSession().createDataFrame(few, losers.schema()))
            : losers;
    return events.join(drop, CollectionConverters.asScala(attempt).toSeq(), "left_anti");
  }

  /**
   * The viewport class of a batch {@code width} pixels wide: {@code desktop} from {@code
   * desktopMin}, {@code tablet} from {@code tabletMin}, {@code mobile} below, {@code unknown} for
   * none — the contract's ViewportClass.ofWidth, as a column.
   */
  static Column viewportClass(Column width, int desktopMin, int tabletMin) {
    return when(width.isNull(), lit(UNKNOWN))
        .when(width.geq(desktopMin), lit("desktop"))
        .when(width.geq(tabletMin), lit("tablet"))
        .otherwise(lit("mobile"));
  }

  /** {@code min(99, floor(v * 100))}: the grid of docs/architecture.md §2, v in [0, 1]. */
  static Column cell(Column v) {
    return least(lit(GRID - 1), floor(v.multiply(GRID))).cast("int");
  }

  /** The job's arguments. */
  static final class Args {
    String granularity;
    String format = "jsonl";
    String output;
    int desktopMin;
    int tabletMin;
    final Map<String, List<String>> inputs = new LinkedHashMap<>();

    static Args parse(String[] args) {
      Args a = new Args();
      for (int i = 0; i < args.length; i++) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + args[i]);
        }
        String v = args[++i];
        switch (args[i - 1]) {
          case "--granularity" -> a.granularity = v;
          case "--format" -> a.format = v;
          case "--output" -> a.output = v;
          case "--desktop-min" -> a.desktopMin = Integer.parseInt(v);
          case "--tablet-min" -> a.tabletMin = Integer.parseInt(v);
          case "--window" -> a.inputs.computeIfAbsent(v, k -> new ArrayList<>());
          case "--input" -> {
            int eq = v.indexOf('=');
            if (eq < 1) {
              throw new IllegalArgumentException("--input wants WINDOW=PATH, not " + v);
            }
            a.inputs
                .computeIfAbsent(v.substring(0, eq), k -> new ArrayList<>())
                .add(v.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i - 1]);
        }
      }
      if (a.granularity == null
          || !List.of("hourly", "daily", "weekly").contains(a.granularity)
          || a.output == null
          || a.inputs.isEmpty()
          || a.tabletMin < 1
          || a.desktopMin <= a.tabletMin) {
        throw new IllegalArgumentException(
            "usage: --granularity hourly|daily|weekly --output PATH [--format jsonl|parquet]"
                + " --desktop-min PX --tablet-min PX --window W [--input W=PATH]...");
      }
      return a;
    }
  }
}
