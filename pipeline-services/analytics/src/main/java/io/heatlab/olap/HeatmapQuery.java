package io.heatlab.olap;

import com.clickhouse.data.ClickHouseFormat;
import io.heatlab.contract.ContractRules;
import io.heatlab.contract.EventType;
import io.heatlab.contract.ViewportClass;
import io.heatlab.render.HeatmapGrid;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The heatmap of one screen over {@code [from, to)}, answered from the coarsest rollups that cover
 * the range exactly: weekly rows for whole ISO weeks, daily rows for whole days, hourly rows for
 * the edges — the same counts as summing {@code heatmap_hourly} alone, reading up to ~170× fewer
 * windows for a long range.
 *
 * <p>Ids are checked against the contract first; every value is inlined as a quoted literal ({@link
 * ClickHouseReader#quote}: 18.16 has no server-side parameters). Queries go over one long-lived
 * pooled client ({@link ClickHouseReader}); close the query to close it.
 */
public final class HeatmapQuery implements AutoCloseable {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  private final ClickHouseReader reader;

  /** Queries over a new client to the database of {@code jdbc}. */
  public HeatmapQuery(ClickHouseJdbc jdbc) {
    this(jdbc.reader());
  }

  public HeatmapQuery(ClickHouseReader reader) {
    this.reader = reader;
  }

  @Override
  public void close() {
    reader.close();
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
    String sql = heatmapSql(clientId, screenId, eventTypes, viewport, plan);
    HeatmapGrid grid = HeatmapGrid.empty(HeatmapGrid.SIZE, HeatmapGrid.SIZE);
    reader.query(
        sql, f -> grid.add(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2])));
    return grid;
  }

  /** The SQL {@link #heatmap(String, String, List, ViewportClass, List)} runs (benchmarks). */
  public static String heatmapSql(
      String clientId,
      String screenId,
      List<String> eventTypes,
      ViewportClass viewport,
      List<Window> plan) {
    return "SELECT cell_x, cell_y, sum(c) FROM ("
        + union(
            g -> "cell_x, cell_y, count AS c", clientId, screenId, eventTypes, viewport, plan, "")
        + ") GROUP BY cell_x, cell_y";
  }

  /**
   * One row of {@link #windowCells}: the index of its window in the plan, of its event type in the
   * types asked for, its cell and count.
   */
  @FunctionalInterface
  public interface WindowCell {
    void accept(int window, int eventType, int cellX, int cellY, long count);
  }

  /**
   * The rows of (client, screen, types, viewport class) in each window of {@code plan}, one per
   * (window, type, cell) as the rollups published them, not summed: what a per-window cache keeps
   * ({@code HeatmapService}). Read as RowBinary — granularity, window start, type, cell, count: 18
   * bytes a row, nothing to format or parse as text — so a month of one screen (~200k rows) costs
   * ClickHouse about what its summed heatmap does.
   */
  public void windowCells(
      String clientId,
      String screenId,
      List<String> eventTypes,
      ViewportClass viewport,
      List<Window> plan,
      WindowCell cell)
      throws SQLException {
    if (plan.isEmpty()) {
      return;
    }
    Granularity[] granularities = Granularity.values();
    String sql =
        union(
            g ->
                "toUInt8("
                    + g.ordinal()
                    + "), toUInt32(toUnixTimestamp(window_start)), toUInt8(indexOf(["
                    + literals(eventTypes)
                    + "], event_type)), toUInt16(cell_x), toUInt16(cell_y), toUInt64(count)",
            clientId,
            screenId,
            eventTypes,
            viewport,
            plan,
            "");
    reader.query(
        sql,
        ClickHouseFormat.RowBinary,
        body -> {
          DataInputStream in = new DataInputStream(new BufferedInputStream(body, 64 * 1024));
          byte[] row = new byte[18];
          ByteBuffer le = ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN);
          Map<Window, Integer> index = new HashMap<>();
          for (int w = 0; w < plan.size(); w++) {
            index.put(plan.get(w), w);
          }
          int lastGranularity = -1;
          long lastStart = -1;
          int window = -1;
          while (true) {
            int first = in.read();
            if (first < 0) {
              return;
            }
            row[0] = (byte) first;
            in.readFully(row, 1, row.length - 1);
            long start = Integer.toUnsignedLong(le.getInt(1));
            if (row[0] != lastGranularity || start != lastStart) { // rows come window by window
              lastGranularity = row[0];
              lastStart = start;
              window =
                  index.get(
                      new Window(granularities[lastGranularity], Instant.ofEpochSecond(start)));
            }
            cell.accept(
                window,
                (row[5] & 0xff) - 1,
                Short.toUnsignedInt(le.getShort(6)),
                Short.toUnsignedInt(le.getShort(8)),
                le.getLong(10));
          }
        });
  }

  /**
   * Σ count of (client, screen, types) per viewport class over the windows of {@code plan}, for the
   * classes that have events: what an empty heatmap of one class can point to.
   */
  public Map<ViewportClass, Long> totalsByViewport(
      String clientId, String screenId, List<String> eventTypes, List<Window> plan)
      throws SQLException {
    String sql =
        "SELECT viewport_class, sum(c) FROM ("
            + union(
                g -> "viewport_class, count AS c", clientId, screenId, eventTypes, null, plan, "")
            + ") GROUP BY viewport_class";
    Map<ViewportClass, Long> totals = new EnumMap<>(ViewportClass.class);
    reader.query(
        sql,
        f -> {
          long n = Long.parseLong(f[1]);
          if (n > 0) {
            totals.put(ViewportClass.of(f[0]), n);
          }
        });
    return totals;
  }

  /**
   * One cell's count per window of {@code plan} (the cell drill-down), oldest first; windows
   * without events are absent.
   */
  public SortedMap<Instant, Long> cellCounts(
      String clientId,
      String screenId,
      List<String> eventTypes,
      ViewportClass viewport,
      List<Window> plan,
      int cellX,
      int cellY)
      throws SQLException {
    if (cellX < 0 || cellX >= HeatmapGrid.SIZE || cellY < 0 || cellY >= HeatmapGrid.SIZE) {
      throw new IllegalArgumentException(
          "cell (" + cellX + ", " + cellY + ") is outside the " + HeatmapGrid.SIZE + "² grid");
    }
    SortedMap<Instant, Long> counts = new TreeMap<>();
    if (plan.isEmpty()) {
      return counts;
    }
    String sql =
        "SELECT toUnixTimestamp(window_start), sum(c) FROM ("
            + union(
                g -> "window_start, count AS c",
                clientId,
                screenId,
                eventTypes,
                viewport,
                plan,
                " AND cell_x = " + cellX + " AND cell_y = " + cellY)
            + ") GROUP BY window_start";
    reader.query(
        sql,
        f ->
            counts.merge(
                Instant.ofEpochSecond(Long.parseLong(f[0])), Long.parseLong(f[1]), Long::sum));
    return counts;
  }

  /**
   * One SELECT of {@code columns} (by table: its granularity) per table the plan reads, UNION ALL:
   * (client, screen, types, the viewport class unless null) in the plan's windows, then {@code
   * extra} conditions, values inlined as quoted literals.
   */
  private static String union(
      Function<Granularity, String> columns,
      String clientId,
      String screenId,
      List<String> eventTypes,
      ViewportClass viewport,
      List<Window> plan,
      String extra) {
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
          .append(columns.apply(e.getKey()))
          .append(" FROM ")
          .append(e.getKey().table())
          .append(" WHERE client_id = ")
          .append(ClickHouseReader.quote(clientId))
          .append(" AND screen_id = ")
          .append(ClickHouseReader.quote(screenId))
          .append(" AND event_type IN (")
          .append(literals(eventTypes))
          .append(")")
          .append(
              viewport == null
                  ? ""
                  : " AND viewport_class = " + ClickHouseReader.quote(viewport.id()))
          .append(" AND window_start IN (")
          .append(literals(e.getValue().stream().map(Granularity::dateTime).toList()))
          .append(")")
          .append(extra);
    }
    return sql.toString();
  }

  private static String literals(List<String> values) {
    StringBuilder s = new StringBuilder();
    for (String v : values) {
      s.append(s.length() == 0 ? "" : ", ").append(ClickHouseReader.quote(v));
    }
    return s.toString();
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
