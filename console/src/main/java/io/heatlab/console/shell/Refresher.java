package io.heatlab.console.shell;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * Samples something every {@code period} off the FX thread and hands each result to the FX thread.
 * A sample that is still running when the next is due is not overlapped (slow servers slow the
 * sampling, never pile it up); a failed sample is reported to the {@link Failure} and the next one
 * retries.
 */
public final class Refresher<T> {
  private final ScheduledExecutorService timers;
  private final ExecutorService io;
  private final Duration period;
  private final Callable<T> sample;
  private final Consumer<T> apply;
  private final Failure failure;
  private final String what;
  private final AtomicBoolean running = new AtomicBoolean();
  private ScheduledFuture<?> schedule;

  public Refresher(
      ScheduledExecutorService timers,
      ExecutorService io,
      Duration period,
      String what,
      Callable<T> sample,
      Consumer<T> apply,
      Failure failure) {
    this.timers = timers;
    this.io = io;
    this.period = period;
    this.what = what;
    this.sample = sample;
    this.apply = apply;
    this.failure = failure;
  }

  public synchronized void start() {
    if (schedule == null) {
      schedule =
          timers.scheduleWithFixedDelay(this::now, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public synchronized void stop() {
    if (schedule != null) {
      schedule.cancel(false);
      schedule = null;
    }
  }

  /** One sample now (unless one is running). */
  public void now() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      io.execute(
          () -> {
            try {
              T value = sample.call();
              failure.clear();
              Platform.runLater(() -> apply.accept(value));
            } catch (Exception | LinkageError e) {
              failure.report(what, e);
            } finally {
              running.set(false);
            }
          });
    } catch (RejectedExecutionException closing) {
      running.set(false);
    }
  }
}
