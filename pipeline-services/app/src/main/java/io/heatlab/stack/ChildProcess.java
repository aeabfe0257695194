package io.heatlab.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised child process of the embedded stack, with its pid file and log file.
 *
 * <p>Lifecycle: {@link #killStale()} (a child left behind by a supervisor that died, found through
 * the pid file) → {@link #start} → {@link #isAlive()}… → {@link #stop(Duration)}.
 *
 * <p>Invariant: the pid file exists exactly while a child started by heatlab may be alive. It holds
 * the pid and the process start ({@link StartStamp}), so a recycled pid is never mistaken for ours;
 * the child's command line also carries the data directory, which {@link #killStale()} checks
 * before it signals anything.
 */
public final class ChildProcess {
  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  private static final Duration STALE_GRACE = Duration.ofSeconds(15);

  private final String name;
  private final Path pidFile;
  private final Path logFile;
  private final String marker;
  private volatile Process process;

  /**
   * @param name the part's name (pid file {@code <runDir>/<name>.pid}, log {@code
   *     <logDir>/<name>.log})
   * @param layout where run and log files live
   */
  public ChildProcess(String name, StackLayout layout) {
    this.name = name;
    this.pidFile = layout.runDir().resolve(name + ".pid");
    this.logFile = layout.logDir().resolve(name + ".log");
    this.marker = layout.root().toString();
  }

  public Path logFile() {
    return logFile;
  }

  /**
   * Stops a child of ours recorded in the pid file but not owned by this object. Returns its pid,
   * if any.
   */
  public Optional<Long> killStale() {
    Optional<ProcessHandle> stale = recorded(pidFile, marker);
    stale.ifPresent(
        handle -> {
          LOG.warn("Stopping stale {} process {} left by an earlier run", name, handle.pid());
          terminate(handle, STALE_GRACE);
        });
    deleteQuietly(pidFile);
    return stale.map(ProcessHandle::pid);
  }

  /** Starts {@code command} with output appended to the log file, then records its pid. */
  public void start(List<String> command, Path workDir, Map<String, String> extraEnv)
      throws StackException {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running as pid " + process.pid());
    }
    try {
      Files.createDirectories(pidFile.getParent());
      Files.createDirectories(logFile.getParent());
      Files.createDirectories(workDir);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(extraEnv);
      Files.writeString(
          logFile,
          "---- " + Instant.now() + " starting " + name + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process started = builder.start();
      process = started;
      Files.writeString(pidFile, started.pid() + " " + StartStamp.of(started.toHandle()) + "\n");
    } catch (IOException e) {
      throw new StackException(
          "Cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  /**
   * Takes over a process started elsewhere (e.g. by spark-launcher, its output already going to
   * {@link #logFile}) and records its pid, as {@link #start} does.
   */
  public void adopt(Process started) throws IOException {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running as pid " + process.pid());
    }
    process = started;
    Files.createDirectories(pidFile.getParent());
    Files.writeString(pidFile, started.pid() + " " + StartStamp.of(started.toHandle()) + "\n");
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  public Long pid() {
    Process p = process;
    return p == null ? null : p.pid();
  }

  /** Exit code of a child that has ended, for error messages. */
  public Optional<Integer> exitCode() {
    Process p = process;
    return p == null || p.isAlive() ? Optional.empty() : Optional.of(p.exitValue());
  }

  /** SIGTERM, wait up to {@code grace}, then SIGKILL; removes the pid file. Idempotent. */
  public void stop(Duration grace) {
    Process p = process;
    if (p != null) {
      terminate(p.toHandle(), grace);
      process = null;
    }
    deleteQuietly(pidFile);
  }

  /** Sends SIGKILL without any grace: for fault tests that need a crash, not a shutdown. */
  public void kill() {
    Process p = process;
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The last {@code lines} lines of the log, to put in an error message. */
  public String logTail(int lines) {
    return StackLayout.tail(logFile, lines);
  }

  /**
   * Why the process failed, from the end of its log (the log file is appended to across runs): the
   * first ERROR/FATAL lines of that window — a JVM's shutdown after an error fills the very last
   * lines with its own — then the last {@code lines} lines.
   */
  public String failureExcerpt(int lines) {
    List<String> window = List.of(logTail(500).split("\n"));
    List<String> errors =
        window.stream()
            .filter(
                l -> l.contains(" ERROR ") || l.contains(" FATAL ") || l.startsWith("Exception"))
            .limit(5)
            .toList();
    String tail =
        String.join("\n", window.subList(Math.max(0, window.size() - lines), window.size()));
    return errors.isEmpty()
        ? tail
        : "first errors:\n" + String.join("\n", errors) + "\n…\nlast lines:\n" + tail;
  }

  /** The process recorded in {@code pidFile} if it is alive, is the same process, and is ours. */
  public static Optional<ProcessHandle> recorded(Path pidFile, String marker) {
    List<String> fields;
    try {
      if (!Files.exists(pidFile)) {
        return Optional.empty();
      }
      fields = List.of(Files.readString(pidFile).trim().split("\\s+"));
    } catch (IOException e) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(fields.get(0));
      String stamp = fields.size() > 1 ? fields.get(1) : "";
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h -> StartStamp.matches(h, stamp))
          .filter(h -> ours(h, marker));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether the command line of {@code h} names {@code marker} (unknown: yes). Read raw from {@code
   * /proc} too: a process that rewrites its title (redis-server) shows the JDK no arguments.
   */
  private static boolean ours(ProcessHandle h, String marker) {
    Optional<String> line = h.info().commandLine();
    if (line.isEmpty() || line.get().contains(marker)) {
      return true;
    }
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').contains(marker);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** SIGTERM to the process and its descendants, wait up to {@code grace}, then SIGKILL. */
  public static void terminate(ProcessHandle handle, Duration grace) {
    List<ProcessHandle> family = new ArrayList<>(handle.descendants().toList());
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception timeoutOrFailure) {
      LOG.warn("Process {} did not stop within {} s; killing it", handle.pid(), grace.toSeconds());
      handle.destroyForcibly();
      handle.onExit().join();
    }
    family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", file, e.getMessage());
    }
  }
}
