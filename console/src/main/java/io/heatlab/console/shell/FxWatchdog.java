package io.heatlab.console.shell;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the FX application thread and attributes every delay longer than a threshold (100 ms by
 * default) to what caused it. A daemon thread posts a ping with {@link Platform#runLater} every 20
 * ms; while a ping waits past the threshold, the FX thread's stack is sampled every 5 ms; when the
 * ping finally runs, the delay becomes a {@link Stall} with
 *
 * <ul>
 *   <li>a {@link Kind}, from the FX thread's CPU time and the GC time over it: work on the FX
 *       thread, blocking, GC, or CPU starvation (runnable, not running: the machine's cores were
 *       taken);
 *   <li>whose code it was: heatlab's when most samples have a heatlab frame on the FX thread's
 *       stack (an event handler, a listener, a cell), the toolkit's otherwise (layout, CSS,
 *       rendering, the JIT warming up).
 * </ul>
 *
 * Only a {@linkplain Stall#heatlabsFault() fault of heatlab's own} is a defect — heatlab code that
 * blocked the FX thread (I/O, a lock, a wait), or ran on it for more than {@link #HEAVY_CPU} of CPU
 * time. Those are logged at WARN; every other delay at INFO. A delay's length depends on the
 * machine's load (two busy cores stretch any frame), its cause does not: a test asserts the cause
 * ({@link #faults()}), never a duration.
 */
public final class FxWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FxWatchdog.class);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * CPU time of heatlab code in one go on the FX thread that no machine load explains: ten frames'
   * worth.
   */
  public static final Duration HEAVY_CPU = Duration.ofMillis(1000);

  private final long thresholdNanos;
  private final List<Stall> stalls = new CopyOnWriteArrayList<>();
  private final AtomicLong starved = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Thread fxThread;

  public FxWatchdog(Duration threshold) {
    this.thresholdNanos = threshold.toNanos();
    this.thread = new Thread(this::watch, "heatlab-fx-watchdog");
    thread.setDaemon(true);
  }

  public FxWatchdog start() {
    Platform.runLater(() -> fxThread = Thread.currentThread());
    thread.start();
    return this;
  }

  /**
   * Why the FX thread did not answer: its own work, waiting on something, a GC pause, or no CPU
   * given.
   */
  public enum Kind {
    BUSY("work on the FX thread"),
    BLOCKED("the FX thread waited for a lock, I/O or another thread"),
    GC("a garbage-collection pause"),
    STARVED("no CPU for the FX thread");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    String describe() {
      return text;
    }
  }

  /**
   * One delay of the FX thread: its length, the FX thread's CPU and the GC time over it, its kind,
   * how many samples were taken and how many of them had heatlab code on the FX thread's stack, and
   * where that was.
   */
  public record Stall(
      long millis,
      long cpuMillis,
      long gcMillis,
      Kind kind,
      int samples,
      int heatlabSamples,
      String where) {
    /** Heatlab code was on the FX thread's stack for most of the delay. */
    public boolean heatlabs() {
      return samples > 0 && heatlabSamples * 2 > samples;
    }

    /**
     * A defect of heatlab's: its code blocked the FX thread, or computed on it for longer than
     * {@link #HEAVY_CPU}.
     */
    public boolean heatlabsFault() {
      return heatlabs() && (kind == Kind.BLOCKED || cpuMillis >= HEAVY_CPU.toMillis());
    }

    @Override
    public String toString() {
      return String.format(
          "%d ms, %s (on CPU %d ms, GC %d ms), %s code%s",
          millis,
          kind.describe(),
          cpuMillis,
          gcMillis,
          heatlabs() ? "heatlab's" : "the toolkit's",
          where.isEmpty() ? "" : " — at " + where);
    }
  }

  /** Samples taken of the FX thread while one ping waits. */
  private static final class Samples {
    int count;
    int heatlab;
    Thread.State firstState;
    StackTraceElement[] first;
    StackTraceElement[] firstHeatlab;

    void add(Thread fx) {
      Thread.State state = fx.getState();
      StackTraceElement[] stack = fx.getStackTrace();
      if (count++ == 0) {
        firstState = state;
        first = stack;
      }
      if (hasHeatlabFrame(stack)) {
        heatlab++;
        if (firstHeatlab == null) {
          firstHeatlab = stack;
        }
      }
    }
  }

  private void watch() {
    while (!closed) {
      long posted = System.nanoTime();
      long cpuBefore = fxCpuNanos();
      long gcBefore = gcMillis();
      AtomicLong ran = new AtomicLong();
      Platform.runLater(() -> ran.set(System.nanoTime()));
      Samples samples = new Samples();
      while (ran.get() == 0 && !closed) {
        sleep(5);
        Thread fx = fxThread;
        if (ran.get() == 0 && fx != null && System.nanoTime() - posted > thresholdNanos) {
          samples.add(fx);
        }
      }
      long waited = ran.get() - posted;
      if (!closed && waited > thresholdNanos) {
        long ms = waited / 1_000_000;
        long cpuMs = cpuBefore < 0 ? -1 : (fxCpuNanos() - cpuBefore) / 1_000_000;
        long gcMs = gcMillis() - gcBefore;
        Kind kind = classify(ms, cpuMs, gcMs, samples.firstState, samples.first);
        StackTraceElement[] shown =
            samples.firstHeatlab != null ? samples.firstHeatlab : samples.first;
        record(
            new Stall(
                ms,
                cpuMs,
                gcMs,
                kind,
                samples.count,
                samples.heatlab,
                shown == null ? "" : top(shown)));
      }
      sleep(20);
    }
  }

  private void record(Stall stall) {
    if (stall.kind() == Kind.STARVED) {
      starved.incrementAndGet();
      LOG.info("FX thread delayed {}: the machine is saturated", stall);
      return;
    }
    stalls.add(stall);
    if (stall.heatlabsFault()) {
      LOG.warn("FX thread stalled {}", stall);
    } else {
      LOG.info("FX thread delayed {}", stall);
    }
  }

  /**
   * BUSY when the FX thread itself used more than half the stall on CPU; GC when pauses cover half
   * of it; BLOCKED when it was sampled waiting or blocked (not in the renderer's frame sync nor the
   * event loop's idle wait — Monocle's RunnableQueue, or GTK's native {@code _runLoop} in a real
   * window); else STARVED: runnable, not running — the machine's cores were taken (on 2 cores the
   * embedded stack, Spark and the JIT all compete).
   */
  static Kind classify(
      long stallMs, long cpuMs, long gcMs, Thread.State state, StackTraceElement[] sample) {
    if (cpuMs >= 0 && cpuMs * 2 >= stallMs) {
      return Kind.BUSY;
    }
    if (gcMs * 2 >= stallMs) {
      return Kind.GC;
    }
    boolean waiting =
        state == Thread.State.BLOCKED
            || state == Thread.State.WAITING
            || state == Thread.State.TIMED_WAITING;
    // the renderer's frame sync, or the event loop's idle wait (woken, not yet run): Monocle's
    // queue, GTK's native loop
    boolean toolkitWait =
        sample != null
            && Arrays.stream(sample)
                .anyMatch(
                    f ->
                        f.getClassName().endsWith("PaintCollector")
                            || f.getClassName().endsWith("RunnableQueue")
                            || f.getMethodName().equals("_runLoop"));
    if (waiting && !toolkitWait) {
      return Kind.BLOCKED;
    }
    return Kind.STARVED;
  }

  /** Whether heatlab's own code (not this watchdog) is on the stack. */
  static boolean hasHeatlabFrame(StackTraceElement[] stack) {
    return Arrays.stream(stack)
        .anyMatch(
            f ->
                f.getClassName().startsWith("io.heatlab.")
                    && !f.getClassName().startsWith(FxWatchdog.class.getName()));
  }

  private static String top(StackTraceElement[] stack) {
    StringBuilder b = new StringBuilder();
    int shown = 0;
    for (StackTraceElement e : stack) {
      if (shown < 6 && (shown > 0 || !e.getClassName().startsWith("java."))) {
        b.append(shown == 0 ? "" : " < ")
            .append(e.getClassName().replaceAll(".*\\.", ""))
            .append('.')
            .append(e.getMethodName())
            .append(':')
            .append(e.getLineNumber());
        shown++;
      }
    }
    return b.toString();
  }

  private static long gcMillis() {
    long total = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private long fxCpuNanos() {
    Thread fx = fxThread;
    return fx == null ? -1 : THREADS.getThreadCpuTime(fx.getId());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every delay over the threshold that was not CPU starvation, in order. */
  public List<Stall> stalls() {
    return List.copyOf(stalls);
  }

  /** The delays that are heatlab's own defects ({@link Stall#heatlabsFault()}). */
  public List<Stall> faults() {
    return stalls.stream().filter(Stall::heatlabsFault).toList();
  }

  /**
   * Delays where the FX thread was runnable but got no CPU (logged at INFO, not in {@link
   * #stalls()}).
   */
  public long starved() {
    return starved.get();
  }

  @Override
  public void close() {
    closed = true;
  }
}
