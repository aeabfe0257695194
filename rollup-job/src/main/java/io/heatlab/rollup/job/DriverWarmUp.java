package io.heatlab.rollup.job;

import static java.time.ZoneOffset.UTC;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** The warm driver's warm-up ({@link RollupServer}): the rollup's code paths run once at start. */
final class DriverWarmUp {
  /** 2025-11-24T16:00Z: any hour will do. */
  static final long HOUR_MS = 3_600_000L * 490_000;

  /**
   * Objects per format of the deeper warm-up: a real hour is read as about a hundred objects, and
   * the code run once per object (open, footer, column chunk, split) reaches the JIT's optimising
   * compiler only after a few thousand calls.
   */
  static final int OBJECTS = 64;

  private final SparkSession spark;
  private final long events;

  /** A warm-up of {@code events} generated events ({@code --warmup-events}). */
  DriverWarmUp(SparkSession spark, long events) {
    this.spark = spark;
    this.events = events;
  }

  /**
   * Runs the rollup's code paths on generated events — JSON lines and Parquet read, de-duplication,
   * aggregation, Parquet written, a daily sum — so the JIT, Spark's code generation and the readers
   * are warm for the first real run: in {@code bucket} over s3a (a scratch prefix, deleted after;
   * this also warms the S3 client), or in a local temporary directory when there is no bucket or it
   * cannot be written.
   */
  void run(String bucket) throws IOException, InterruptedException {
    if (bucket != null && !bucket.isBlank()) {
      // what a driver killed during its warm-up left behind (one driver per stack's bucket)
      deleteQuietly(scratchRoot(bucket));
      String base = scratch(bucket);
      try {
        warmUpIn(base);
        return;
      } catch (Exception e) {
        System.err.println("heatlab driver: warm-up in storage failed, warming up locally: " + e);
      } finally {
        deleteQuietly(base);
      }
    }
    String local = Files.createTempDirectory("heatlab-driver-warmup").toUri().toString();
    try {
      warmUpIn(local);
    } finally {
      deleteQuietly(local);
    }
  }

  /**
   * The deeper warm-up, once the driver answers: {@code rounds} more hourly rollups of the same
   * events landed as {@link #OBJECTS} objects per format — in {@code bucket} over s3a, else in a
   * local temporary directory — each round under {@code runLock} (a real run waits for one round at
   * most). Measured on 2 cores, a driver's fifth to tenth runs of a 10M-event hour still spent 8–17
   * s of compiler time each (docs/FACTS.md, Spark); the rounds move that off the first real runs.
   * Stops early when {@code stopping} turns true; returns each round's milliseconds.
   */
  List<Long> deepen(String bucket, int rounds, Object runLock, BooleanSupplier stopping) {
    return deepen(bucket, rounds, OBJECTS, runLock, stopping);
  }

  /** {@link #deepen(String, int, Object, BooleanSupplier)} over {@code objects} per format. */
  List<Long> deepen(
      String bucket, int rounds, int objects, Object runLock, BooleanSupplier stopping) {
    List<Long> times = new ArrayList<>();
    if (rounds < 1) {
      return times;
    }
    String base = null;
    try {
      base =
          bucket != null && !bucket.isBlank()
              ? scratch(bucket)
              : Files.createTempDirectory("heatlab-driver-warmup").toUri().toString();
      long t0 = System.nanoTime();
      synchronized (runLock) {
        writeInputs(base, objects);
      }
      long written = (System.nanoTime() - t0) / 1_000_000;
      for (int i = 0; i < rounds && !stopping.getAsBoolean(); i++) {
        synchronized (runLock) {
          long t = System.nanoTime();
          hourly(base);
          times.add((System.nanoTime() - t) / 1_000_000);
        }
      }
      System.out.printf(
          "heatlab driver: deeper warm-up, %,d events as %d objects per format: inputs written %d"
              + " ms, hourly rounds %s ms%n",
          events, objects, written, times);
    } catch (Exception e) {
      System.err.println("heatlab driver: deeper warm-up stopped: " + e);
    } finally {
      if (base != null) {
        deleteQuietly(base);
      }
      System.gc(); // idle memory back down, as after a run
    }
    return times;
  }

