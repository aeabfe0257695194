package io.heatlab.rollup;

import java.time.Duration;

/**
 * A rollup in Spark, however it runs: a one-run application launched for it ({@link SparkApp}) or a
 * run of the warm driver ({@link WarmDriver}). Its reports reach the {@link SparkApp.Events} it was
 * started with.
 */
interface RollupApp {
  /** Stops the run: nothing it wrote is published. Returns once it is stopped or being killed. */
  void stop();

  /** Waits for the end (stopping the run after {@code timeout}) and returns the verdict. */
  SparkApp.Verdict await(Duration timeout) throws InterruptedException;
}
