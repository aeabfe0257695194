package io.heatlab.screens;

import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which screens have traffic, from the rollups: per (client, screen) the events of the last seven
 * days ({@code heatmap_hourly}, exact for any rolled-up hour) and when it was last seen (the end of
 * its newest hourly or daily window). Screens that only landed but were never rolled up are not
 * listed until their first hourly rollup.
 */
public final class ScreenTraffic {
  /** How far back {@link Row#events()} counts. */
  public static final Duration RECENT = Duration.ofDays(7);

  /** A screen with traffic: its events over {@link #RECENT} and the end of its newest window. */
  public record Row(String client, String screen, long events, Instant lastSeen) {}

  private final ClickHouseJdbc jdbc;

  public ScreenTraffic(ClickHouseJdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** The screens with traffic of {@code client} (every client's when null), sorted. */
  public List<Row> list(String client, Instant now) throws SQLException {
    String where = client == null ? "" : " WHERE client_id = ?";
    String sql =
        "SELECT client_id, screen_id, sum(recent) AS events, max(seen) AS last_seen FROM ("
            + " SELECT client_id, screen_id,"
            + "   sumIf(count, window_start >= ?) AS recent, toUInt32(max(window_start)) + 3600 AS seen"
            + "   FROM "
            + Granularity.HOURLY.table()
            + where
            + "   GROUP BY client_id, screen_id"
            + " UNION ALL"
            + " SELECT client_id, screen_id, toUInt64(0) AS recent,"
            + "   toUInt32(max(window_start)) + 86400 AS seen FROM "
            + Granularity.DAILY.table()
            + where
            + "   GROUP BY client_id, screen_id"
            + ") GROUP BY client_id, screen_id ORDER BY client_id, screen_id";
    List<Row> out = new ArrayList<>();
    try (Connection c = jdbc.connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      int i = 1;
      st.setString(i++, Granularity.dateTime(now.minus(RECENT)));
      if (client != null) {
        st.setString(i++, client);
        st.setString(i, client);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Instant seen = Instant.ofEpochSecond(rs.getLong(4));
          out.add(
              new Row(
                  rs.getString(1), rs.getString(2), rs.getLong(3), seen.isAfter(now) ? now : seen));
        }
      }
    }
    return out;
  }
}
