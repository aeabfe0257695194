package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rollup tables on the real ClickHouse (18.16 here): windows replaced atomically, reruns never double count. */
class HeatmapWindowsIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static HeatmapWindows windows(HeatlabConfig config, StackEndpoints endpoints) {
    return new HeatmapWindows(new ClickHouseJdbc(config, endpoints));
  }

  @Test
  void rerunningAWindowReplacesItInsteadOfAddingToIt(HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    HeatmapWindows w = windows(config, endpoints);
    Instant hour = Instant.parse("2026-11-23T10:00:00Z");
    Instant next = Instant.parse("2026-11-23T11:00:00Z");
    w.replace(Granularity.HOURLY, next, List.of(new CellCount("demo", "pricing", "move", 1, 1, 7)));

    assertThat(w.replace(Granularity.HOURLY, hour, List.of(new CellCount("demo", "pricing", "move", 10, 20, 5),
        new CellCount("demo", "pricing", "click", 10, 20, 2)))).isEqualTo(2);
    assertThat(w.total(Granularity.HOURLY, hour)).isEqualTo(7);

    w.replace(Granularity.HOURLY, hour, List.of(new CellCount("demo", "pricing", "move", 10, 20, 6)));
    assertThat(w.total(Granularity.HOURLY, hour)).as("rerun replaces").isEqualTo(6);
    assertThat(w.total(Granularity.HOURLY, next)).as("other windows untouched").isEqualTo(7);

    w.replace(Granularity.HOURLY, hour, List.of());
    assertThat(w.total(Granularity.HOURLY, hour)).as("an empty rerun empties the window").isZero();
  }

  @Test
  void dailyAndWeeklyWindowsAndRetention(HeatlabConfig config, StackEndpoints endpoints) throws Exception {
    HeatmapWindows w = windows(config, endpoints);
    Instant monday = Instant.parse("2026-11-23T00:00:00Z");
    assertThat(Granularity.WEEKLY.windowOf(Instant.parse("2026-11-29T23:59:59Z"))).isEqualTo(monday);
    w.replace(Granularity.WEEKLY, monday, List.of(new CellCount("demo", "landing", "move", 0, 99, 40)));
    w.replace(Granularity.DAILY, Instant.parse("2026-11-24T00:00:00Z"), List.of(new CellCount("demo", "landing", "move", 0, 99, 30)));
    w.replace(Granularity.DAILY, Instant.parse("2026-11-25T00:00:00Z"), List.of(new CellCount("demo", "landing", "move", 0, 99, 10)));
    assertThat(w.total(Granularity.WEEKLY, monday)).isEqualTo(40);

    assertThat(w.dropBefore(Granularity.DAILY, Instant.parse("2026-11-25T00:00:00Z"))).containsExactly(20261124L);
    assertThat(w.total(Granularity.DAILY, Instant.parse("2026-11-24T00:00:00Z"))).isZero();
    assertThat(w.total(Granularity.DAILY, Instant.parse("2026-11-25T00:00:00Z"))).isEqualTo(10);
  }
}
