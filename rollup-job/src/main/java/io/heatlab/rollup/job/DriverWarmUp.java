package io.heatlab.rollup.job;

import static java.time.ZoneOffset.UTC;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.UUID;
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
      String base = "s3a://" + bucket + "/_heatlab/driver-warmup/" + UUID.randomUUID();
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

  private void warmUpIn(String base) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    String window = RollupJob.WINDOW.format(LocalDateTime.ofEpochSecond(HOUR_MS / 1000, 0, UTC));
    Dataset<Row> rows = events(spark, events, HOUR_MS);
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
    long[] phases = new long[4]; // inputs written, hourly twice, daily: ms each
    phases[0] = (System.nanoTime() - t0) / 1_000_000;
    for (int i = 0; i < 2; i++) {
      long t = System.nanoTime();
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
                window + "=" + jsonl + "/",
                "--input",
                window + "=" + base + "/raw/format=parquet/"
              }),
          line -> {});
      phases[1 + i] = (System.nanoTime() - t) / 1_000_000;
    }
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
