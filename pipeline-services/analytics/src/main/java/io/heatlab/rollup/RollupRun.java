package io.heatlab.rollup;

import io.heatlab.olap.Granularity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One rollup run as its caller sees it (CLI, console, scheduler): one Spark application over one or
 * more windows of one granularity. Observable through {@link Listener}; {@link #cancel()} really
 * stops the application; {@link #await()} gives the {@link Result}.
 */
public final class RollupRun {

  /** Reports from a run; called from background threads. */
  public interface Listener {
    default void state(RollupRun run, RunState state) {}

    default void progress(RollupRun run, double fraction) {}

    default void line(RollupRun run, String line) {}
  }

  /** One window's outcome: its state, rows read and written, events counted, error. */
  public record WindowResult(
      Instant window, RunState state, long rowsIn, long rowsOut, long events, String error) {}

  /** How a run ended. */
  public record Result(
      String runId,
      Granularity granularity,
      RunState state,
      String sparkAppId,
      Duration duration,
      Map<Instant, WindowResult> windows,
      String error) {
    public boolean succeeded() {
      return state == RunState.FINISHED;
    }
  }

  private final String id;
  private final Granularity granularity;
  private final List<Instant> windows;
  private final Instant createdAt = Instant.now();
  final CompletableFuture<Result> result = new CompletableFuture<>();
  private volatile RunState state = RunState.SUBMITTED;
  private volatile double progress;
  private volatile String sparkAppId = "";
  private volatile String sparkUi = "";
  private volatile RollupApp app;
  private volatile boolean cancelled;
  private final boolean replaceWithEmpty;

  RollupRun(String id, Granularity granularity, List<Instant> windows, boolean replaceWithEmpty) {
    this.id = id;
    this.granularity = granularity;
    this.windows = List.copyOf(windows);
    this.replaceWithEmpty = replaceWithEmpty;
  }

  /** Whether a window that held events may be emptied by this run (see {@link Rollups#start}). */
  public boolean replaceWithEmpty() {
    return replaceWithEmpty;
  }

  public String id() {
    return id;
  }

  public Granularity granularity() {
    return granularity;
  }

  public List<Instant> windows() {
    return windows;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public RunState state() {
    return state;
  }

  /** 0..1: Spark tasks done of those known so far (at most 0.99 until the run is published). */
  public double progress() {
    return progress;
  }

  public String sparkAppId() {
    return sparkAppId;
  }

  /**
   * Stops the run: its Spark application is stopped (then killed); nothing is published; recorded
   * KILLED.
   */
  public void cancel() {
    cancelled = true;
    RollupApp a = app;
    if (a != null) {
      a.stop();
    }
  }

  public boolean cancelled() {
    return cancelled;
  }

  public Result await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "rollup run " + id + " crashed: " + e.getCause(), e.getCause());
    }
  }

  void attach(RollupApp a) {
    this.app = a;
    if (cancelled) {
      a.stop();
    }
  }

  void state(RunState s) {
    this.state = s;
  }

  void progress(double p) {
    this.progress = p;
  }

  /**
   * Spark's web UI where the run executes (the warm driver's; its jobs are in job group {@link
   * #id}); empty for a run in an application of its own (launched with the UI off).
   */
  public String sparkUi() {
    return sparkUi;
  }

  void sparkUi(String url) {
    this.sparkUi = url == null ? "" : url;
  }

  void sparkAppId(String appId) {
    if (appId != null) {
      this.sparkAppId = appId;
    }
  }
}
