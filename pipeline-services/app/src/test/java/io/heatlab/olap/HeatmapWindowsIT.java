package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.contract.ViewportClass;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rollup tables on the real ClickHouse (18.16 here): windows replaced atomically, reruns never
 * double count.
 */
class HeatmapWindowsIT {

  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static HeatmapWindows windows(HeatlabConfig config, StackEndpoints endpoints) {
    return new HeatmapWindows(new ClickHouseJdbc(config, endpoints));
  }

  @Test
  void theViewportMigrationKeepsEveryRowOfAnOlderDatabaseAsUnknown(
      HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    ClickHouseJdbc main = new ClickHouseJdbc(config, endpoints);
    ClickHouseJdbc older =
        new ClickHouseJdbc(
            endpoints.clickhouseUrl(),
            "heatlab_v1", // a database as releases before the viewport class left it
            config.getString(HeatlabConfig.CLICKHOUSE_USER),
            config.secret(HeatlabConfig.CLICKHOUSE_PASSWORD));
    Migrations migrations = Migrations.standard(older);
    assertThat(migrations.apply(1)).extracting(Migrations.Migration::version).containsExactly(1);
    Instant hour = Instant.parse("2026-11-23T10:00:00Z");
    try (Connection c = older.connect();
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO heatmap_hourly (client_id, screen_id, event_type, window_start, cell_x, cell_y, count)"
              + " VALUES ('demo', 'pricing', 'move', '2026-11-23 10:00:00', 1, 2, 7),"
              + " ('demo', 'pricing', 'click', '2026-11-23 10:00:00', 3, 4, 5)");
      st.execute(
          "INSERT INTO heatmap_daily (client_id, screen_id, event_type, window_start, cell_x, cell_y, count)"
              + " VALUES ('demo', 'pricing', 'move', '2026-11-23 00:00:00', 1, 2, 12)");
    }

    assertThat(migrations.apply()).extracting(Migrations.Migration::version).containsExactly(2, 3);

