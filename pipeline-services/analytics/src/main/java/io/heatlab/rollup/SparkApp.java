package io.heatlab.rollup;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;

/**
 * One rollup application launched with spark-launcher: {@code bin/spark-submit} of the generated
 * {@link SparkHome} starts the driver as a child process (local master: the whole job runs in it);
 * its state changes, progress and output lines reach {@link Events}; {@link #stop()} really stops
 * it; {@link #await} gives the verdict. Rules found in docs/rollups.md "Spark recipe":
 *
 * <ul>
 *   <li>the verdict is the handle's state <em>after the driver process exited</em> (the launcher
 *       turns FINISHED into FAILED on a non-zero exit; the final state can overtake the last output
 *       lines);
 *   <li>{@code stop()} reports KILLED at once but the driver may keep running: wait 3 s for the
 *       process, then {@code kill()};
 *   <li>the handle exposes no process: it is found by diffing this JVM's children around {@code
 *       startApplication} (launches are serialised for that);
 *   <li>the storage secret travels in the child's environment, never on its command line.
 * </ul>
 */
final class SparkApp implements RollupApp {
  private static final Pattern PROGRESS = Pattern.compile("HEATLAB_PROGRESS (\\d+)/(\\d+)");
  private static final Pattern TOTAL =
      Pattern.compile("HEATLAB_TOTAL rows_in=(\\d+) rows_out=(\\d+) events=(\\d+)");
  private static final Object LAUNCH_LOCK = new Object();

  /** What a running application reports. Called from launcher threads: keep handlers short. */
  interface Events {
    void state(SparkAppHandle.State state, String appId);

    void progress(double fraction);

    void line(String line);
  }

  /** The totals the job printed for what it wrote (rows read, rows written, events counted). */
  record Totals(long rowsIn, long rowsOut, long events) {}

  /** How the application ended. */
  record Verdict(SparkAppHandle.State state, String appId, Totals totals, String error) {
    boolean succeeded() {
      return state == SparkAppHandle.State.FINISHED;
    }
  }

  private final SparkAppHandle handle;
  private final ProcessHandle driver;
  private final CountDownLatch finalState;
  private final Output output;
  private volatile boolean stopRequested;

  private SparkApp(
      SparkAppHandle handle, ProcessHandle driver, CountDownLatch finalState, Output output) {
    this.handle = handle;
    this.driver = driver;
    this.finalState = finalState;
    this.output = output;
  }

  static SparkApp launch(
      SparkSettings s, String runId, String mainClass, List<String> args, Events events)
      throws IOException {
    Files.createDirectories(s.logDir());
    String logger = "heatlab.spark." + runId;
    SparkLauncher launcher =
        launcher(s, Map.of(), "heatlab-" + runId, mainClass, args)
            .setConf(SparkLauncher.CHILD_PROCESS_LOGGER_NAME, logger);
    Output output = new Output(s.logDir().resolve(runId + ".log"), events);
    Logger jul = Logger.getLogger(logger);
    jul.setUseParentHandlers(false);
    jul.addHandler(output);
    CountDownLatch finalState = new CountDownLatch(1);
    SparkAppHandle.Listener listener =
        new SparkAppHandle.Listener() {
          @Override
          public void stateChanged(SparkAppHandle h) {
            events.state(h.getState(), h.getAppId());
            if (h.getState().isFinal()) {
              finalState.countDown();
            }
          }

          @Override
          public void infoChanged(SparkAppHandle h) {
            events.state(h.getState(), h.getAppId());
          }
        };
    synchronized (LAUNCH_LOCK) {
      Set<Long> before = new HashSet<>();
      ProcessHandle.current().children().forEach(p -> before.add(p.pid()));
      SparkAppHandle handle = launcher.startApplication(listener);
      ProcessHandle driver =
          ProcessHandle.current()
              .children()
              .filter(p -> !before.contains(p.pid()))
              .findFirst()
              .orElseThrow(() -> new IOException("spark-submit did not start"));
      return new SparkApp(handle, driver, finalState, output);
    }
  }

  /**
   * A launcher of {@code mainClass} from the job jar with heatlab's Spark settings: the master,
   * memory, UTC, storage over s3a — its credentials in the child's environment, with {@code
   * extraEnv} — never on its command line.
   */
  static SparkLauncher launcher(
      SparkSettings s,
      Map<String, String> extraEnv,
      String appName,
      String mainClass,
      List<String> args)
      throws IOException {
    Path home = SparkHome.generate(s.sparkHome(), s.sparkClasspath());
    if (!Files.isRegularFile(s.jobJar())) {
      throw new IOException(
          "rollup job jar "
              + s.jobJar()
              + " is missing: build the rollup-job module (./heatlab does)");
    }
    Path events = Files.createDirectories(s.eventLogDir());
    SparkEventLogs.prune(events, s.eventLogRetention());
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("AWS_ACCESS_KEY_ID", s.accessKey()); // the constructor copies the map: fill it first
    env.put("AWS_SECRET_ACCESS_KEY", s.secretKey());
    SparkLauncher launcher =
        new SparkLauncher(env)
            .setSparkHome(home.toString())
            .setAppResource(s.jobJar().toString())
            .setMainClass(mainClass)
            .setAppName(appName)
            .setMaster(s.master())
            .setDeployMode("client")
            .setConf(SparkLauncher.DRIVER_MEMORY, s.driverMemory())
            .setConf(SparkLauncher.EXECUTOR_MEMORY, s.executorMemory())
            .setConf(SparkLauncher.DRIVER_EXTRA_JAVA_OPTIONS, s.javaOptions())
            .setConf(SparkLauncher.EXECUTOR_EXTRA_JAVA_OPTIONS, s.javaOptions())
            .setConf("spark.ui.enabled", "false")
            // the run's history (./heatlab spark-history): rolled, so a warm driver's log is
            // bounded
            .setConf("spark.eventLog.enabled", "true")
            .setConf("spark.eventLog.dir", events.toUri().toString())
            .setConf("spark.eventLog.rolling.enabled", "true")
            .setConf("spark.eventLog.rolling.maxFileSize", "16m")
            .setConf("spark.sql.shuffle.partitions", String.valueOf(s.shufflePartitions()))
            .setConf("spark.sql.session.timeZone", "UTC")
            .setConf("spark.sql.files.maxPartitionBytes", "16m")
            .setConf("spark.hadoop.fs.s3a.endpoint", s.storageEndpoint())
            .setConf("spark.hadoop.fs.s3a.endpoint.region", s.region())
            .setConf("spark.hadoop.fs.s3a.path.style.access", "true")
            .setConf(
                "spark.hadoop.fs.s3a.aws.credentials.provider",
                "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider")
            .setConf("spark.hadoop.fs.s3a.attempts.maximum", "3")
            .setConf("spark.hadoop.fs.s3a.retry.limit", "3")
            .addAppArgs(args.toArray(new String[0]));
    if (s.loopbackOnly()) { // local, or the stack's own cluster: every node on loopback
      launcher
          .setConf("spark.driver.bindAddress", "127.0.0.1")
          .setConf("spark.driver.host", "127.0.0.1");
    } else if (!s.driverHost().isBlank()) {
      launcher.setConf(
          "spark.driver.host", s.driverHost()); // executors on the cluster connect back to it
    }
    return launcher;
  }

