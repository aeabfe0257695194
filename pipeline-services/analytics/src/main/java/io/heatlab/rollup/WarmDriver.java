package io.heatlab.rollup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;

/**
 * The warm rollup driver seen from heatlab: one long-lived Spark application ({@code
 * io.heatlab.rollup.job.RollupServer}, launched with spark-launcher like every rollup) holding a
 * warmed-up Spark session, which runs each rollup on request over a loopback socket — no JVM start,
 * Spark session, first-query planning or cold JIT per run (docs/rollups.md, "Warm driver").
 *
 * <p>Its files, under the data directory ({@link Locations}): the port it listens on (written by
 * the driver once warm), a random token it requires (0600: only this user's processes can submit),
 * its pid and log. {@link #connect} finds a live one; {@link Rollups} falls back to a one-run
 * application (cold launch) when none answers. The stack supervises the process ({@code
 * spark-driver} part: started with the stack, restarted when it dies).
 */
public final class WarmDriver {
  static final String MAIN_CLASS = "io.heatlab.rollup.job.RollupServer";
  static final String TOKEN_ENV = "HEATLAB_DRIVER_TOKEN";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** Where a data directory's warm driver keeps its endpoint, token, pid and log. */
  public record Locations(Path endpoint, Path token, Path pid, Path log) {
    public static Locations of(Path dataDir) {
      return new Locations(
          dataDir.resolve("run/spark-driver.port"),
          dataDir.resolve("run/spark-driver.token"),
          dataDir.resolve("run/spark-driver.pid"),
          dataDir.resolve("log/spark-driver.log"));
    }
  }

  private final int port;
  private final String ui;
  private final String token;

  private WarmDriver(int port, String ui, String token) {
    this.port = port;
    this.ui = ui;
    this.token = token;
  }

