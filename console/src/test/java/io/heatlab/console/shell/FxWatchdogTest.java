package io.heatlab.console.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FxWatchdogTest {
  private static final StackTraceElement[] IN_HANDLER = {new StackTraceElement("io.heatlab.console.X", "onClick", "X.java", 1)};
  private static final StackTraceElement[] IN_RENDER_SYNC = {
      new StackTraceElement("java.util.concurrent.CountDownLatch", "await", "CountDownLatch.java", 1),
      new StackTraceElement("com.sun.javafx.tk.quantum.PaintCollector", "waitForRenderingToComplete", "PaintCollector.java", 1)};

  @Test
  void workOnTheFxThreadIsAStall() {
    assertThat(FxWatchdog.classify(300, 250, 0, Thread.State.RUNNABLE, IN_HANDLER)).isEqualTo(FxWatchdog.Kind.BUSY);
  }

  @Test
  void waitingInAHandlerIsAStall() {
    assertThat(FxWatchdog.classify(300, 5, 0, Thread.State.WAITING, IN_HANDLER)).isEqualTo(FxWatchdog.Kind.BLOCKED);
    assertThat(FxWatchdog.classify(300, 5, 0, Thread.State.BLOCKED, IN_HANDLER)).isEqualTo(FxWatchdog.Kind.BLOCKED);
  }

  @Test
  void gcPausesAreNamed() {
    assertThat(FxWatchdog.classify(300, 10, 200, Thread.State.RUNNABLE, IN_HANDLER)).isEqualTo(FxWatchdog.Kind.GC);
  }

  @Test
  void theEventLoopsIdleWaitWithAPendingPingIsStarvation() {
    StackTraceElement[] idle = {new StackTraceElement("java.util.concurrent.locks.LockSupport", "park", "LockSupport.java", 1),
        new StackTraceElement("com.sun.glass.ui.monocle.RunnableQueue", "getNextRunnable", "RunnableQueue.java", 58)};
    assertThat(FxWatchdog.classify(102, 15, 0, Thread.State.WAITING, idle)).isEqualTo(FxWatchdog.Kind.STARVED);
    StackTraceElement[] gtkIdle = {new StackTraceElement("com.sun.glass.ui.gtk.GtkApplication", "_runLoop", "GtkApplication.java", -2),
        new StackTraceElement("com.sun.glass.ui.gtk.GtkApplication", "lambda$runLoop$10", "GtkApplication.java", 265)};
    assertThat(FxWatchdog.classify(133, 0, 0, Thread.State.WAITING, gtkIdle)).as("a real window's event loop").isEqualTo(FxWatchdog.Kind.STARVED);
  }

  @Test
  void runnableWithoutCpuIsStarvationAndSoIsTheRenderersFrameSync() {
    assertThat(FxWatchdog.classify(300, 40, 0, Thread.State.RUNNABLE, IN_HANDLER)).isEqualTo(FxWatchdog.Kind.STARVED);
    assertThat(FxWatchdog.classify(300, 40, 0, Thread.State.WAITING, IN_RENDER_SYNC)).isEqualTo(FxWatchdog.Kind.STARVED);
  }
}
