package io.heatlab.console.shell;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every stall of the FX application thread longer than a threshold (100 ms by default), with what
 * the FX thread was doing and why it did not answer. A daemon thread posts a ping with {@link
 * Platform#runLater} every 20 ms; when a ping has waited longer than the threshold, the FX thread's stack
 * and state are sampled once, and when the ping finally runs the delay is classified from the FX thread's
 * CPU time and the GC time over it ({@link Kind}): work on the FX thread, blocking, GC — logged as WARN
 * and counted in {@link #stalls()} (the TestFX flow asserts 0) — or CPU starvation, logged at INFO.
 */
public final class FxWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FxWatchdog.class);
  private final long thresholdNanos;
  private final AtomicLong stalls = new AtomicLong();
  private final AtomicLong starved = new AtomicLong();
  private final AtomicLong longestMillis = new AtomicLong();
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

  private static long gcMillis() {
    long total = 0;
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private long fxCpuNanos() {
    Thread fx = fxThread;
    return fx == null ? -1 : THREADS.getThreadCpuTime(fx.getId());
  }

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private void watch() {
    while (!closed) {
      long posted = System.nanoTime();
      long cpuBefore = fxCpuNanos();
      long gcBefore = gcMillis();
      AtomicLong ran = new AtomicLong();
      Platform.runLater(() -> ran.set(System.nanoTime()));
      StackTraceElement[] sample = null;
      Thread.State sampledState = null;
      while (ran.get() == 0 && !closed) {
        sleep(5);
        if (sample == null && System.nanoTime() - posted > thresholdNanos && fxThread != null) {
          sampledState = fxThread.getState();
          sample = fxThread.getStackTrace();
        }
      }
      long waited = ran.get() - posted;
      if (!closed && waited > thresholdNanos) {
        long ms = waited / 1_000_000;
        long cpuMs = cpuBefore < 0 ? -1 : (fxCpuNanos() - cpuBefore) / 1_000_000;
        long gcMs = gcMillis() - gcBefore;
        Kind kind = classify(ms, cpuMs, gcMs, sampledState, sample);
        String where = sample == null ? "" : " — it was at " + top(sample);
        if (kind == Kind.STARVED) {
          starved.incrementAndGet();
          LOG.info("FX thread delayed {} ms waiting for a CPU (on CPU {} ms, GC {} ms: the machine is saturated){}", ms, cpuMs, gcMs, where);
        } else {
          stalls.incrementAndGet();
          longestMillis.accumulateAndGet(ms, Math::max);
          LOG.warn("FX thread stalled {} ms: {} (on CPU {} ms, GC {} ms){}", ms, kind.describe(), cpuMs, gcMs, where);
        }
      }
      sleep(20);
    }
  }

  /** Why the FX thread did not answer: its own work, waiting on something, a GC pause, or no CPU given. */
  enum Kind {
    BUSY("work on the FX thread"), BLOCKED("the FX thread waited for a lock, I/O or another thread"), GC("a garbage-collection pause"),
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
   * BUSY when the FX thread itself used more than half the stall on CPU; GC when pauses cover half of it;
   * BLOCKED when it was sampled waiting or blocked (not in the renderer's frame sync nor the event loop's idle
   * wait — Monocle's RunnableQueue, or GTK's native {@code _runLoop} in a real window); else STARVED:
   * runnable, not running — the machine's cores were taken (on 2 cores the embedded stack, Spark and the
   * JIT all compete). Only STARVED delays are not counted as stalls.
   */
  static Kind classify(long stallMs, long cpuMs, long gcMs, Thread.State state, StackTraceElement[] sample) {
    if (cpuMs >= 0 && cpuMs * 2 >= stallMs) {
      return Kind.BUSY;
    }
    if (gcMs * 2 >= stallMs) {
      return Kind.GC;
    }
    boolean waiting = state == Thread.State.BLOCKED || state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    // the renderer's frame sync, or the event loop's idle wait (woken, not yet run): Monocle's queue, GTK's native loop
    boolean toolkitWait = sample != null && java.util.Arrays.stream(sample).anyMatch(f -> f.getClassName().endsWith("PaintCollector")
        || f.getClassName().endsWith("RunnableQueue") || f.getMethodName().equals("_runLoop"));
    if (waiting && !toolkitWait) {
      return Kind.BLOCKED;
    }
    return Kind.STARVED;
  }

  private static String top(StackTraceElement[] stack) {
    StringBuilder b = new StringBuilder();
    int shown = 0;
    for (StackTraceElement e : stack) {
      if (shown < 6 && (shown > 0 || !e.getClassName().startsWith("java."))) {
        b.append(shown == 0 ? "" : " < ").append(e.getClassName().replaceAll(".*\\.", "")).append('.').append(e.getMethodName())
            .append(':').append(e.getLineNumber());
        shown++;
      }
    }
    return b.toString();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long stalls() {
    return stalls.get();
  }

  /** Delays where the FX thread was runnable but got no CPU (logged at INFO, not counted in {@link #stalls()}). */
  public long starved() {
    return starved.get();
  }

  public long longestMillis() {
    return longestMillis.get();
  }

  @Override
  public void close() {
    closed = true;
  }
}
