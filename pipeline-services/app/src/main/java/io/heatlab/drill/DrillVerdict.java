package io.heatlab.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a fault drill found ({@code ./heatlab drill}): the events the drill's traffic had
 * acknowledged, what landed for them, what the rollups counted, and how long the killed node took
 * to come back and the pipeline to catch up. It passes when nothing acknowledged was lost or
 * counted twice: acknowledged ≤ landed ≤ acknowledged + sent without an answer (distinct, new since
 * the drill began; equal to acknowledged when every batch was answered) and, over the drill's
 * hours, landed = Σ heatmap_hourly and, over its days, Σ heatmap_daily = Σ heatmap_hourly. Copies
 * of a batch landed twice (a kill between Kafka's commit and the answer) are allowed — each whole —
 * since the rollups count each batch once.
 *
 * @param acknowledged events the drill's traffic got a 202 for
 * @param unacknowledged events sent without a 202 in the end (the sender gave up): each may or may
 *     not have landed — a kill can hide a commit — so they may add to what landed, never more
 * @param landedNew distinct events landed since the drill began (its client, its hours)
 * @param landedTotal distinct events landed for the client over the drill's hours
 * @param partialBatches batches some copy of which landed only in part (must be none)
 * @param batchesLandedTwice batches landed more than once, each copy whole
 * @param hourlySum Σ heatmap_hourly for the client over the drill's hours
 * @param dailySum Σ heatmap_daily for the client over the drill's days
 * @param hourlySumOfDays Σ heatmap_hourly for the client over the same days
 * @param recovery from the kill to the node healthy again (null: never came back)
 * @param caughtUp from the end of the traffic to landing's lag at zero (null: never)
 */
public record DrillVerdict(
    String node,
    long acknowledged,
    long unacknowledged,
    long landedNew,
    long landedTotal,
    int partialBatches,
    long batchesLandedTwice,
    long hourlySum,
    long dailySum,
    long hourlySumOfDays,
    Duration recovery,
    Duration caughtUp) {

  /** What went wrong, one line each; empty when the drill passed. */
  public List<String> failures() {
    List<String> failures = new ArrayList<>();
    if (recovery == null) {
      failures.add(node + " did not come back healthy");
    }
    if (caughtUp == null) {
      failures.add("landing did not catch up");
    }
    if (landedNew < acknowledged) {
      failures.add(
          String.format(
              Locale.ROOT,
              "lost: %,d acknowledged event(s) never landed",
              acknowledged - landedNew));
    }
    if (landedNew > acknowledged + unacknowledged) {
      failures.add(
          String.format(
              Locale.ROOT,
              "%,d event(s) landed that the drill never sent (another sender under the drill's client?)",
              landedNew - acknowledged - unacknowledged));
    }
    if (partialBatches > 0) {
      failures.add(partialBatches + " batch(es) landed in part");
    }
    if (hourlySum != landedTotal) {
      failures.add(
          String.format(Locale.ROOT, "Σ heatmap_hourly %,d ≠ landed %,d", hourlySum, landedTotal));
    }
    if (dailySum != hourlySumOfDays) {
      failures.add(
          String.format(
              Locale.ROOT,
              "Σ heatmap_daily %,d ≠ Σ heatmap_hourly of the same days %,d",
              dailySum,
              hourlySumOfDays));
    }
    return failures;
  }

  public boolean passed() {
    return failures().isEmpty();
  }

  /** The verdict's lines, as the drill prints them. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "acknowledged %,d = landed %,d (new; %,d batch(es) landed twice, each whole; %,d sent"
                + " without an answer) ; landed"
                + " %,d = Σ hourly %,d over the drill's hours ; Σ daily %,d = Σ hourly %,d over its days",
            acknowledged,
            landedNew,
            batchesLandedTwice,
            unacknowledged,
            landedTotal,
            hourlySum,
            dailySum,
            hourlySumOfDays));
    lines.add(
        String.format(
            Locale.ROOT,
            "%s back healthy after %s; landing caught up %s after the traffic ended",
            node,
            seconds(recovery),
            seconds(caughtUp)));
    List<String> failures = failures();
    lines.add(
        failures.isEmpty() ? "verdict: PASS" : "verdict: FAIL — " + String.join("; ", failures));
    return lines;
  }

  private static String seconds(Duration d) {
    return d == null ? "never" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