  /**
   * Stops the application: ask Spark (or, before the driver has connected back to the launcher,
   * SIGTERM its process), give the driver 3 s, then kill it.
   */
  @Override
  public void stop() {
    stopRequested = true;
    try {
      handle.stop();
    } catch (
        IllegalStateException
            notConnectedYet) { // "Application is still not connected": nothing to ask yet
      driver.destroy();
    }
    try {
      driver.onExit().get(3, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      handle.kill();
      driver.destroyForcibly();
    } catch (Exception e) {
      handle.kill();
    }
  }

  /** Waits for the end (stopping the application after {@code timeout}) and returns the verdict. */
  @Override
  public Verdict await(Duration timeout) throws InterruptedException {
    if (!finalState.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      output.accept("heatlab: the rollup ran longer than " + timeout + ": stopping it");
      stop();
    }
    try {
      driver.onExit().get(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      output.accept("heatlab: the driver is still alive 60 s after its final state: killing it");
      handle.kill();
      driver.destroyForcibly();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
    output.drain();
    SparkAppHandle.State state = stopRequested ? SparkAppHandle.State.KILLED : handle.getState();
    Verdict v =
        new Verdict(
            state,
            handle.getAppId(),
            output.totals(),
            state == SparkAppHandle.State.FINISHED ? "" : output.error(state));
    handle.disconnect();
    output.close();
    return v;
  }

  /**
   * The driver's stdout and stderr, line by line: parsed, kept for the error, written to the run's
   * log file.
   */
  static final class Output extends Handler {
    private final BufferedWriter log;
    private final Path file;
    private final Events events;
    private final Deque<String> tail = new ArrayDeque<>();
    private Totals totals;
    private volatile long lastLineNanos = System.nanoTime();

    Output(Path file, Events events) throws IOException {
      this.log = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      this.file = file;
      this.events = events;
    }

    @Override
    public void publish(LogRecord r) {
      accept(r.getMessage());
    }

    synchronized void accept(String line) {
      lastLineNanos = System.nanoTime();
      Matcher m = PROGRESS.matcher(line);
      if (m.matches()) {
        long total = Long.parseLong(m.group(2));
        events.progress(
            total == 0 ? 0 : Math.min(0.99, Long.parseLong(m.group(1)) / (double) total));
        return;
      }
      m = TOTAL.matcher(line);
      if (m.matches()) {
        totals =
            new Totals(
                Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
      }
      try {
        log.write(line);
        log.newLine();
        log.flush();
      } catch (IOException ignored) {
        // the log file is for people; the run does not depend on it
      }
      tail.addLast(line);
      if (tail.size() > 200) {
        tail.removeFirst();
      }
      events.line(line);
    }

    /** Waits until no line arrived for 300 ms (the output pipe drains after the process exit). */
    void drain() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() - lastLineNanos < 300_000_000L && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }

    synchronized Totals totals() {
      return totals;
    }

    /**
     * The most telling lines of a failed run: the first exception and its cause; without one the
     * driver died without a word (SIGKILL, OOM killer, a JVM crash) — said so, with its last lines
     * and the log's path.
     */
    synchronized String error(SparkAppHandle.State state) {
      List<String> lines = List.copyOf(tail);
      Optional<String> exception =
          lines.stream()
              .filter(
                  l ->
                      l.startsWith("Exception in thread")
                          || l.matches("^[\\w.$]+(Exception|Error): .*"))
              .findFirst();
      Optional<String> cause =
          lines.stream().filter(l -> l.startsWith("Caused by:")).reduce((a, b) -> b);
      String detail =
          exception
              .map(e -> e + cause.map(c -> " … " + c).orElse(""))
              .orElseGet(
                  () ->
                      "the driver process ended without reporting an error (killed, or the JVM crashed); log "
                          + file
                          + (lines.isEmpty()
                              ? ""
                              : ", last lines: "
                                  + String.join(
                                      " | ",
                                      lines.subList(Math.max(0, lines.size() - 2), lines.size()))));
      String text = "Spark application " + state + (detail.isBlank() ? "" : ": " + detail);
      return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
    }

    @Override
    public void flush() {}

    @Override
    public synchronized void close() {
      try {
        log.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