  private void warmUpIn(String base) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    writeInputs(base, 0);
    long[] phases = new long[4]; // inputs written, hourly twice, daily: ms each
    phases[0] = (System.nanoTime() - t0) / 1_000_000;
    for (int i = 0; i < 2; i++) {
      long t = System.nanoTime();
      hourly(base);
      phases[1 + i] = (System.nanoTime() - t) / 1_000_000;
    }
    String window = window();
    long t = System.nanoTime();
    RollupJob.run(
        spark,
        RollupJob.Args.parse(
            new String[] {
              "--granularity", "daily",
              "--output", base + "/daily",
              "--desktop-min", "1024",
              "--tablet-min", "600",
              "--input", window.substring(0, 8) + "=" + base + "/hourly/window=" + window
            }),
        line -> {});
    phases[3] = (System.nanoTime() - t) / 1_000_000;
    System.out.printf(
        "heatlab driver: warm-up of %,d events in %s: inputs written %d ms, hourly %d ms then %d"
            + " ms, daily %d ms%n",
        events, base, phases[0], phases[1], phases[2], phases[3]);
  }

  /** Where warm-ups write in {@code bucket}: scratch, deleted after each and at each start. */
  private static String scratchRoot(String bucket) {
    return "s3a://" + bucket + "/_heatlab/driver-warmup";
  }

  /** A new warm-up's own directory under {@link #scratchRoot}. */
  private static String scratch(String bucket) {
    return scratchRoot(bucket) + "/" + UUID.randomUUID();
  }

  private static String window() {
    return RollupJob.WINDOW.format(LocalDateTime.ofEpochSecond(HOUR_MS / 1000, 0, UTC));
  }

  /**
   * The warm-up's events landed under {@code base} in both formats, in {@code objects} objects each
   * (0: as Spark splits them).
   */
  private void writeInputs(String base, int objects) throws IOException {
    Dataset<Row> rows = events(spark, events, HOUR_MS);
    if (objects > 0) {
      rows = rows.repartition(objects);
    }
    String jsonl = base + "/raw/format=jsonl";
    rows.write().mode(SaveMode.Overwrite).option("compression", "gzip").json(jsonl);
    rows.write().mode(SaveMode.Overwrite).parquet(base + "/raw/format=parquet");
    // Spark names them *.json.gz: the job reads *.jsonl.gz, as the connector names them
    Path dir = new Path(jsonl);
    FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.endsWith(".json.gz")) {
        fs.rename(f.getPath(), new Path(dir, name.replace(".json.gz", ".jsonl.gz")));
      }
    }
  }

  /** The hourly rollup of the events under {@code base}, both formats. */
  private void hourly(String base) throws InterruptedException {
    String window = window();
    RollupJob.run(
        spark,
        RollupJob.Args.parse(
            new String[] {
              "--granularity",
              "hourly",
              "--output",
              base + "/hourly",
              "--desktop-min",
              "1024",
              "--tablet-min",
              "600",
              "--input",
              window + "=" + base + "/raw/format=jsonl/",
              "--input",
              window + "=" + base + "/raw/format=parquet/"
            }),
        line -> {});
  }

  private void deleteQuietly(String base) {
    try {
      Path p = new Path(base);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException | RuntimeException e) {
      System.err.println("heatlab driver: could not delete the warm-up data " + base + ": " + e);
    }
  }

  /**
   * {@code n} landed rows of the contract in the hour starting at {@code hourMs}: one client and
   * screen, batches of 50, random positions (also the test's input).
   */
  static Dataset<Row> events(SparkSession spark, long n, long hourMs) {
    return spark
        .range(n)
        .select(
            lit("warmup").as("client_id"),
            lit("screen").as("screen_id"),
            lit("session").as("session_id"),
            concat(lit("b"), col("id").divide(50).cast("long").cast("string")).as("batch_id"),
            lit("move").as("event_type"),
            col("id").mod(3_600_000L).plus(hourMs).as("event_time"),
            rand(1).as("x_norm"),
            rand(2).as("y_norm"),
            lit(1440).as("viewport_w"),
            lit(900).as("viewport_h"),
            lit(hourMs).as("received_at"));
  }
}
