package io.heatlab.console.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FxWatchdogTest {
  private static final StackTraceElement[] IN_HANDLER = {
    new StackTraceElement("io.heatlab.console.X", "onClick", "X.java", 1)
  };
  private static final StackTraceElement[] IN_RENDER_SYNC = {
    new StackTraceElement("java.util.concurrent.CountDownLatch", "await", "CountDownLatch.java", 1),
    new StackTraceElement(
        "com.sun.javafx.tk.quantum.PaintCollector",
        "waitForRenderingToComplete",
        "PaintCollector.java",
        1)
  };

  @Test
  void workOnTheFxThreadIsAStall() {
    assertThat(FxWatchdog.classify(300, 250, 0, Thread.State.RUNNABLE, IN_HANDLER))
        .isEqualTo(FxWatchdog.Kind.BUSY);
  }

  @Test
  void waitingInAHandlerIsAStall() {
    assertThat(FxWatchdog.classify(300, 5, 0, Thread.State.WAITING, IN_HANDLER))
        .isEqualTo(FxWatchdog.Kind.BLOCKED);
    assertThat(FxWatchdog.classify(300, 5, 0, Thread.State.BLOCKED, IN_HANDLER))
        .isEqualTo(FxWatchdog.Kind.BLOCKED);
  }

  @Test
  void gcPausesAreNamed() {
    assertThat(FxWatchdog.classify(300, 10, 200, Thread.State.RUNNABLE, IN_HANDLER))
        .isEqualTo(FxWatchdog.Kind.GC);
  }

  @Test
  void theEventLoopsIdleWaitWithAPendingPingIsStarvation() {
    StackTraceElement[] idle = {
      new StackTraceElement(
          "java.util.concurrent.locks.LockSupport", "park", "LockSupport.java", 1),
      new StackTraceElement(
          "com.sun.glass.ui.monocle.RunnableQueue", "getNextRunnable", "RunnableQueue.java", 58)
    };
    assertThat(FxWatchdog.classify(102, 15, 0, Thread.State.WAITING, idle))
        .isEqualTo(FxWatchdog.Kind.STARVED);
    StackTraceElement[] gtkIdle = {
      new StackTraceElement(
          "com.sun.glass.ui.gtk.GtkApplication", "_runLoop", "GtkApplication.java", -2),
      new StackTraceElement(
          "com.sun.glass.ui.gtk.GtkApplication", "lambda$runLoop$10", "GtkApplication.java", 265)
    };
    assertThat(FxWatchdog.classify(133, 0, 0, Thread.State.WAITING, gtkIdle))
        .as("a real window's event loop")
        .isEqualTo(FxWatchdog.Kind.STARVED);
  }

  @Test
  void runnableWithoutCpuIsStarvationAndSoIsTheRenderersFrameSync() {
    assertThat(FxWatchdog.classify(300, 40, 0, Thread.State.RUNNABLE, IN_HANDLER))
        .isEqualTo(FxWatchdog.Kind.STARVED);
    assertThat(FxWatchdog.classify(300, 40, 0, Thread.State.WAITING, IN_RENDER_SYNC))
        .isEqualTo(FxWatchdog.Kind.STARVED);
  }

  @Test
  void heatlabCodeOnTheStackIsHeatlabsNotTheToolkits() {
    StackTraceElement[] layout = {
      new StackTraceElement("javafx.scene.Parent", "layout", "Parent.java", 1)
    };
    assertThat(FxWatchdog.hasHeatlabFrame(IN_HANDLER)).isTrue();
    assertThat(FxWatchdog.hasHeatlabFrame(layout)).isFalse();
    StackTraceElement[] self = {
      new StackTraceElement(FxWatchdog.class.getName(), "lambda$watch$0", "FxWatchdog.java", 1)
    };
    assertThat(FxWatchdog.hasHeatlabFrame(self)).as("the watchdog's own ping").isFalse();
  }

  @Test
  void heatlabCodeBlockingTheFxThreadIsAFaultWhateverItsLength() {
    var blocked = new FxWatchdog.Stall(104, 3, 0, FxWatchdog.Kind.BLOCKED, 10, 9, "X.onClick");
    assertThat(blocked.heatlabsFault()).isTrue();
  }

  @Test
  void aSlowFrameOfTheToolkitOrAShortHeatlabComputationIsNotAFault() {
    // the 108-ms delays a loaded 2-core machine gives: layout and CSS, or a handler stretched by
    // the load
    assertThat(
            new FxWatchdog.Stall(108, 90, 0, FxWatchdog.Kind.BUSY, 1, 0, "Parent.layout")
                .heatlabsFault())
        .isFalse();
    assertThat(
            new FxWatchdog.Stall(109, 60, 0, FxWatchdog.Kind.BUSY, 1, 1, "X.onClick")
                .heatlabsFault())
        .isFalse();
    assertThat(
            new FxWatchdog.Stall(400, 20, 0, FxWatchdog.Kind.BLOCKED, 60, 10, "Parent.layout")
                .heatlabsFault())
        .as("heatlab code on the stack for a sixth of the samples only")
        .isFalse();
  }

  @Test
  void heatlabCodeComputingOnTheFxThreadForASecondIsAFault() {
    assertThat(
            new FxWatchdog.Stall(1300, 1200, 0, FxWatchdog.Kind.BUSY, 240, 240, "X.render")
                .heatlabsFault())
        .isTrue();
  }
}
