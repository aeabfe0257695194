package io.heatlab.rollup;

import io.heatlab.olap.CellCount;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a successful Spark application: its output checked against the job's totals and the
 * plan, then each window published — ClickHouse replaced ({@link HeatmapWindows}), the lake pointer
 * moved — and the publish made final: the run waits until ClickHouse has deleted the parts it
 * replaced, so that a restart cannot bring them back. A window whose publish fails keeps its
 * previous data; the run's own files of it are removed.
 */
final class RunPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(RunPublisher.class);

  /**
   * How long a publish waits at most for ClickHouse to delete the parts it replaced (it takes tens
   * of ms).
   */
  static final Duration FINAL_WITHIN = Duration.ofSeconds(60);

  private final Aggregates aggregates;
  private final HeatmapWindows windows;

  RunPublisher(Aggregates aggregates, HeatmapWindows windows) {
    this.aggregates = aggregates;
    this.windows = windows;
  }

  /**
   * Reads back every window the job wrote; the totals must be the job's, and a daily/weekly window
   * must sum to exactly the events of the finer windows it was built from. Throws, naming the
   * mismatch, otherwise.
   */
  Map<Instant, List<CellCount>> checked(RollupRun run, SparkApp.Totals totals, RunPlan plan)
      throws IOException {
    if (totals == null) {
      throw new IOException("the job printed no totals");
    }
    Granularity g = run.granularity();
    Map<Instant, List<CellCount>> cells = new LinkedHashMap<>();
    long rows = 0;
    long events = 0;
    for (Instant w : run.windows()) {
      List<CellCount> c = aggregates.cells(g, run.id(), w);
      long sum = CellCount.total(c);
      RunPlan.Expected expected = plan.inputs().get(w);
      if (expected != null && sum != expected.events()) {
        throw new IOException(
            g.label(w) + " sums to " + sum + " events, its finer windows to " + expected.events());
      }
      cells.put(w, c);
      rows += c.size();
      events += sum;
    }
    if (rows != totals.rowsOut() || events != totals.events()) {
      throw new IOException(
          "the lake holds "
              + rows
              + " rows / "
              + events
              + " events, the job wrote "
              + totals.rowsOut()
              + " / "
              + totals.events());
    }
    return cells;
  }

  /**
   * Publishes each window of {@code cells}, recording its end in {@code ledger}; returns each
   * window's result.
   */
  Map<Instant, RollupRun.WindowResult> publish(
      RollupRun run, RunLedger ledger, RunPlan plan, Map<Instant, List<CellCount>> cells) {
    Granularity g = run.granularity();
    Map<Instant, RollupRun.WindowResult> results = new LinkedHashMap<>();
    List<HeatmapWindows.Replaced> replaced = new ArrayList<>();
    for (Map.Entry<Instant, List<CellCount>> e : cells.entrySet()) {
      Instant w = e.getKey();
      long events = CellCount.total(e.getValue());
      RunPlan.Expected expected = plan.inputs().get(w);
      long rowsIn = expected != null ? expected.rows() : events; // hourly: one raw row per event
      long rowsOut = e.getValue().size();
      try {
        refuseToEmpty(run, w, events);
        replaced.add(windows.replace(g, w, e.getValue()));
        aggregates.publish(
            g,
            w,
            new Aggregates.Pointer(
                run.id(),
                rowsIn,
                rowsOut,
                events,
                ledger.started().toEpochMilli(),
                System.currentTimeMillis()));
        ledger.window(w, RunState.FINISHED, rowsIn, rowsOut, "");
        results.put(
            w, new RollupRun.WindowResult(w, RunState.FINISHED, rowsIn, rowsOut, events, ""));
      } catch (Exception ex) {
        String error = "publishing " + g.label(w) + " failed: " + ex.getMessage();
        ledger.window(w, RunState.FAILED, 0, 0, error);
        results.put(w, new RollupRun.WindowResult(w, RunState.FAILED, 0, 0, 0, error));
        discard(run, w);
      }
    }
    awaitFinal(run, replaced);
    return results;
  }

  /**
   * A window that holds events is never emptied by a run that found none, unless the run says so.
   */
  private void refuseToEmpty(RollupRun run, Instant w, long events) throws IOException {
    Optional<Aggregates.Pointer> published = aggregates.current(run.granularity(), w);
    if (events == 0
        && !run.replaceWithEmpty()
        && published.isPresent()
        && published.get().events() > 0) {
      throw new IOException(
          "the run found no events, the window holds "
              + published.get().events()
              + " (run "
              + published.get().runId()
              + "): left as it was — are its inputs gone? To empty it anyway, rerun with"
              + " --replace-with-empty");
    }
  }

  /**
   * Waits until the parts the publish replaced are deleted from ClickHouse's disk, so that a
   * restart cannot bring them back (HeatmapWindows); a run is reported done only then — tens of
   * milliseconds, longer while a query still reads the old parts. Past {@link #FINAL_WITHIN} it
   * says so: the next start's self-check repairs a window that a restart doubled.
   */
  private void awaitFinal(RollupRun run, List<HeatmapWindows.Replaced> replaced) {
    try {
      List<HeatmapWindows.Replaced> left = windows.awaitGone(replaced, FINAL_WITHIN);
      if (!left.isEmpty()) {
        LOG.warn(
            "rollup run {}: ClickHouse still keeps {} replaced part(s) on disk after {} s ({}; a long query still"
                + " reading them?): a restart before it deletes them would count those windows twice until the next start's"
                + " self-check repairs them",
            run.id(),
            left.stream().mapToInt(r -> r.oldParts().size()).sum(),
            FINAL_WITHIN.toSeconds(),
            left.get(0).table() + " " + left.get(0).partition());
      }
    } catch (SQLException e) {
      LOG.warn(
          "rollup run {}: could not check that the replaced parts are gone: {}",
          run.id(),
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Removes what the run wrote for every window (a run that failed or was stopped publishes
   * nothing).
   */
  void discardAll(RollupRun run) {
    run.windows().forEach(w -> discard(run, w));
  }

  private void discard(RollupRun run, Instant w) {
    try {
      aggregates.discard(run.granularity(), run.id(), w);
    } catch (IOException e) {
      LOG.debug("rollup run {}: leftovers of {} stay: {}", run.id(), w, e.getMessage());
    }
  }
}
