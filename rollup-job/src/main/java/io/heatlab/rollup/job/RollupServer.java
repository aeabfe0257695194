package io.heatlab.rollup.job;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The warm rollup driver: one Spark application that stays up, holding one Spark session warmed up
 * at start, and runs each rollup ({@link RollupJob#run}) on request — no JVM start, session,
 * first-query planning or cold JIT per run (docs/rollups.md, "Warm driver").
 *
 * <p>Started by heatlab through spark-launcher with {@code --endpoint-file PATH [--bucket B]} and
 * the environment variable {@code HEATLAB_DRIVER_TOKEN}; once warm it listens on a loopback port
 * and writes that port (then Spark's UI URL, if enabled) to the endpoint file. Each connection
 * carries one request, in lines:
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
  private final Object oneRunAtATime = new Object();

  /** Runs a CANCEL named (or whose requester hung up): their failure is a KILLED. */
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

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
    int warmupRounds = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--endpoint-file" -> endpointFile = Path.of(args[i + 1]);
        case "--bucket" -> bucket = args[i + 1];
        case "--warmup-events" -> warmupEvents = Long.parseLong(args[i + 1]);
        case "--warmup-rounds" -> warmupRounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    String token = System.getenv(TOKEN_ENV);
    if (endpointFile == null || token == null || token.isBlank()) {
      throw new IllegalArgumentException(
          "usage: --endpoint-file PATH [--bucket B] [--warmup-events N] [--warmup-rounds R], with "
              + TOKEN_ENV
              + " set");
    }
    long t0 = System.nanoTime();
    SparkSession spark = SparkSession.builder().appName("heatlab-rollup-driver").getOrCreate();
    RollupServer server = new RollupServer(spark, token);
    long session = System.nanoTime();
    DriverWarmUp warmUp = new DriverWarmUp(spark, warmupEvents);
    warmUp.run(bucket);
    long warm = System.nanoTime();
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path tmp = endpointFile.resolveSibling(endpointFile.getFileName() + ".tmp");
      // the port, then Spark's UI URL (empty without one): what heatlab links a run to
      Option<String> ui = spark.sparkContext().uiWebUrl();
      Files.writeString(
          tmp, socket.getLocalPort() + "\n" + (ui.isDefined() ? ui.get() : "") + "\n");
      Files.move(tmp, endpointFile, StandardCopyOption.ATOMIC_MOVE);
      System.out.printf(
          "HEATLAB_DRIVER_READY port=%d session_ms=%d warmup_ms=%d app=%s%n",
          socket.getLocalPort(),
          (session - t0) / 1_000_000,
          (warm - session) / 1_000_000,
          spark.sparkContext().applicationId());
      System.out.flush();
      String scratch = bucket;
      int rounds = warmupRounds;
      Thread deeper =
          new Thread(
              () -> warmUp.deepen(scratch, rounds, server.oneRunAtATime, () -> server.stopping),
              "heatlab-driver-warmup");
      deeper.setDaemon(true);
      deeper.start();
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
      String runId = op.substring("CANCEL ".length());
      cancelled.add(runId);
      spark.sparkContext().cancelJobGroup(runId);
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
                  cancelled.add(runId);
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
        boolean killed = cancelled.contains(runId);
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        trace.toString().lines().forEach(out);
        out.accept("HEATLAB_END " + (killed ? "KILLED" : "FAILED"));
        broken = t instanceof Error || sc.isStopped();
      } finally {
        progress.follow(null);
        sc.clearJobGroup();
        cancelled.remove(runId);
        System.gc(); // idle memory back down between runs (the heap stays within the driver's -Xmx)
      }
    }
    if (broken) {
      System.err.println("heatlab driver: exiting after a run that left it unusable");
      System.exit(EXIT_BROKEN);
    }
  }
}
