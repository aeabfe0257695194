package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.rollup.SparkSettings;
import io.heatlab.rollup.WarmDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm rollup driver ({@link WarmDriver}) as a part of the stack, in both profiles a child
 * process of the process that runs the stack (embedded: {@code local[*]}; compose: against the
 * standalone master, executors on the workers). {@link #start} launches it and returns: it warms up
 * in the background (rollups submitted meanwhile wait for it), so the stack does not wait for
 * Spark. A watchdog relaunches it whenever it dies — a crash, a kill, or its own exit after a run
 * that left it unusable — with a back-off from 5 s to 5 min. Memory: one JVM of {@code
 * rollup.spark.driver.memory} heap (docs/rollups.md, "Warm driver").
 */
public final class SparkDriverPart implements StackPart {
  public static final String NAME = "spark-driver";
  private static final Logger LOG = LoggerFactory.getLogger(SparkDriverPart.class);
  private static final Duration WATCH = Duration.ofSeconds(2);

  private final SparkSettings settings;
  private final List<String> dependsOn;
  private final WarmDriver.Locations files;
  private final ChildProcess child;
  private ScheduledExecutorService watchdog;
  private volatile boolean running;
  private volatile int restarts;
  private long backoffMs = 5_000;
  private long nextLaunchAt;
  private long launchedAt;

  SparkDriverPart(HeatlabConfig config, StackLayout layout, StackEndpoints endpoints) {
    this.settings = SparkSettings.of(config, endpoints);
    List<String> deps = new ArrayList<>(List.of("storage")); // it opens the bucket when it warms up
    deps.addAll(SparkStandalonePart.workerNames(config)); // its executors run there
    this.dependsOn = List.copyOf(deps);
    this.files = settings.driverFiles();
    this.child = new ChildProcess(NAME, layout);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String role() {
    return "warm Spark driver (runs the rollups)";
  }

  @Override
  public String address() {
    try {
      // the endpoint file: the port, then the Spark UI's URL
      return "127.0.0.1:" + Files.readString(files.endpoint()).strip().split("\\R")[0].strip();
    } catch (IOException e) {
      return "127.0.0.1 (port chosen when warm)";
    }
  }

  @Override
  public List<String> dependsOn() {
    return dependsOn;
  }

  @Override
  public synchronized void start() throws StackException {
    child.killStale();
    launch();
    running = true;
    watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heatlab-spark-driver-watchdog");
              t.setDaemon(true);
              return t;
            });
    watchdog.scheduleWithFixedDelay(
        this::watch, WATCH.toMillis(), WATCH.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void launch() throws StackException {
    try {
      child.adopt(WarmDriver.launch(settings, files));
      launchedAt = System.currentTimeMillis();
      LOG.info(
          "Started the warm Spark driver as pid {} (warming up; log: {})",
          child.pid(),
          child.logFile());
    } catch (IOException | RuntimeException e) {
      throw new StackException("Cannot start the warm Spark driver: " + e.getMessage(), e);
    }
  }

  /**
   * Relaunches the driver when its process is gone, after the back-off; the back-off doubles with
   * each relaunch and resets once a driver has stayed up for 10 minutes.
   */
  private synchronized void watch() {
    long now = System.currentTimeMillis();
    if (!running) {
      return;
    }
    if (child.isAlive()) {
      if (now - launchedAt > 600_000) {
        backoffMs = 5_000;
      }
      return;
    }
    if (nextLaunchAt == 0) {
      LOG.warn(
          "The warm Spark driver exited ({}); relaunching it in {} s. Its log:\n{}",
          child.exitCode().map(c -> "exit code " + c).orElse("no exit code"),
          backoffMs / 1000,
          child.failureExcerpt(20));
      nextLaunchAt = now + backoffMs;
      backoffMs = Math.min(backoffMs * 2, 300_000);
      return;
    }
    if (now < nextLaunchAt) {
      return;
    }
    nextLaunchAt = 0;
    try {
      launch();
      restarts++;
    } catch (StackException e) {
      LOG.warn("{}", e.getMessage());
    }
  }

  @Override
  public PartHealth health() {
    return state().asOptional();
  }

  private PartHealth state() {
    Optional<WarmDriver> warm = WarmDriver.connect(files);
    String again = restarts == 0 ? "" : ", restarted " + restarts + "×";
    if (warm.isPresent()) {
      return PartHealth.healthy(name(), address(), "warm: rollups run without a launch" + again)
          .withPid(pid());
    }
    Long pid = pid();
    if (pid != null) {
      return PartHealth.healthy(
              name(), address(), "warming up (rollups submitted now wait for it)" + again)
          .withPid(pid);
    }
    if (running) {
      return PartHealth.unhealthy(
          name(), address(), "not running; relaunching (rollups launch their own application)");
    }
    return new PartHealth(
        name(),
        PartHealth.State.STOPPED,
        address(),
        "not running (rollups launch their own application)",
        null);
  }

  /** The driver's pid: this process's child, or the one another process recorded. */
  private Long pid() {
    if (child.isAlive()) {
      return child.pid();
    }
    return ChildProcess.recorded(files.pid(), "").map(ProcessHandle::pid).orElse(null);
  }

  /** Stops the driver this object started; a driver of another process is left alone. */
  @Override
  public synchronized void stop() {
    if (!running) {
      return; // e.g. status or the console releasing a stack they only probe
    }
    running = false;
    if (watchdog != null) {
      watchdog.shutdownNow();
      watchdog = null;
    }
    child.stop(Duration.ofSeconds(20)); // SIGTERM: Spark stops its jobs and the session
    try {
      Files.deleteIfExists(files.endpoint());
    } catch (IOException e) {
      LOG.debug("{}: {}", files.endpoint(), e.toString());
    }
  }

  @Override
  public void kill() {
    child.kill(); // the watchdog relaunches it
  }
}
