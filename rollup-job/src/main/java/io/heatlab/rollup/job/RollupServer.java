package io.heatlab.rollup.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The warm rollup driver: one Spark application that stays up, holding one Spark session warmed up
 * at start, and runs each rollup ({@link RollupJob#run}) on request — no JVM start, session,
 * first-query planning or cold JIT per run (docs/rollups.md, "Warm driver").
 *
 * <p>Started by heatlab through spark-launcher with {@code --endpoint-file PATH [--bucket B]} and
 * the environment variable {@code HEATLAB_DRIVER_TOKEN}; once warm it listens on a loopback port
 * and writes that port to the endpoint file. Each connection carries one request, in lines:
 *
 * <pre>
 * TOKEN &lt;token&gt;
 * RUN &lt;run id&gt;        then the job's arguments, one per line, then an empty line
 * CANCEL &lt;run id&gt; | PING | SHUTDOWN
 * </pre>
 *
 * A run is answered with {@code HEATLAB_APP <app id>}, then what a one-run application prints
 * ({@code HEATLAB_PROGRESS}, {@code HEATLAB_TOTAL}, on failure the exception's stack trace), then
 * {@code HEATLAB_END FINISHED|FAILED|KILLED}. Runs execute one at a time, each in its own Spark job
 * group: CANCEL — or the requester's connection closing (heatlab stopped, Ctrl-C) — cancels its
 * jobs. After an {@link Error} (e.g. out of memory) or a dead Spark context the driver exits with
 * status 3 once it answered, and heatlab starts a new one.
 */
public final class RollupServer {
  static final String TOKEN_ENV = "HEATLAB_DRIVER_TOKEN";
  private static final int EXIT_BROKEN = 3;

  /**
   * Events of the warm-up's hour: enough for the JIT to compile the readers' and the job's loops.
   */
  static final long WARMUP_EVENTS = 500_000;

  private final SparkSession spark;
  private final ProgressListener progress = new ProgressListener(null);
  private final byte[] token;
  long warmupEvents = 500_000; // --warmup-events
  private final Object oneRunAtATime = new Object();
  private volatile boolean stopping;

  RollupServer(SparkSession spark, String token) {
    this.spark = spark;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    spark.sparkContext().addSparkListener(progress);
  }

  public static void main(String[] args) throws Exception {
    Path endpointFile = null;
    String bucket = null;
    long warmupEvents = 500_000;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--endpoint-file" -> endpointFile = Path.of(args[i + 1]);
        case "--bucket" -> bucket = args[i + 1];
        case "--warmup-events" -> warmupEvents = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    String token = System.getenv(TOKEN_ENV);
    if (endpointFile == null || token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "usage: --endpoint-file PATH [--bucket B] [--warmup-events N], with "
              + TOKEN_ENV
              + " set");
    }
    long t0 = System.nanoTime();
    SparkSession spark = SparkSession.builder().appName("heatlab-rollup-driver").getOrCreate();
    RollupServer server = new RollupServer(spark, token);
    server.warmupEvents = warmupEvents;
    long session = System.nanoTime();
    server.warmUp(bucket);
    long warm = System.nanoTime();
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path tmp = endpointFile.resolveSibling(endpointFile.getFileName() + ".tmp");
      Files.writeString(tmp, String.valueOf(socket.getLocalPort()));
      Files.move(tmp, endpointFile, StandardCopyOption.ATOMIC_MOVE);
      System.out.printf(
          "HEATLAB_DRIVER_READY port=%d session_ms=%d warmup_ms=%d app=%s%n",
          socket.getLocalPort(),
          (session - t0) / 1_000_000,
          (warm - session) / 1_000_000,
          spark.sparkContext().applicationId());
      System.out.flush();
      server.serve(socket);
    } finally {
      Files.deleteIfExists(endpointFile);
      spark.stop();
    }
  }

  /** Accepts requests until SHUTDOWN; each connection on its own daemon thread. */
  void serve(ServerSocket socket) throws IOException {
    while (!stopping) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        if (stopping) {
          return;
        }
        throw e;
      }
      Thread t =
          new Thread(
              () -> {
                try (s) {
                  handle(s, socket);
                } catch (IOException | RuntimeException e) {
                  System.err.println("heatlab driver: request failed: " + e);
                }
              },
              "heatlab-driver-request");
      t.setDaemon(true);
      t.start();
    }
  }

  private void handle(Socket s, ServerSocket listener) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
    String auth = in.readLine();
    if (auth == null
        || !auth.startsWith("TOKEN ")
        || !MessageDigest.isEqual(
            token, auth.substring("TOKEN ".length()).getBytes(StandardCharsets.UTF_8))) {
      w.write("DENIED\n");
      w.flush();
      return;
    }
    String op = in.readLine();
    if (op == null) {
      return;
    }
    if (op.equals("PING")) {
      w.write("PONG " + spark.sparkContext().applicationId() + "\n");
    } else if (op.startsWith("CANCEL ")) {
      spark.sparkContext().cancelJobGroup(op.substring("CANCEL ".length()));
      w.write("OK\n");
    } else if (op.equals("SHUTDOWN")) {
      stopping = true;
      w.write("OK\n");
      w.flush();
      listener.close();
      return;
    } else if (op.startsWith("RUN ")) {
      List<String> args = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        args.add(line);
      }
      run(op.substring("RUN ".length()), args, s, in, w);
      return;
    } else {
      w.write("ERROR unknown request\n");
    }
    w.flush();
  }

  /**
   * One rollup, in the run's job group; the requester hanging up cancels it. After an Error or with
   * the Spark context gone, the driver exits once it answered.
   */
  private void run(String runId, List<String> args, Socket s, BufferedReader in, Writer w)
      throws IOException {
    Consumer<String> out =
        line -> {
          synchronized (w) {
            try {
              w.write(line);
              w.write('\n');
              w.flush();
            } catch (IOException gone) {
              // the requester went away: its watcher cancels the run
            }
          }
        };
    SparkContext sc = spark.sparkContext();
    AtomicBoolean cancelled = new AtomicBoolean();
    boolean broken = false;
    synchronized (oneRunAtATime) {
      out.accept("HEATLAB_APP " + sc.applicationId());
      Thread watcher =
          new Thread(
              () -> {
                try {
                  while (in.readLine() != null) {
                    // nothing is expected after the request: wait for the end of the stream
                  }
                } catch (IOException e) {
                  // closed
                }
                if (!s.isClosed()) {
                  cancelled.set(true);
                  sc.cancelJobGroup(runId);
                }
              },
              "heatlab-driver-watch-" + runId);
      watcher.setDaemon(true);
      watcher.start();
      sc.setJobGroup(runId, "heatlab rollup " + runId, true);
      progress.follow(out);
      long t0 = System.nanoTime();
      try {
        RollupJob.run(spark, RollupJob.Args.parse(args.toArray(new String[0])), out);
        out.accept("HEATLAB_TIMING session_ms=0 work_ms=" + (System.nanoTime() - t0) / 1_000_000);
        out.accept("HEATLAB_END FINISHED");
      } catch (Throwable t) {
        boolean killed = cancelled.get() || cancelledByRequest(t);
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        trace.toString().lines().forEach(out);
        out.accept("HEATLAB_END " + (killed ? "KILLED" : "FAILED"));
        broken = t instanceof Error || sc.isStopped();
      } finally {
        progress.follow(null);
        sc.clearJobGroup();
        System.gc(); // idle memory back down between runs (the heap stays within the driver's -Xmx)
      }
    }
    if (broken) {
      System.err.println("heatlab driver: exiting after a run that left it unusable");
      System.exit(EXIT_BROKEN);
    }
  }

  private static boolean cancelledByRequest(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("cancelled part of cancelled job group")
          || m.contains("cancelled because SparkContext was shut down")
          || m.contains("Job group") && m.contains("cancelled")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs the rollup's code paths on generated events — JSON lines and Parquet read, de-duplication,
   * aggregation, Parquet written, a daily sum — so the JIT, Spark's code generation and the readers
   * are warm for the first real run: in {@code bucket} over s3a (a scratch prefix, deleted after;
   * this also warms the S3 client), or in a local temporary directory when there is no bucket or it
   * cannot be written.
   */
  void warmUp(String bucket) throws IOException, InterruptedException {
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
    Path dir = Files.createTempDirectory("heatlab-driver-warmup");
    try {
      warmUpIn(dir.toUri().toString());
    } finally {
      deleteQuietly(dir.toUri().toString());
    }
  }

  private void warmUpIn(String base) throws IOException, InterruptedException {
    long hourMs = 3_600_000L * 490_000; // 2025-11-24T16:00Z: any hour will do
    String window =
        RollupJob.WINDOW.format(
            java.time.LocalDateTime.ofEpochSecond(hourMs / 1000, 0, java.time.ZoneOffset.UTC));
    var events =
        spark
            .range(warmupEvents)
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
    String jsonl = base + "/raw/format=jsonl";
    events.write().mode(SaveMode.Overwrite).option("compression", "gzip").json(jsonl);
    events.write().mode(SaveMode.Overwrite).parquet(base + "/raw/format=parquet");
    // Spark names them *.json.gz: the job reads *.jsonl.gz, as the connector names them
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(jsonl);
    FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.endsWith(".json.gz")) {
        fs.rename(
            f.getPath(), new org.apache.hadoop.fs.Path(dir, name.replace(".json.gz", ".jsonl.gz")));
      }
    }
    for (int i = 0; i < 2; i++) {
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
    }
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
  }

  private void deleteQuietly(String base) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(base);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException | RuntimeException e) {
      System.err.println("heatlab driver: could not delete the warm-up data " + base + ": " + e);
    }
  }
}
