package io.heatlab.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the parts that are a child process in the embedded profile and an external endpoint in
 * the compose profile. Subclasses say how to prepare and launch the child, how to probe the part
 * over its own protocol, and what to provision once it is healthy.
 *
 * <p>{@link #start()}: embedded → stop a stale child (pid file), {@link #prepare()}, launch {@link
 * #command()}; both profiles → wait until {@link #probe()} is healthy (failing fast if the child
 * exits) → {@link #provision()}.
 */
abstract class ProcessPart implements StackPart {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessPart.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** The grace of a part whose dependency is dead ({@link #hurry()}). */
  static final Duration HURRIED_GRACE = Duration.ofSeconds(3);

  protected final StackLayout layout;
  protected final ChildProcess child;
  private final boolean embedded;
  private final Duration startTimeout;
  private volatile boolean started;
  private volatile boolean hurried;

  protected ProcessPart(String name, StackLayout layout, boolean embedded, Duration startTimeout) {
    this.layout = layout;
    this.child = new ChildProcess(name, layout);
    this.embedded = embedded;
    this.startTimeout = startTimeout;
  }

  /** Writes configs and initialises data before the first launch. */
  protected abstract void prepare() throws Exception;

  /** The child's command line; it must contain the data directory (see {@link ChildProcess}). */
  protected abstract List<String> command() throws StackException;

  /** Checks the part over its own protocol. Never throws. */
  protected abstract PartHealth probe();

  /** Creates what heatlab needs of the part (topics, bucket, schema); idempotent. */
  protected void provision() throws StackException {}

  /** Releases clients held for probing and provisioning. */
  protected void closeClients() {}

  protected Duration stopGrace() {
    return Duration.ofSeconds(30);
  }

  protected Map<String, String> environment() {
    return Map.of();
  }

  public boolean embedded() {
    return embedded;
  }

  @Override
  public final void start() throws StackException {
    if (embedded) {
      try {
        Files.deleteIfExists(restartsFile()); // a new start: no restarts yet
      } catch (IOException e) {
        LOG.debug("{}: {}", restartsFile(), e.toString());
      }
    }
    launch();
  }

  private void launch() throws StackException {
    if (embedded) {
      child.killStale();
      try {
        layout.createDirectories();
        prepare();
      } catch (StackException e) {
        throw e;
      } catch (Exception e) {
        throw new StackException("Cannot prepare " + name() + ": " + e.getMessage(), e);
      }
      child.start(command(), layout.partDir(name()), environment());
      LOG.info("Started {} as pid {} (log: {})", name(), child.pid(), child.logFile());
    }
    started = true;
    awaitHealthy();
    provision();
  }

  private void awaitHealthy() throws StackException {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    PartHealth last = null;
    while (System.nanoTime() < deadline) {
      if (embedded && !child.isAlive()) {
        throw new StackException(
            name()
                + " exited with code "
                + child.exitCode().orElse(-1)
                + " while starting; from "
                + child.logFile()
                + ":\n"
                + child.failureExcerpt(25));
      }
      last = probe();
      if (last.healthy()) {
        return;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException("Interrupted while waiting for " + name());
      }
    }
    throw new StackException(
        name()
            + " at "
            + address()
            + " not healthy after "
            + startTimeout.toSeconds()
            + " s: "
            + (last == null ? "never probed" : last.detail())
            + (embedded ? "; see " + child.logFile() : ""));
  }

  @Override
  public PartHealth health() {
    if (crashed()) {
      return withRestarts(
          new PartHealth(
              name(),
              PartHealth.State.STOPPED,
              address(),
              "process exited" + child.exitCode().map(c -> " with code " + c).orElse(""),
              null));
    }
    PartHealth health = probe();
    Long pid = embedded ? recordedPid() : null;
    return withRestarts(pid == null ? health : health.withPid(pid));
  }

  /** The part's health with what {@code run/<part>.restarts} says, read once. */
  private PartHealth withRestarts(PartHealth health) {
    List<String> lines = restartLines();
    return health.withRestarts(count(lines), lines.size() < 2 ? "" : lines.get(1));
  }

  /** Whether this part's child was started here and has died since (not stopped by us). */
  boolean crashed() {
    return embedded && started && !child.isAlive();
  }

  /** The exit code of a crashed child, if known. */
  Optional<Integer> exitCode() {
    return child.exitCode();
  }

  /**
   * Starts the child again after it died ({@link PartWatchdog}): the same launch as {@link
   * #start()}, counted and shown in {@link #health()}.
   */
  synchronized void restart(String note) throws StackException {
    if (!crashed()) {
      return; // stopped meanwhile, or already back
    }
    try {
      launch();
    } catch (StackException e) {
      child.kill(); // launched but not healthy: the next attempt starts from scratch
      throw e;
    }
    recordRestarts(restarts() + 1, note);
  }

  /** What the supervisor says of this part's restarts (e.g. that it gave up). */
  void noteRestarts(String note) {
    recordRestarts(restarts(), note);
  }

  /**
   * The supervisor's restarts of this part since the stack started, read from {@code
   * run/<part>.restarts} — so {@code status} and the console, other processes, see them too.
   */
  int restarts() {
    return count(restartLines());
  }

  private static int count(List<String> restartLines) {
    try {
      return restartLines.isEmpty() ? 0 : Integer.parseInt(restartLines.get(0).strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private List<String> restartLines() {
    try {
      return embedded && Files.exists(restartsFile())
          ? Files.readAllLines(restartsFile())
          : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private void recordRestarts(int count, String note) {
    try {
      Files.createDirectories(restartsFile().getParent());
      Files.writeString(restartsFile(), count + "\n" + note + "\n");
    } catch (IOException e) {
      LOG.warn("{}: cannot record its restarts: {}", name(), e.toString());
    }
  }

  private Path restartsFile() {
    return layout.runDir().resolve(name() + ".restarts");
  }

  /**
   * Stop this part quickly: something it depends on is dead, so its clean shutdown (committing to
   * Kafka, leaving a group) can only wait for it.
   */
  @Override
  public void hurry() {
    hurried = true;
  }

  private Long recordedPid() {
    Long own = child.pid();
    if (own != null) {
      return own;
    }
    return ChildProcess.recorded(layout.runDir().resolve(name() + ".pid"), layout.root().toString())
        .map(ProcessHandle::pid)
        .orElse(null);
  }

  @Override
  public void stop() {
    closeClients();
    if (embedded && started) {
      child.stop(hurried ? HURRIED_GRACE : stopGrace());
      LOG.info("Stopped {}", name());
    }
    started = false;
    hurried = false;
  }

  @Override
  public void kill() {
    closeClients();
    child.kill();
  }

  protected Path conf(String fileName) {
    return layout.confDir().resolve(fileName);
  }
}
