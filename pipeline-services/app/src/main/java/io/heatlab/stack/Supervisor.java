package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.rollup.PublishedWindowsCheck;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.RollupScheduler;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The process that owns a running stack ({@code heatlab up --foreground}, or the detached process
 * that {@code heatlab up} spawns). It records itself in {@code run/heatlab.pid}, starts the stack,
 * and on SIGTERM (or Ctrl-C) stops every part in reverse order before it exits.
 *
 * <p>A part that dies while the stack runs is started again by the stack's watchdog ({@link
 * Stack#superviseRestarts()}).
 *
 * <p>Crash recovery: if this process is killed with SIGKILL its children keep running; the next
 * supervisor finds them through their pid files and stops them before starting new ones, keeping
 * data.
 */
public final class Supervisor {
  private static final List<String> PART_NAMES =
      List.of("connect", SparkDriverPart.NAME, "kafka", "storage", "clickhouse");
  private static final String MARKER = "heatlab";

  /** The cluster profile's nodes (see {@link Nodes}). */
  private static final Pattern NODE =
      Pattern.compile("(kafka|connect|ingest|spark-worker)-\\d+|spark-master|redis");

  private Supervisor() {}

  /** The live supervisor of the stack under {@code layout}, if any. */
  public static Optional<ProcessHandle> running(StackLayout layout) {
    return ChildProcess.recorded(layout.supervisorPidFile(), MARKER)
        .filter(h -> h.pid() != ProcessHandle.current().pid());
  }

  /** Starts the stack and blocks until the JVM is asked to exit. Returns a process exit code. */
  public static int runForeground(Stack stack, PrintStream out) {
    StackLayout layout = stack.layout();
    CountDownLatch exit = new CountDownLatch(1);
    try {
      recordSelf(layout.supervisorPidFile());
    } catch (IOException e) {
      out.println("heatlab: cannot write " + layout.supervisorPidFile() + ": " + e.getMessage());
      return 1;
    }
    AtomicReference<AutoCloseable> scheduler = new AtomicReference<>();
    Thread hook =
        new Thread(
            () -> {
              closeQuietly(scheduler.get());
              out.println("heatlab: stopping the stack…");
              stack.stop();
              deleteQuietly(layout.supervisorPidFile());
              out.println("heatlab: stack stopped");
              exit.countDown();
            },
            "heatlab-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long t0 = System.nanoTime();
    try {
      stack.start(
          new Stack.StartListener() {
            @Override
            public void starting(StackPart part) {
              out.println("heatlab: starting " + part.name() + "…");
            }

            @Override
            public void started(PartHealth health, Duration took) {
              out.printf(
                  "heatlab: %-12s %-8s %-28s %5.1f s%n",
                  health.name(), health.state().json(), health.address(), took.toMillis() / 1000.0);
            }

            @Override
            public void checked(PublishedWindowsCheck.Report report) {
              out.println("heatlab: self-check: " + report.summary());
              report.repairs().forEach(r -> out.println("heatlab:   " + r));
            }
          });
    } catch (StackException e) {
      out.println("heatlab: the stack did not start: " + e.getMessage());
      deleteQuietly(layout.supervisorPidFile());
      Runtime.getRuntime().removeShutdownHook(hook);
      return 1;
    }
    out.printf(
        "heatlab: stack is up in %.1f s (data: %s)%n",
        (System.nanoTime() - t0) / 1e9, layout.root());
    stack.superviseRestarts(); // a part that dies is started again (back-off, a limit)
    if (stack.config().getBoolean(HeatlabConfig.ROLLUP_SCHEDULER_ENABLED)) {
      scheduler.set(startScheduler(stack, out));
    }
    try {
      exit.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Records this JVM as the stack's supervisor (as {@code ./heatlab up} does), so that {@code up},
   * {@code status} and {@code down} see the stack it starts; closing the claim removes the record.
   * The console uses it when it starts the stack in its own JVM.
   */
  public static AutoCloseable claim(StackLayout layout) throws IOException {
    recordSelf(layout.supervisorPidFile());
    return () -> deleteQuietly(layout.supervisorPidFile());
  }

  /**
   * Stops the stack under {@code layout}: SIGTERM to its supervisor (which stops the parts in
   * order), then any child still recorded in a pid file (e.g. after the supervisor was killed).
   * Returns whether anything was running.
   */
  public static boolean stop(StackLayout layout, Duration grace, PrintStream out) {
    boolean anything = false;
    Optional<ProcessHandle> supervisor = running(layout);
    if (supervisor.isPresent()) {
      anything = true;
      out.println("heatlab: stopping the stack (supervisor pid " + supervisor.get().pid() + ")…");
      ChildProcess.terminate(supervisor.get(), grace);
    }
    deleteQuietly(layout.supervisorPidFile());
    for (String part : staleCandidates(layout)) {
      Optional<Long> stale = new ChildProcess(part, layout).killStale();
      if (stale.isPresent()) {
        anything = true;
        out.println("heatlab: stopped stale " + part + " process " + stale.get());
      }
    }
    return anything;
  }

  /**
   * The parts whose pid files may name a leftover child: the embedded profile's in stopping order,
   * then any other node recorded in the run directory (the cluster profile's kafka-2, ingest-1 …).
   */
  private static List<String> staleCandidates(StackLayout layout) {
    List<String> names = new ArrayList<>(PART_NAMES);
    try (Stream<Path> files = Files.list(layout.runDir())) {
      files
          .map(f -> f.getFileName().toString())
          .filter(
              f ->
                  f.endsWith(".pid")
                      && !f.equals(layout.supervisorPidFile().getFileName().toString()))
          .map(f -> f.substring(0, f.length() - ".pid".length()))
          .sorted()
          .filter(n -> NODE.matcher(n).matches() && !names.contains(n))
          .forEach(names::add);
    } catch (IOException e) {
      // no run directory: nothing recorded
    }
    return names;
  }

  /** The rollup scheduler of this stack (rollup.scheduler.enabled), logging each run's outcome. */
  static AutoCloseable startScheduler(Stack stack, PrintStream out) {
    Rollups rollups = new Rollups(stack.config(), stack.endpoints());
    RollupScheduler scheduler =
        new RollupScheduler(
            rollups,
            new HeatmapWindows(new ClickHouseJdbc(stack.config(), stack.endpoints())),
            RollupScheduler.Settings.of(stack.config()),
            Clock.systemUTC(),
            new RollupRun.Listener() {
              @Override
              public void state(RollupRun run, RunState state) {
                if (state.isFinal()) {
                  out.printf(
                      "heatlab: rollup %s %s … %s: %s%n",
                      run.granularity().name().toLowerCase(),
                      run.granularity().label(run.windows().get(0)),
                      run.granularity().label(run.windows().get(run.windows().size() - 1)),
                      state);
                }
              }
            });
    scheduler.start();
    out.println(
        "heatlab: rollup scheduler on (every "
            + stack.config().getLong(HeatlabConfig.ROLLUP_SCHEDULER_INTERVAL_MS) / 1000
            + " s)");
    return () -> {
      scheduler.close();
      rollups.close();
    };
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // shutting down
      }
    }
  }

  private static void recordSelf(Path pidFile) throws IOException {
    Files.createDirectories(pidFile.getParent());
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(pidFile, self.pid() + " " + StartStamp.of(self) + "\n");
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // best effort: a stale pid file is recognised as stale by its start time
    }
  }
}
