package io.heatlab.rollup;

/**
 * A rollup run's states, as recorded in {@code rollup_runs}: SUBMITTED → RUNNING → PUBLISHING →
 * FINISHED, or FAILED / KILLED.
 */
public enum RunState {
  SUBMITTED,
  RUNNING,
  PUBLISHING,
  FINISHED,
  FAILED,
  KILLED;

  public boolean isFinal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }
}
