package io.heatlab.rollup;

import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.ClickHouseReader;
import io.heatlab.olap.Granularity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code rollup_runs} table: one row per window per state change of a run ({@code
 * ReplacingMergeTree} on {@code updated_at}); readers take the latest row of each (run, window)
 * with {@code argMax}.
 */
public final class RollupRuns {
  private static final DateTimeFormatter CH = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final AtomicLong LAST_VERSION = new AtomicLong();
  private final ClickHouseJdbc jdbc;

  /**
   * The latest state of one window of one run. {@code finishedAt} is null while it runs; {@code
   * sparkMaster} is "" for runs recorded before migration V0003.
   */
  public record Run(
      String runId,
      Granularity granularity,
      Instant window,
      RunState state,
      long rowsIn,
      long rowsOut,
      Instant startedAt,
      Instant finishedAt,
      String sparkAppId,
      String error,
      String sparkMaster) {
    public Run with(RunState newState, long in, long out, String appId, String err) {
      return new Run(
          runId,
          granularity,
          window,
          newState,
          in,
          out,
          startedAt,
          newState.isFinal() ? Instant.now() : null,
          appId == null ? "" : appId,
          err == null ? "" : err,
          sparkMaster);
    }
  }

  public RollupRuns(ClickHouseJdbc jdbc) {
    this.jdbc = jdbc;
  }

  public void record(List<Run> runs) throws SQLException {
    try (Connection c = jdbc.connect();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO rollup_runs (run_id, job,"
                    + " window_start, state, rows_in, rows_out, started_at, finished_at, spark_app_id, error, updated_at,"
                    + " spark_master) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (Run r : runs) {
        insert.setString(1, r.runId());
        insert.setString(2, r.granularity().name().toLowerCase());
        insert.setString(3, Granularity.dateTime(r.window()));
        insert.setString(4, r.state().name());
        insert.setLong(5, r.rowsIn());
        insert.setLong(6, r.rowsOut());
        insert.setString(7, Granularity.dateTime(r.startedAt()));
        insert.setString(
            8, Granularity.dateTime(r.finishedAt() == null ? Instant.EPOCH : r.finishedAt()));
        insert.setString(9, r.sparkAppId());
        insert.setString(10, r.error());
        insert.setLong(11, version());
        insert.setString(12, r.sparkMaster());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * Strictly increasing across this JVM, microseconds since the epoch (later rows of a run replace
   * earlier ones).
   */
  private static long version() {
    long now = System.currentTimeMillis() * 1000;
    return LAST_VERSION.updateAndGet(last -> Math.max(now, last + 1));
  }

  /**
   * A mark that changes whenever a row is recorded (any run's state change, by any process): the
   * number of rows and the latest version. One cheap query.
   */
  public static String changeMark(ClickHouseReader reader) throws SQLException {
    StringBuilder mark = new StringBuilder();
    reader.query(
        "SELECT count(), max(updated_at) FROM rollup_runs",
        f -> mark.append(f[0]).append('/').append(f[1]));
    return mark.toString();
  }

  /** The latest runs, newest first: one entry per (run, window). */
  public List<Run> history(int limit) throws SQLException {
    return query("", limit);
  }

  /** The runs of one granularity's window range [from, to), newest first. */
  public List<Run> history(Granularity g, Instant from, Instant to, int limit) throws SQLException {
    return query(
        "WHERE job = '"
            + g.name().toLowerCase()
            + "' AND window_start >= '"
            + Granularity.dateTime(from)
            + "' AND window_start < '"
            + Granularity.dateTime(to)
            + "'",
        limit);
  }

  private List<Run> query(String where, int limit) throws SQLException {
    String sql =
        "SELECT run_id, job, window_start, argMax(state, updated_at) AS s, argMax(rows_in, updated_at) AS ri,"
            + " argMax(rows_out, updated_at) AS ro, min(started_at) AS sa, argMax(finished_at, updated_at) AS fa,"
            + " argMax(spark_app_id, updated_at) AS app, argMax(error, updated_at) AS err,"
            + " argMax(spark_master, updated_at) AS master FROM rollup_runs "
            + where
            + " GROUP BY run_id, job, window_start ORDER BY sa DESC, run_id DESC, window_start LIMIT "
            + Math.max(1, limit);
    List<Run> runs = new ArrayList<>();
    try (Connection c = jdbc.connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        Instant finished = instant(rs.getString(8));
        runs.add(
            new Run(
                rs.getString(1),
                Granularity.valueOf(rs.getString(2).toUpperCase()),
                instant(rs.getString(3)),
                RunState.valueOf(rs.getString(4)),
                rs.getLong(5),
                rs.getLong(6),
                instant(rs.getString(7)),
                finished.equals(Instant.EPOCH) ? null : finished,
                rs.getString(9),
                rs.getString(10),
                rs.getString(11)));
      }
    }
    return runs;
  }

  /**
   * Runs whose latest row is not a final state (SUBMITTED, RUNNING, PUBLISHING), one entry per
   * (run, window).
   */
  public List<Run> unfinished() throws SQLException {
    List<Run> open = new ArrayList<>();
    for (Run r : query("", 100_000)) {
      if (!r.state().isFinal()) {
        open.add(r);
      }
    }
    return open;
  }

  /**
   * Records FAILED ("orphaned") every window of a run other than {@code current} still recorded as
   * SUBMITTED/RUNNING/PUBLISHING — called holding the publish lock, when no other run can be in
   * progress; returns how many.
   */
  public int failOrphans(String current) throws SQLException {
    List<Run> orphans =
        unfinished().stream()
            .filter(r -> !r.runId().equals(current))
            .map(
                r ->
                    r.with(
                        RunState.FAILED,
                        r.rowsIn(),
                        r.rowsOut(),
                        r.sparkAppId(),
                        "orphaned: its process stopped, or could not record the end, before the run finished"))
            .toList();
    if (!orphans.isEmpty()) {
      record(orphans);
    }
    return orphans.size();
  }

  /**
   * Per window of {@code g}: when its latest FINISHED run started (raw data written after that is
   * not in it).
   */
  public Map<Instant, Instant> lastFinished(Granularity g) throws SQLException {
    String sql = finished(g, "max(sa)");
    Map<Instant, Instant> last = new HashMap<>();
    try (Connection c = jdbc.connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        last.put(instant(rs.getString(1)), instant(rs.getString(2)));
      }
    }
    return last;
  }

  /**
   * An hour that counts more events than its last successful run read rows: some events are counted
   * twice.
   */
  public record OverCount(Instant hour, long counted, long rowsRead) {}

  /**
   * The rolled-up hours since {@code since} whose Σ {@code heatmap_hourly} exceeds the rows their
   * latest FINISHED hourly run read (a run counts each batch once, so never more than it read) —
   * the console's consistency check, and the fault tests'.
   */
  public List<OverCount> overCounted(Instant since) throws SQLException {
    String from = Granularity.dateTime(Granularity.HOURLY.windowOf(since));
    String sql =
        "SELECT toString(window_start), c, r FROM"
            + " (SELECT window_start, sum(count) AS c FROM "
            + Granularity.HOURLY.table()
            + " WHERE window_start >= toDateTime('"
            + from
            + "')"
            + " GROUP BY window_start)"
            + " ANY INNER JOIN (SELECT window_start, argMax(rows_in, updated_at) AS r FROM rollup_runs WHERE job = 'hourly'"
            + " AND state = 'FINISHED' AND window_start >= toDateTime('"
            + from
            + "') GROUP BY window_start) USING window_start"
            + " WHERE c > r ORDER BY window_start";
    List<OverCount> over = new ArrayList<>();
    try (Connection c = jdbc.connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        over.add(new OverCount(instant(rs.getString(1)), rs.getLong(2), rs.getLong(3)));
      }
    }
    return over;
  }

