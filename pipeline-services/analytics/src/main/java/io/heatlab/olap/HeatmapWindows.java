package io.heatlab.olap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes rollup windows to ClickHouse so that readers never see half a window and reruns never
 * double count, not even after a restart:
 *
 * <ol>
 *   <li>the window is built in the granularity's staging table;
 *   <li>{@code ALTER TABLE … REPLACE PARTITION … FROM …_staging} swaps it in (atomic for readers);
 *   <li>{@link #awaitGone} waits until the parts it replaced are deleted from disk.
 * </ol>
 *
 * Step 3 is what makes a publish final. On a plain MergeTree, REPLACE (and DROP) PARTITION only
 * mark the old parts outdated in memory; they stay on disk until a cleanup deletes them, and a
 * server that restarts — stopped or killed — before then loads them as active again beside the new
 * ones (ClickHouse issues #107605, #15742; a DROP on current releases leaves empty covering parts
 * and is safe, a REPLACE is not): the window counts twice. Parts replaced or dropped this way are
 * deleted at the next cleanup whatever {@code old_parts_lifetime} says (their remove time is 0) —
 * the background one comes within ~10 s on 18.16 — and every DROP PARTITION ends by running that
 * cleanup at once, on 18.16 as on current releases. So a publish ends with a DROP of an empty
 * partition ({@link #cleanupNow}), and {@link #awaitGone} checks that the old parts went: tens of
 * milliseconds, longer only while a query still reads them. A crash inside that moment is repaired
 * by the self-check at start ({@code io.heatlab.rollup.PublishedWindowsCheck}). docs/rollups.md,
 * "Exact after a restart", has the measurements.
 *
 * <p>Retention drops whole partitions, with the same wait. Runs of the same window must not overlap
 * (they share the staging partition): the rollup launcher serialises them.
 */
public final class HeatmapWindows {
  private static final int BATCH = 10_000;
  private final ClickHouseJdbc jdbc;

  public HeatmapWindows(ClickHouseJdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * What a publish or a drop did to one partition of a table: the rows it wrote, and the parts it
   * took out, which must be gone from disk before the change is final ({@link #awaitGone}).
   */
  public record Replaced(String table, long partition, Set<String> oldParts, long rows) {}

  /**
   * Replaces window {@code windowStart} of {@code g} with exactly {@code cells} (none: the window
   * becomes empty). Readers see the old window or the new one; the old parts still have to {@link
   * #awaitGone go}.
   */
  public Replaced replace(Granularity g, Instant windowStart, Iterable<CellCount> cells)
      throws SQLException {
    long partition = g.partition(windowStart);
    String start = Granularity.dateTime(windowStart);
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement()) {
      st.execute(
          "ALTER TABLE "
              + g.staging()
              + " DROP PARTITION "
              + partition); // a failed run's leftovers
      long rows = 0;
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO "
                  + g.staging()
                  + " (client_id, screen_id, event_type, viewport_class, window_start, cell_x, cell_y, count)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (CellCount cell : cells) {
          insert.setString(1, cell.clientId());
          insert.setString(2, cell.screenId());
          insert.setString(3, cell.eventType());
          insert.setString(4, cell.viewportClass());
          insert.setString(5, start);
          insert.setInt(6, cell.cellX());
          insert.setInt(7, cell.cellY());
          insert.setLong(8, cell.count());
          insert.addBatch();
          if (++rows % BATCH == 0) {
            insert.executeBatch();
          }
        }
        if (rows % BATCH != 0) {
          insert.executeBatch();
        }
      }
      Set<String> old = activeParts(c, g.table(), partition);
      if (rows == 0) {
        st.execute(
            "ALTER TABLE " + g.table() + " DROP PARTITION " + partition); // the window is empty now
      } else {
        st.execute(
            "ALTER TABLE "
                + g.table()
                + " REPLACE PARTITION "
                + partition
                + " FROM "
                + g.staging());
        st.execute("ALTER TABLE " + g.staging() + " DROP PARTITION " + partition);
      }
      cleanupNow(st, g.table());
      return new Replaced(g.table(), partition, old, rows);
    }
  }

  /**
   * Waits until every part of {@code replaced} is deleted from disk (gone from {@code
   * system.parts}, active or not), at most {@code timeout}; returns what is still there (empty:
   * every change is final).
   */
  public List<Replaced> awaitGone(List<Replaced> replaced, Duration timeout)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Replaced> pending = replaced.stream().filter(r -> !r.oldParts().isEmpty()).toList();
    try (Connection c = jdbc.connect()) {
      while (!pending.isEmpty()) {
        List<Replaced> still = new ArrayList<>();
        for (Replaced r : pending) {
          Set<String> left = partsNamed(c, r.table(), r.partition(), r.oldParts());
          if (!left.isEmpty()) {
            still.add(new Replaced(r.table(), r.partition(), left, r.rows()));
          }
        }
        pending = still;
        if (pending.isEmpty() || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(50);
      }
    }
    return pending;
  }

  /** Sum of counts of one window (all clients). */
  public long total(Granularity g, Instant windowStart) throws SQLException {
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT sum(count) FROM "
                    + g.table()
                    + " WHERE window_start = '"
                    + Granularity.dateTime(windowStart)
                    + "'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * Rows per window of {@code g} as the active parts count them (no data read: {@code
   * system.parts}).
   */
  public Map<Instant, Long> rowsPerWindow(Granularity g) throws SQLException {
    Map<Instant, Long> rows = new TreeMap<>();
    try (Connection c = jdbc.connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT partition, sum(rows) FROM system.parts"
                    + " WHERE active AND database = ? AND table = ? GROUP BY partition")) {
      st.setString(1, jdbc.database());
      st.setString(2, g.table());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.put(g.windowOfPartition(Long.parseLong(rs.getString(1))), rs.getLong(2));
        }
      }
    }
    return rows;
  }

  /**
   * Σ count of each of {@code windowStarts} of {@code g} that holds rows (this reads the count
   * column).
   */
  public Map<Instant, Long> eventsPerWindow(Granularity g, Collection<Instant> windowStarts)
      throws SQLException {
    Map<Instant, Long> events = new TreeMap<>();
    if (windowStarts.isEmpty()) {
      return events;
    }
    try (Connection c = jdbc.connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT toUnixTimestamp(window_start), sum(count)"
                    + " FROM "
                    + g.table()
                    + " WHERE window_start IN ("
                    + String.join(", ", Collections.nCopies(windowStarts.size(), "?"))
                    + ") GROUP BY window_start")) {
      int i = 0;
      for (Instant w : windowStarts) {
        st.setString(++i, Granularity.dateTime(w));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          events.put(Instant.ofEpochSecond(rs.getLong(1)), rs.getLong(2));
        }
      }
    }
    return events;
  }

  /**
   * Drops every window of {@code g} that starts before {@code cutoff}; returns what was dropped (to
   * await).
   */
  public List<Replaced> dropBefore(Granularity g, Instant cutoff) throws SQLException {
    long limit = g.partition(g.windowOf(cutoff));
    List<Replaced> dropped = new ArrayList<>();
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement()) {
      List<Long> partitions = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT DISTINCT partition FROM system.parts WHERE active AND database = '"
                  + jdbc.database()
                  + "' AND table = '"
                  + g.table()
                  + "'")) {
        while (rs.next()) {
          partitions.add(Long.parseLong(rs.getString(1)));
        }
      }
      for (long p : partitions) {
        if (p < limit) {
          Set<String> old = activeParts(c, g.table(), p);
          st.execute("ALTER TABLE " + g.table() + " DROP PARTITION " + p);
          dropped.add(new Replaced(g.table(), p, old, 0));
        }
      }
      if (!dropped.isEmpty()) {
        cleanupNow(st, g.table());
      }
    }
    return dropped;
  }

  /**
   * Has the server delete the table's outdated parts now rather than at its next background
   * cleanup: a DROP PARTITION — here of partition 0, which no window has, so nothing else happens —
   * ends by clearing the table's outdated parts from disk. {@link #awaitGone} still checks that
   * they went.
   */
  private static void cleanupNow(Statement st, String table) throws SQLException {
    st.execute("ALTER TABLE " + table + " DROP PARTITION 0");
  }

  private Set<String> activeParts(Connection c, String table, long partition) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT name FROM system.parts WHERE active AND database = ? AND table = ?"
                + " AND partition = ?")) {
      return names(st, table, partition);
    }
  }

  /**
   * Which of {@code names} are still in {@code system.parts} (active or outdated: still on disk).
   */
  private Set<String> partsNamed(Connection c, String table, long partition, Set<String> names)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT name FROM system.parts WHERE database = ? AND table = ?"
                + " AND partition = ?")) {
      Set<String> present = names(st, table, partition);
      present.retainAll(names);
      return present;
    }
  }

  private Set<String> names(PreparedStatement st, String table, long partition)
      throws SQLException {
    st.setString(1, jdbc.database());
    st.setString(2, table);
    st.setString(3, String.valueOf(partition));
    Set<String> names = new TreeSet<>();
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
