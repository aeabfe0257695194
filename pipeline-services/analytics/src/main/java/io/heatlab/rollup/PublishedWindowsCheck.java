package io.heatlab.rollup;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.olap.CellCount;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.olap.Retention;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up self-check of what ClickHouse serves: every published window (within retention) must
 * hold exactly what its run published — the rows and events of its lake pointer ({@link
 * Aggregates.Pointer}). A window that disagrees is republished from the lake's aggregate of that
 * run, and the repair is reported.
 *
 * <p>What it catches: a ClickHouse that restarted or crashed in the seconds between a publish and
 * the deletion of the parts it replaced (they come back as active: the window counts twice,
 * HeatmapWindows), a publish cut between its REPLACE and the pointer's move (ClickHouse holds a run
 * the lake never published), a dropped partition that came back. Rows are compared for every window
 * from {@code system.parts} (no data read), events (Σ count) for the windows published in the last
 * {@code exactLookback}, where a crash can have struck.
 *
 * <p>It holds the {@link PublishLock}, so it never judges a window in the middle of its publish.
 */
public final class PublishedWindowsCheck {
  private static final Logger LOG = LoggerFactory.getLogger(PublishedWindowsCheck.class);

  /**
   * Windows published this recently also have their events summed (a crash inside a publish is
   * recent).
   */
  public static final Duration EXACT_LOOKBACK = Duration.ofDays(2);

  /**
   * One window that disagreed with its run: what ClickHouse held, what the run published, and what
   * was done.
   */
  public record Repair(
      Granularity granularity,
      Instant window,
      long rowsFound,
      long eventsFound,
      Aggregates.Pointer published,
      boolean repaired,
      String outcome) {
    @Override
    public String toString() {
      return String.format(
          "%s %s held %,d rows%s, its run %s published %,d rows / %,d events: %s",
          granularity.table(),
          granularity.label(window),
          rowsFound,
          eventsFound < 0 ? "" : String.format(" / %,d events", eventsFound),
          published.runId(),
          published.rowsOut(),
          published.events(),
          outcome);
    }
  }

  /** What a check found: how many windows it compared, the windows it repaired or could not. */
  public record Report(int checked, List<Repair> repairs, Duration took) {
    public boolean allRepaired() {
      return repairs.stream().allMatch(Repair::repaired);
    }

    /** One line for a log or a terminal. */
    public String summary() {
      long fixed = repairs.stream().filter(Repair::repaired).count();
      return String.format(
          "%,d published window(s) checked in %.1f s: %s",
          checked,
          took.toMillis() / 1000.0,
          repairs.isEmpty()
              ? "all as published"
              : fixed
                  + " repaired"
                  + (fixed < repairs.size()
                      ? ", " + (repairs.size() - fixed) + " NOT repaired"
                      : ""));
    }
  }

  private final Aggregates aggregates;
  private final HeatmapWindows windows;
  private final Retention retention;
  private final Path lockFile;
  private final Clock clock;

  public PublishedWindowsCheck(
      Aggregates aggregates,
      HeatmapWindows windows,
      Retention retention,
      Path lockFile,
      Clock clock) {
    this.aggregates = aggregates;
    this.windows = windows;
    this.retention = retention;
    this.lockFile = lockFile;
    this.clock = clock;
  }

  /** The check of the stack of {@code config}. */
  public static PublishedWindowsCheck of(HeatlabConfig config, StackEndpoints endpoints) {
    return new PublishedWindowsCheck(
        new Aggregates(
            endpoints.objectStore(config),
            config.getString(HeatlabConfig.ROLLUP_AGGREGATES_PREFIX)),
        new HeatmapWindows(new ClickHouseJdbc(config, endpoints)),
        Retention.of(config),
        SparkSettings.lockFile(config),
        Clock.systemUTC());
  }

  /** Compares every published window with its run and repairs those that disagree. */
  public Report run() throws IOException, SQLException, InterruptedException {
    long t0 = System.nanoTime();
    Instant now = clock.instant();
    int checked = 0;
    List<Repair> repairs = new ArrayList<>();
    try (PublishLock lock = PublishLock.acquire(lockFile)) {
      for (Granularity g : Granularity.values()) {
        Instant cutoff = retention.cutoff(g, now);
        SortedMap<Instant, Aggregates.Pointer> published = aggregates.published(g).tailMap(cutoff);
        Map<Instant, Long> rows = windows.rowsPerWindow(g);
        List<Instant> recent =
            published.entrySet().stream()
                .filter(
                    e ->
                        Instant.ofEpochMilli(e.getValue().publishedAt())
                            .isAfter(now.minus(EXACT_LOOKBACK)))
                .map(Map.Entry::getKey)
                .toList();
        Map<Instant, Long> events = windows.eventsPerWindow(g, recent);
        for (Map.Entry<Instant, Aggregates.Pointer> e : published.entrySet()) {
          Instant w = e.getKey();
          Aggregates.Pointer p = e.getValue();
          long rowsFound = rows.getOrDefault(w, 0L);
          long eventsFound = recent.contains(w) ? events.getOrDefault(w, 0L) : -1;
          checked++;
          if (rowsFound != p.rowsOut() || (eventsFound >= 0 && eventsFound != p.events())) {
            repairs.add(repair(g, w, rowsFound, eventsFound, p));
          }
        }
        for (Instant w : rows.keySet()) {
          if (!w.isBefore(cutoff) && !published.containsKey(w)) {
            LOG.warn(
                "self-check: {} {} holds {} rows that no rollup run published (left as is; {} rollup {} rebuilds it)",
                g.table(),
                g.label(w),
                rows.get(w),
                HeatlabCommand.name(),
                g.name().toLowerCase());
          }
        }
      }
    }
    Report report = new Report(checked, repairs, Duration.ofNanos(System.nanoTime() - t0));
    repairs.forEach(r -> LOG.warn("self-check: {}", r));
    LOG.info("self-check: {}", report.summary());
    return report;
  }

  /** Republishes the window from the aggregate its pointer names, if that aggregate is whole. */
  private Repair repair(
      Granularity g, Instant w, long rowsFound, long eventsFound, Aggregates.Pointer p)
      throws SQLException, InterruptedException {
    List<CellCount> cells;
    try {
      cells = aggregates.cells(g, p.runId(), w);
    } catch (IOException e) {
      return new Repair(
          g,
          w,
          rowsFound,
          eventsFound,
          p,
          false,
          "NOT repaired, its aggregate is unreadable (" + e.getMessage() + "): rerun the window");
    }
    long sum = CellCount.total(cells);
    if (cells.size() != p.rowsOut() || sum != p.events()) {
      return new Repair(
          g,
          w,
          rowsFound,
          eventsFound,
          p,
          false,
          String.format(
              "NOT repaired, the lake holds %,d rows / %,d events"
                  + " of that run: rerun the window",
              cells.size(), sum));
    }
    HeatmapWindows.Replaced replaced = windows.replace(g, w, cells);
    boolean fin = windows.awaitGone(List.of(replaced), RunPublisher.FINAL_WITHIN).isEmpty();
    return new Repair(
        g,
        w,
        rowsFound,
        eventsFound,
        p,
        true,
        "republished from the lake" + (fin ? "" : " (old parts still on disk)"));
  }
}