    HeatmapQuery query = new HeatmapQuery(older);
    List<HeatmapQuery.Window> theHour = HeatmapQuery.plan(hour, hour.plus(Duration.ofHours(1)));
    List<HeatmapQuery.Window> theDay =
        List.of(new HeatmapQuery.Window(Granularity.DAILY, hour.minus(Duration.ofHours(10))));
    List<String> both = List.of("move", "click");
    assertThat(total(query, both, ViewportClass.UNKNOWN, theHour)).isEqualTo(12);
    assertThat(total(query, List.of("move"), ViewportClass.UNKNOWN, theDay)).isEqualTo(12);
    assertThat(total(query, both, ViewportClass.DESKTOP, theHour)).isZero();
    assertThat(query.totalsByViewport("demo", "pricing", both, theHour))
        .containsExactly(Map.entry(ViewportClass.UNKNOWN, 12L));
    // the rebuilt tables take the new key, and a window is still replaced whole
    HeatmapWindows w = new HeatmapWindows(older);
    w.replace(
        Granularity.HOURLY,
        hour,
        List.of(
            new CellCount("demo", "pricing", "move", "mobile", 1, 2, 4),
            new CellCount("demo", "pricing", "move", "desktop", 1, 2, 9)));
    assertThat(w.total(Granularity.HOURLY, hour)).isEqualTo(13);
    assertThat(total(query, List.of("move"), ViewportClass.MOBILE, theHour)).isEqualTo(4);
    query.close();
    try (Connection c = older.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name FROM system.tables WHERE database = 'heatlab_v1' ORDER BY name")) {
      List<String> tables = new ArrayList<>();
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
      assertThat(tables).noneMatch(t -> t.endsWith("_v1") || t.endsWith("_next"));
    }
    assertThat(migrations.apply()).as("applied once").isEmpty();
  }

  private static long total(
      HeatmapQuery query,
      List<String> types,
      ViewportClass viewport,
      List<HeatmapQuery.Window> plan)
      throws Exception {
    return query.heatmap("demo", "pricing", types, viewport, plan).total();
  }

  @Test
  void rerunningAWindowReplacesItInsteadOfAddingToIt(HeatlabConfig config, StackEndpoints endpoints)
      throws Exception {
    HeatmapWindows w = windows(config, endpoints);
    Instant hour = Instant.parse("2026-11-23T10:00:00Z");
    Instant next = Instant.parse("2026-11-23T11:00:00Z");
    w.replace(
        Granularity.HOURLY,
        next,
        List.of(new CellCount("demo", "pricing", "move", "desktop", 1, 1, 7)));

    assertThat(
            w.replace(
                    Granularity.HOURLY,
                    hour,
                    List.of(
                        new CellCount("demo", "pricing", "move", "desktop", 10, 20, 5),
                        new CellCount("demo", "pricing", "click", "desktop", 10, 20, 2)))
                .rows())
        .isEqualTo(2);
    assertThat(w.total(Granularity.HOURLY, hour)).isEqualTo(7);

    w.replace(
        Granularity.HOURLY,
        hour,
        List.of(new CellCount("demo", "pricing", "move", "desktop", 10, 20, 6)));
    assertThat(w.total(Granularity.HOURLY, hour)).as("rerun replaces").isEqualTo(6);
    assertThat(w.total(Granularity.HOURLY, next)).as("other windows untouched").isEqualTo(7);

    w.replace(Granularity.HOURLY, hour, List.of());
    assertThat(w.total(Granularity.HOURLY, hour)).as("an empty rerun empties the window").isZero();
  }

  @Test
  void theRollupAwareQueryGivesTheSameCountsAsTheHourlyTableAlone(
      HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    HeatmapWindows w = windows(config, endpoints);
    Instant from = Instant.parse("2026-11-01T20:00:00Z"); // Sunday evening
    Instant to = Instant.parse("2026-11-10T05:00:00Z"); // Tuesday morning, 8 days later
    Map<Instant, Long> hourly = new TreeMap<>();
    Random random = new Random(3);
    for (Instant h = from; h.isBefore(to); h = h.plusSeconds(3600)) {
      long n = 1 + random.nextInt(9);
      hourly.put(h, n);
      w.replace(
          Granularity.HOURLY,
          h,
          List.of(
              new CellCount("q", "pricing", "move", "desktop", 50, 56, n),
              new CellCount("q", "pricing", "click", "desktop", 50, 56, 1),
              new CellCount("q", "other", "move", "desktop", 50, 56, 100)));
    }
    for (Granularity g :
        List.of(Granularity.DAILY, Granularity.WEEKLY)) { // rolled up from the hourly rows
      Map<Instant, Long> sums = new TreeMap<>();
      hourly.forEach((h, n) -> sums.merge(g.windowOf(h), n, Long::sum));
      for (var e : sums.entrySet()) {
        Instant end =
            e.getKey().plus(g == Granularity.DAILY ? Duration.ofDays(1) : Duration.ofDays(7));
        if (!e.getKey().isBefore(from) && !end.isAfter(to)) {
          w.replace(
              g,
              e.getKey(),
              List.of(new CellCount("q", "pricing", "move", "desktop", 50, 56, e.getValue())));
        }
      }
    }
    HeatmapGrid grid;
    try (HeatmapQuery query = new HeatmapQuery(new ClickHouseJdbc(config, endpoints))) {
      grid = query.heatmap("q", "pricing", List.of("move"), ViewportClass.DESKTOP, from, to);
    }
    assertThat(grid.at(50, 56))
        .isEqualTo(hourly.values().stream().mapToLong(Long::longValue).sum());
    assertThat(grid.total()).isEqualTo(grid.at(50, 56));
    assertThat(HeatmapQuery.plan(from, to))
        .extracting(HeatmapQuery.Window::granularity)
        .contains(Granularity.WEEKLY, Granularity.DAILY);
  }

  @Test
  void dailyAndWeeklyWindowsAndRetention(HeatlabConfig config, StackEndpoints endpoints)
      throws Exception {
    HeatmapWindows w = windows(config, endpoints);
    Instant monday = Instant.parse("2026-11-23T00:00:00Z");
    assertThat(Granularity.WEEKLY.windowOf(Instant.parse("2026-11-29T23:59:59Z")))
        .isEqualTo(monday);
    w.replace(
        Granularity.WEEKLY,
        monday,
        List.of(new CellCount("demo", "landing", "move", "desktop", 0, 99, 40)));
    w.replace(
        Granularity.DAILY,
        Instant.parse("2026-11-24T00:00:00Z"),
        List.of(new CellCount("demo", "landing", "move", "desktop", 0, 99, 30)));
    w.replace(
        Granularity.DAILY,
        Instant.parse("2026-11-25T00:00:00Z"),
        List.of(new CellCount("demo", "landing", "move", "desktop", 0, 99, 10)));
    assertThat(w.total(Granularity.WEEKLY, monday)).isEqualTo(40);

    assertThat(w.dropBefore(Granularity.DAILY, Instant.parse("2026-11-25T00:00:00Z")))
        .extracting(HeatmapWindows.Replaced::partition)
        .contains(20261124L)
        .doesNotContain(20261125L);
    assertThat(w.total(Granularity.DAILY, Instant.parse("2026-11-24T00:00:00Z"))).isZero();
    assertThat(w.total(Granularity.DAILY, Instant.parse("2026-11-25T00:00:00Z"))).isEqualTo(10);
  }
}
