package io.heatlab.rollup.job;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints {@code HEATLAB_PROGRESS done/total} (tasks) to stdout, at most every 250 ms and on each
 * new stage; heatlab's launcher turns it into a progress fraction. The total grows as stages are
 * submitted (a job's later stages are known only then), so the fraction may step back a little.
 * Runs on Spark's listener bus: cheap.
 */
public final class ProgressListener extends SparkListener {
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private volatile long lastPrint;

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
    long now = System.currentTimeMillis();
    if (force || now - lastPrint >= 250) {
      lastPrint = now;
      System.out.println("HEATLAB_PROGRESS " + done.get() + "/" + total.get());
      System.out.flush();
    }
  }
}