  /**
   * Per window of {@code g}: what identifies its published content — the {@code updated_at}
   * (microseconds) of its latest FINISHED state row. Unlike a start time (whole seconds), two runs
   * of one window never share it, so a cache keyed by it never keeps a replaced publish.
   */
  public Map<Instant, Long> publishVersions(Granularity g) throws SQLException {
    Map<Instant, Long> versions = new HashMap<>();
    try (Connection c = jdbc.connect();
        ResultSet rs = c.createStatement().executeQuery(finished(g, "max(fu)"))) {
      while (rs.next()) {
        versions.put(instant(rs.getString(1)), rs.getLong(2));
      }
    }
    return versions;
  }

  /**
   * {@code window_start, <pick>} over the FINISHED runs of {@code g} (sa: start, fu: last write).
   */
  private static String finished(Granularity g, String pick) {
    return "SELECT window_start, "
        + pick
        + " FROM (SELECT run_id, window_start, argMax(state, updated_at) AS s,"
        + " min(started_at) AS sa, max(updated_at) AS fu FROM rollup_runs WHERE job = '"
        + g.name().toLowerCase()
        + "' GROUP BY run_id, window_start) WHERE s = 'FINISHED' GROUP BY window_start";
  }

  private static Instant instant(String clickhouseDateTime) {
    if (clickhouseDateTime.startsWith("0000-")) { // 18.16 prints DateTime 0 (the epoch) as zeros
      return Instant.EPOCH;
    }
    return LocalDateTime.parse(clickhouseDateTime.substring(0, 19), CH).toInstant(ZoneOffset.UTC);
  }
}
