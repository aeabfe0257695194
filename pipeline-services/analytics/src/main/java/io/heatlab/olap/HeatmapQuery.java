package io.heatlab.olap;

import io.heatlab.contract.ContractRules;
import io.heatlab.contract.EventType;
import io.heatlab.contract.ViewportClass;
import io.heatlab.render.HeatmapGrid;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The heatmap of one screen over {@code [from, to)}, answered from the coarsest rollups that cover
 * the range exactly: weekly rows for whole ISO weeks, daily rows for whole days, hourly rows for
 * the edges — the same counts as summing {@code heatmap_hourly} alone, reading up to ~170× fewer
 * windows for a long range.
 *
 * <p>All values are bound parameters; ids are checked against the contract's alphabet first.
 */
public final class HeatmapQuery {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  private final ClickHouseJdbc jdbc;

  public HeatmapQuery(ClickHouseJdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** A window of a granularity that the plan reads. */
  public record Window(Granularity granularity, Instant start) {}

  /**
   * The windows covering {@code [from, to)} exactly, coarsest first where they fit; from and to on
   * whole hours.
   */
  public static List<Window> plan(Instant from, Instant to) {
    return plan(from, to, w -> true);
  }

  /**
   * Same, using a weekly or daily window only where {@code usable} says it holds the sum of its
   * finer windows (rolled up after them); elsewhere the finer windows are read instead.
   */
  public static List<Window> plan(Instant from, Instant to, Predicate<Window> usable) {
    if (!Granularity.HOURLY.windowOf(from).equals(from)
        || !Granularity.HOURLY.windowOf(to).equals(to)) {
      throw new IllegalArgumentException(
          "from and to must be whole hours (UTC), e.g. 2026-11-23T10:00:00Z");
    }
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
    List<Window> windows = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); ) {
      boolean midnight = t.atZone(ZoneOffset.UTC).toLocalTime().toSecondOfDay() == 0;
      boolean monday = midnight && t.atZone(ZoneOffset.UTC).getDayOfWeek() == DayOfWeek.MONDAY;
      if (monday && !t.plus(WEEK).isAfter(to) && usable.test(new Window(Granularity.WEEKLY, t))) {
        windows.add(new Window(Granularity.WEEKLY, t));
        t = t.plus(WEEK);
      } else if (midnight
          && !t.plus(DAY).isAfter(to)
          && usable.test(new Window(Granularity.DAILY, t))) {
        windows.add(new Window(Granularity.DAILY, t));
        t = t.plus(DAY);
      } else {
        windows.add(new Window(Granularity.HOURLY, t));
        t = t.plus(HOUR);
      }
    }
    return windows;
  }

  /**
   * Counts per cell of (client, screen, types) in one viewport class over [from, to), as a {@link
   * HeatmapGrid#SIZE}² grid.
   */
  public HeatmapGrid heatmap(
      String clientId,
      String screenId,
      List<String> eventTypes,
      ViewportClass viewport,
      Instant from,
      Instant to)
      throws SQLException {
    return heatmap(clientId, screenId, eventTypes, viewport, plan(from, to));
  }

  /**
   * Counts per cell of (client, screen, types) in one viewport class — layouts differ by width, so
   * a heatmap never mixes classes — summed over the windows of {@code plan}.
   */
  public HeatmapGrid heatmap(
      String clientId,
      String screenId,
      List<String> eventTypes,
      ViewportClass viewport,
      List<Window> plan)
      throws SQLException {
    List<String> params = new ArrayList<>();
    String sql =
        "SELECT cell_x, cell_y, sum(c) FROM ("
            + union(
                "cell_x, cell_y, count AS c",
                clientId,
                screenId,
                eventTypes,
                viewport,
                plan,
                params)
            + ") GROUP BY cell_x, cell_y";
    HeatmapGrid grid = HeatmapGrid.empty(HeatmapGrid.SIZE, HeatmapGrid.SIZE);
    try (Connection c = jdbc.connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      bind(st, params);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          grid.add(rs.getInt(1), rs.getInt(2), rs.getLong(3));
        }
      }
    }
    return grid;
  }

  /**
   * Σ count of (client, screen, types) per viewport class over the windows of {@code plan}, for the
   * classes that have events: what an empty heatmap of one class can point to.
   */
  public Map<ViewportClass, Long> totalsByViewport(
      String clientId, String screenId, List<String> eventTypes, List<Window> plan)
      throws SQLException {
    List<String> params = new ArrayList<>();
    String sql =
        "SELECT viewport_class, sum(c) FROM ("
            + union(
                "viewport_class, count AS c", clientId, screenId, eventTypes, null, plan, params)
            + ") GROUP BY viewport_class";
    Map<ViewportClass, Long> totals = new EnumMap<>(ViewportClass.class);
    try (Connection c = jdbc.connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      bind(st, params);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong(2) > 0) {
            totals.put(ViewportClass.of(rs.getString(1)), rs.getLong(2));
          }
        }
      }
    }
    return totals;
  }

  /**
   * One SELECT of {@code columns} per table the plan reads, UNION ALL: (client, screen, types, the
   * viewport class unless null) in the plan's windows; appends the bound values to {@code params}.
   */
  private static String union(
      String columns,
      String clientId,
      String screenId,
      List<String> eventTypes,
      ViewportClass viewport,
      List<Window> plan,
      List<String> params) {
    requireId(ContractRules.Id.CLIENT, clientId);
    requireId(ContractRules.Id.SCREEN, screenId);
    if (eventTypes.isEmpty()) {
      throw new IllegalArgumentException("at least one event type");
    }
    eventTypes.forEach(
        t -> {
          if (EventType.fromWire(t).isEmpty()) {
            throw new IllegalArgumentException(
                "type: '" + t + "' is not an event type (move, click)");
          }
        });
    Map<Granularity, List<Instant>> byGranularity = new EnumMap<>(Granularity.class);
    for (Window w : plan) {
      byGranularity.computeIfAbsent(w.granularity(), g -> new ArrayList<>()).add(w.start());
    }
    StringBuilder sql = new StringBuilder();
    for (Map.Entry<Granularity, List<Instant>> e : byGranularity.entrySet()) {
      sql.append(sql.length() == 0 ? "" : " UNION ALL ")
          .append("SELECT ")
          .append(columns)
          .append(" FROM ")
          .append(e.getKey().table())
          .append(" WHERE client_id = ? AND screen_id = ? AND event_type IN (")
          .append(placeholders(eventTypes.size()))
          .append(")")
          .append(viewport == null ? "" : " AND viewport_class = ?")
          .append(" AND window_start IN (")
          .append(placeholders(e.getValue().size()))
          .append(")");
      params.add(clientId);
      params.add(screenId);
      params.addAll(eventTypes);
      if (viewport != null) {
        params.add(viewport.id());
      }
      e.getValue().forEach(t -> params.add(Granularity.dateTime(t)));
    }
    return sql.toString();
  }

  private static void bind(PreparedStatement st, List<String> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      st.setString(i + 1, params.get(i));
    }
  }

  private static String placeholders(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  /**
   * Σ count of {@code client} in {@code g}'s windows starting in [from, to) (reconciliations: demo,
   * soak, tests).
   */
  public static long total(
      ClickHouseJdbc jdbc, Granularity g, String client, Instant from, Instant to)
      throws SQLException {
    try (Connection c = jdbc.connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT sum(count) FROM "
                    + g.table()
                    + " WHERE client_id = ? AND window_start >= ? AND window_start < ?")) {
      st.setString(1, client);
      st.setString(2, Granularity.dateTime(from));
      st.setString(3, Granularity.dateTime(to));
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Checks an id against the contract's rule; IllegalArgumentException saying the rule otherwise.
   */
  public static void requireId(ContractRules.Id id, String value) {
    if (!id.valid(value)) {
      throw new IllegalArgumentException(id.rule());
    }
  }
}
