package io.heatlab.olap;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes rollup windows to ClickHouse so that readers never see half a window and reruns never double
 * count: a window is built in the granularity's staging table, then swapped in with
 * {@code ALTER TABLE … REPLACE PARTITION … FROM …_staging} (atomic), then its staging copy is dropped.
 * Retention drops whole partitions.
 *
 * <p>Runs of the same window must not overlap (they share the staging partition): the rollup launcher
 * serialises them.
 */
public final class HeatmapWindows {
  private static final int BATCH = 10_000;
  private final ClickHouseJdbc jdbc;

  public HeatmapWindows(ClickHouseJdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Replaces window {@code windowStart} of {@code g} with exactly {@code cells}; returns the rows written. */
  public long replace(Granularity g, Instant windowStart, Iterable<CellCount> cells) throws SQLException {
    long partition = g.partition(windowStart);
    String start = Granularity.dateTime(windowStart);
    long rows = 0;
    try (Connection c = jdbc.connect(); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + g.staging() + " DROP PARTITION " + partition); // a failed run's leftovers
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + g.staging()
          + " (client_id, screen_id, event_type, window_start, cell_x, cell_y, count) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (CellCount cell : cells) {
          insert.setString(1, cell.clientId());
          insert.setString(2, cell.screenId());
          insert.setString(3, cell.eventType());
          insert.setString(4, start);
          insert.setInt(5, cell.cellX());
          insert.setInt(6, cell.cellY());
          insert.setLong(7, cell.count());
          insert.addBatch();
          if (++rows % BATCH == 0) {
            insert.executeBatch();
          }
        }
        if (rows % BATCH != 0) {
          insert.executeBatch();
        }
      }
      if (rows == 0) {
        st.execute("ALTER TABLE " + g.table() + " DROP PARTITION " + partition); // the window is empty now
      } else {
        st.execute("ALTER TABLE " + g.table() + " REPLACE PARTITION " + partition + " FROM " + g.staging());
        st.execute("ALTER TABLE " + g.staging() + " DROP PARTITION " + partition);
      }
    }
    return rows;
  }

  /** Sum of counts of one window (all clients). */
  public long total(Granularity g, Instant windowStart) throws SQLException {
    try (Connection c = jdbc.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT sum(count) FROM " + g.table() + " WHERE window_start = '"
             + Granularity.dateTime(windowStart) + "'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Drops every window of {@code g} that starts before {@code cutoff}; returns the partitions dropped. */
  public List<Long> dropBefore(Granularity g, Instant cutoff) throws SQLException {
    long limit = g.partition(g.windowOf(cutoff));
    List<Long> dropped = new ArrayList<>();
    try (Connection c = jdbc.connect(); Statement st = c.createStatement()) {
      List<Long> partitions = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT DISTINCT partition FROM system.parts WHERE active AND database = '"
          + jdbc.database() + "' AND table = '" + g.table() + "'")) {
        while (rs.next()) {
          partitions.add(Long.parseLong(rs.getString(1)));
        }
      }
      for (long p : partitions) {
        if (p < limit) {
          st.execute("ALTER TABLE " + g.table() + " DROP PARTITION " + p);
          dropped.add(p);
        }
      }
    }
    return dropped;
  }
}
