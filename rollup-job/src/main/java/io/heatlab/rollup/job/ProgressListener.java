package io.heatlab.rollup.job;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints {@code HEATLAB_PROGRESS done/total} (tasks), at most every 250 ms and on each new stage;
 * heatlab's launcher turns it into a progress fraction. The total grows as stages are submitted (a
 * job's later stages are known only then), so the fraction may step back a little. Runs on Spark's
 * listener bus: cheap.
 *
 * <p>A one-run application prints to stdout for its whole life; the warm driver ({@link
 * RollupServer}) points it at the run in progress with {@link #follow} and silences it between runs
 * (its warm-up included).
 */
public final class ProgressListener extends SparkListener {
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private volatile long lastPrint;
  private volatile Consumer<String> out;

  /** Progress to stdout. */
  public ProgressListener() {
    this(
        line -> {
          System.out.println(line);
          System.out.flush();
        });
  }

  ProgressListener(Consumer<String> out) {
    this.out = out;
  }

  /** From now on, progress from zero goes to {@code sink}; null: nowhere. */
  void follow(Consumer<String> sink) {
    total.set(0);
    done.set(0);
    out = sink;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    total.addAndGet(e.stageInfo().numTasks());
    print(true);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    done.incrementAndGet();
    print(false);
  }

  private void print(boolean force) {
    Consumer<String> sink = out;
    long now = System.currentTimeMillis();
    if (sink != null && (force || now - lastPrint >= 250)) {
      lastPrint = now;
      sink.accept("HEATLAB_PROGRESS " + done.get() + "/" + total.get());
    }
  }
}