  /**
   * Launches a new driver (a new token; its output appended to the log). The caller owns the
   * process: it records and supervises it. The driver is ready once {@link #connect} finds it.
   */
  public static Process launch(SparkSettings s, Locations f) throws IOException {
    Files.createDirectories(f.endpoint().getParent());
    Files.createDirectories(f.log().getParent());
    Files.deleteIfExists(f.endpoint());
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    Files.deleteIfExists(f.token());
    Files.createFile(
        f.token(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(f.token(), token);
    Files.writeString(
        f.log(),
        "---- " + Instant.now() + " starting the warm rollup driver\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Map<String, String> env = new HashMap<>(Map.of(TOKEN_ENV, token));
    if (s.loopbackOnly()) {
      env.put("SPARK_LOCAL_IP", "127.0.0.1"); // Spark's UI binds there (else on every interface)
    }
    SparkLauncher launcher =
        SparkApp.launcher(
            s,
            env,
            "heatlab-rollup-driver",
            MAIN_CLASS,
            List.of(
                "--endpoint-file",
                f.endpoint().toString(),
                "--bucket",
                s.bucket(),
                "--warmup-events",
                String.valueOf(s.warmupEvents()),
                "--warmup-rounds",
                String.valueOf(s.warmupRounds())));
    // Spark's own UI for the runs in progress (a free port; the driver writes its URL beside its
    // endpoint), its memory bounded for a driver that stays up
    launcher
        .setConf("spark.ui.enabled", "true")
        .setConf("spark.ui.port", "0")
        .setConf("spark.ui.killEnabled", "false")
        .setConf("spark.ui.retainedJobs", "200")
        .setConf("spark.ui.retainedStages", "400")
        .setConf("spark.ui.retainedTasks", "20000")
        .setConf("spark.sql.ui.retainedExecutions", "100");
    launcher.redirectOutput(ProcessBuilder.Redirect.appendTo(f.log().toFile()));
    launcher.redirectError(ProcessBuilder.Redirect.appendTo(f.log().toFile()));
    return launcher.launch();
  }

  /** The driver of {@code f} if it answers now. */
  public static Optional<WarmDriver> connect(Locations f) {
    try {
      if (!Files.exists(f.endpoint())) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(f.endpoint());
      WarmDriver d =
          new WarmDriver(
              Integer.parseInt(lines.get(0).trim()),
              lines.size() > 1 ? lines.get(1).trim() : "",
              Files.readString(f.token()).trim());
      return d.ping() ? Optional.of(d) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The driver of {@code f}, waiting up to {@code wait} while one is still warming up (its process
   * alive, no endpoint yet); empty when none is running or it does not get ready in time.
   */
  public static Optional<WarmDriver> await(Locations f, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<WarmDriver> d = connect(f);
      if (d.isPresent() || System.nanoTime() > deadline || !starting(f)) {
        return d;
      }
      Thread.sleep(250);
    }
  }

  /** Whether the recorded driver process is alive but has not written its endpoint yet. */
  private static boolean starting(Locations f) {
    try {
      if (Files.exists(f.endpoint()) || !Files.exists(f.pid())) {
        return false;
      }
      long pid = Long.parseLong(Files.readString(f.pid()).trim().split("\\s+")[0]);
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  /** Spark's web UI of this driver ({@code http://127.0.0.1:<port>}), empty if it has none. */
  public String ui() {
    return ui;
  }

  /** Whether it answers (and knows the token). */
  public boolean ping() {
    try {
      return request("PING").startsWith("PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** Asks the driver to stop (it finishes the run in progress first, if any). */
  public void shutdown() throws IOException {
    request("SHUTDOWN");
  }

  /** Cancels the Spark jobs of run {@code runId}. */
  void cancel(String runId) throws IOException {
    request("CANCEL " + runId);
  }

  private String request(String op) throws IOException {
    try (Socket s = open()) {
      Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
      w.write("TOKEN " + token + "\n" + op + "\n");
      w.flush();
      String answer =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      return answer == null ? "" : answer;
    }
  }

  private Socket open() throws IOException {
    Socket s = new Socket();
    s.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        (int) CONNECT_TIMEOUT.toMillis());
    return s;
  }

  /**
   * Starts run {@code runId} with the job's {@code args}; its output is logged to {@code runLog}
   * and parsed as a one-run application's is.
   */
  RollupApp submit(String runId, List<String> args, SparkApp.Events events, Path runLog)
      throws IOException {
    Files.createDirectories(runLog.getParent());
    Socket s = open();
    try {
      Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
      StringBuilder req = new StringBuilder("TOKEN ").append(token).append('\n');
      req.append("RUN ").append(runId).append('\n');
      for (String a : args) {
        if (a.indexOf('\n') >= 0 || a.isEmpty()) {
          throw new IllegalArgumentException("a job argument spans lines or is empty: " + a);
        }
        req.append(a).append('\n');
      }
      w.write(req.append('\n').toString());
      w.flush();
      return new Run(runId, s, new SparkApp.Output(runLog, events), events);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** One run on the driver: its answer read on a thread of its own. */
  private final class Run implements RollupApp {
    private final String runId;
    private final Socket socket;
    private final SparkApp.Output output;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile SparkAppHandle.State state;
    private volatile String appId;
    private volatile boolean stopRequested;

    Run(String runId, Socket socket, SparkApp.Output output, SparkApp.Events events) {
      this.runId = runId;
      this.socket = socket;
      this.output = output;
      output.accept(
          "heatlab: running on the warm Spark driver (127.0.0.1:"
              + port
              + "; its own log: log/spark-driver.log)");
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    if (line.startsWith("HEATLAB_APP ")) {
                      appId = line.substring("HEATLAB_APP ".length());
                      events.state(SparkAppHandle.State.RUNNING, appId);
                    } else if (line.startsWith("HEATLAB_END ")) {
                      state = SparkAppHandle.State.valueOf(line.substring("HEATLAB_END ".length()));
                      break;
                    } else {
                      output.accept(line);
                    }
                  }
                } catch (IOException | RuntimeException e) {
                  output.accept("heatlab: lost the warm driver mid-run: " + e);
                } finally {
                  if (state == null) {
                    output.accept(
                        "heatlab: the warm driver ended the connection without a verdict (it"
                            + " crashed or was killed; see log/spark-driver.log)");
                    state = SparkAppHandle.State.LOST;
                  }
                  events.state(state, appId);
                  ended.countDown();
                }
              },
              "heatlab-warm-run-" + runId);
      reader.setDaemon(true);
      reader.start();
    }

    @Override
    public void stop() {
      stopRequested = true;
      try {
        cancel(runId);
      } catch (IOException e) {
        closeQuietly(); // the driver sees the requester hang up and cancels the run itself
      }
      try {
        if (!ended.await(30, TimeUnit.SECONDS)) {
          closeQuietly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly();
      }
    }

    @Override
    public SparkApp.Verdict await(Duration timeout) throws InterruptedException {
      if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        output.accept("heatlab: the rollup ran longer than " + timeout + ": stopping it");
        stop();
        ended.await(30, TimeUnit.SECONDS);
      }
      closeQuietly();
      SparkAppHandle.State end =
          stopRequested || state == null ? SparkAppHandle.State.KILLED : state;
      SparkApp.Verdict v =
          new SparkApp.Verdict(
              end,
              appId,
              output.totals(),
              end == SparkAppHandle.State.FINISHED ? "" : output.error(end));
      output.close();
      return v;
    }

    private void closeQuietly() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
