package io.heatlab.query;

import static io.heatlab.contract.ViewportClass.DESKTOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.CellSources;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.JsonLinesFormat;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.SparkSettings;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Heatmaps on the real stack after real rollups (Spark): for ranges starting and ending mid-hour,
 * mid-day and mid-week the rollup-aware answer equals the sum of heatmap_hourly alone, cell by
 * cell, also when a late hour makes a rolled-up day stale; coverage lists exactly the landed hours
 * not rolled up; GET /v1/heatmap answers JSON (and 400/401/403 with reasons, compare mode); the
 * viewer page paints a non-blank overlay in Chromium.
 */
class HeatmapServiceIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(HeatlabConfig.ROLLUP_DRIVER_WARM, "true") // its rollups run on the warm driver
          .with(HeatlabConfig.INGEST_WRITE_KEYS, "demo=demo-write-key,acme=acme-key")
          .with(
              HeatlabConfig.API_READ_KEYS, "demo=demo-read-key,acme=acme-old-read,acme=acme-read");

  private static final LandingLayout LAYOUT = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Twelve days of hours: a Friday … the Wednesday 12 days later, a whole ISO week in between. */
  private static final Instant START =
      Granularity.WEEKLY.windowOf(Instant.now()).minus(Duration.ofDays(17));

  private static final Instant END = START.plus(Duration.ofDays(12));

  /**
   * The hours of each day that hold events (the others hold none, so a day is rolled up from some
   * of its hours): hour 12 of the Wednesday holds the one-hour range, hour 7 of the Saturday the
   * late event.
   */
  private static final Set<Integer> DATA_HOURS = Set.of(0, 7, 12, 19);

  private static ObjectStore store;
  private static ClickHouseJdbc jdbc;
  private static HeatmapService service;
  private static Instant late;
  private static Instant unrolled;

  @BeforeAll
  static void rolledUpData() throws Exception {
    HeatlabConfig config = STACK.config();
    store = STACK.endpoints().objectStore(config);
    jdbc = new ClickHouseJdbc(config, STACK.endpoints());
    Random random = new Random(11);
    List<Instant> hours = // four hours a day hold events, as a site's nights and days do
        Granularity.HOURLY.windows(START, END).stream()
            .filter(h -> DATA_HOURS.contains(h.atOffset(ZoneOffset.UTC).getHour()))
            .toList();
    for (Instant h : hours) {
      land(h, 120 + random.nextInt(180), random); // about as many events as 20–50 in every hour
    }
    try (Rollups rollups =
        new Rollups(
            SparkSettings.of(config, STACK.endpoints()), store, LAYOUT, "aggregates/v1", jdbc)) {
      assertThat(rollups.run(Granularity.HOURLY, hours, new RollupRun.Listener() {}).succeeded())
          .isTrue();
      assertThat(
              rollups
                  .run(
                      Granularity.DAILY,
                      Granularity.DAILY.windows(START, END),
                      new RollupRun.Listener() {})
                  .succeeded())
          .isTrue();
      assertThat(
              rollups
                  .run(
                      Granularity.WEEKLY,
                      Granularity.WEEKLY.windows(START, END).stream()
                          .filter(
                              w -> !w.isBefore(START) && !Granularity.WEEKLY.end(w).isAfter(END))
                          .toList(),
                      new RollupRun.Listener() {})
                  .succeeded())
          .isTrue();
      // a late event on the Saturday, rolled up after its day: that day's daily row is stale now
      late = START.plus(Duration.ofDays(1)).plus(Duration.ofHours(7));
      land(late, 5, random);
      assertThat(
              rollups
                  .run(Granularity.HOURLY, List.of(late), new RollupRun.Listener() {})
                  .succeeded())
          .isTrue();
    }
    unrolled = END.plus(Duration.ofHours(3)); // landed after the rollups, never rolled up
    land(unrolled, 9, random);
    service = HeatmapService.of(config, STACK.endpoints());
    service.coverage().refresh();
  }

  @AfterAll
  static void closeService() {
    service.close(); // its keep-alive connections, before ClickHouse stops
  }

  @Test
  void theRollupAwareAnswerEqualsTheHourlySumForRaggedRanges() throws Exception {
    Instant wednesdayNoon =
        START
            .plus(Duration.ofDays(5))
            .plus(Duration.ofMinutes(12 * 60 + 17)); // mid-hour, mid-day, mid-week
    List<Instant[]> ranges =
        List.of(
            new Instant[] {
              START.plus(Duration.ofMinutes(95)), END.minus(Duration.ofMinutes(30))
            }, // nearly all: weeks + days + hours
            new Instant[] {
              START.plus(Duration.ofHours(30)).plusSeconds(61), wednesdayNoon
            }, // mid-day to mid-week
            new Instant[] {
              wednesdayNoon.minus(Duration.ofMinutes(50)), wednesdayNoon
            }, // inside one hour
            new Instant[] {
              START.plus(Duration.ofDays(1)), START.plus(Duration.ofDays(3))
            }); // whole days incl. the stale one
    for (Instant[] r : ranges) {
      for (List<String> types : List.of(List.of("move"), List.of("move", "click"))) {
        HeatmapService.Answer a =
            service.heatmap(
                new HeatmapService.Request("acme", "pricing", types, DESKTOP, r[0], r[1]));
        Instant from = r[0].truncatedTo(ChronoUnit.HOURS);
        Instant to =
            r[1].truncatedTo(ChronoUnit.HOURS).equals(r[1])
                ? r[1]
                : r[1].truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        assertThat(a.request().from()).isEqualTo(from);
        assertThat(a.request().to()).isEqualTo(to);
        HeatmapGrid hourly = hourlyOnly("acme", "pricing", types, from, to);
        assertThat(a.grid().total())
            .as("%s … %s %s", r[0], r[1], types)
            .isEqualTo(hourly.total())
            .isPositive();
        assertThat(a.grid().counts()).as("cell by cell").containsExactly(hourly.counts());
      }
    }
    HeatmapService.Answer all =
        service.heatmap(
            new HeatmapService.Request(
                "acme",
                "pricing",
                List.of("move"),
                DESKTOP,
                START.plus(Duration.ofMinutes(95)),
                END.minus(Duration.ofMinutes(30))));
    assertThat(all.windowsRead())
        .containsKeys(Granularity.WEEKLY, Granularity.DAILY, Granularity.HOURLY);
    assertThat(all.windowsRead().get(Granularity.HOURLY))
        .as("the stale day is read from its hours")
        .isGreaterThan(24);
  }

  @Test
  void eachViewportClassIsItsOwnHeatmapAndTogetherTheyHoldEveryEvent() throws Exception {
    Instant from = START.plus(Duration.ofHours(5));
    Instant to = END.minus(Duration.ofHours(7)); // weeks, days and hours
    List<String> types = List.of("move", "click");
    long all = 0;
    for (ViewportClass v : ViewportClass.values()) {
      HeatmapService.Answer a =
          service.heatmap(new HeatmapService.Request("acme", "pricing", types, v, from, to));
      assertThat(a.windowsRead()).containsKeys(Granularity.WEEKLY, Granularity.DAILY);
      HeatmapGrid hourly = hourlyOnly("acme", "pricing", types, v, from, to);
      assertThat(a.grid().total()).as(v.id()).isEqualTo(hourly.total()).isPositive();
      assertThat(a.grid().counts()).as(v.id() + ", cell by cell").containsExactly(hourly.counts());
      all += a.grid().total();
    }
    long landed = 0; // what the landed widths say, counted here from the rows themselves
    try (Connection c = jdbc.connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT viewport_class, sum(count) FROM heatmap_hourly WHERE client_id = 'acme'"
                    + " AND screen_id = 'pricing' AND window_start >= ? AND window_start < ?"
                    + " GROUP BY viewport_class")) {
      st.setString(1, Granularity.dateTime(from));
      st.setString(2, Granularity.dateTime(to));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          assertThat(rs.getString(1)).isIn("desktop", "tablet", "mobile", "unknown");
          landed += rs.getLong(2);
        }
      }
    }
    assertThat(all).isEqualTo(landed);

    String q = "client_id=acme&screen_id=pricing&from=" + from + "&to=" + to;
    assertThat(get(q, "acme-read", 200).get("viewport").asText()).isEqualTo("desktop");
    JsonNode mobile = get(q + "&viewport=mobile", "acme-read", 200);
    assertThat(mobile.get("viewport").asText()).isEqualTo("mobile");
    assertThat(mobile.get("total").asLong())
        .isEqualTo(hourlyOnly("acme", "pricing", types, ViewportClass.MOBILE, from, to).total());
    assertThat(get(q + "&viewport=phone", "acme-read", 400).get("error").asText())
        .isEqualTo("viewport: 'phone' is not a viewport class (desktop, tablet, mobile, unknown)");
  }

  /**
   * The drill-down of a cell: its count per hour sums to the heatmap's cell, and the landed objects
   * read back hold exactly those events — each named by topic, partition and first offset.
   */
  @Test
  void aCellsHoursSumToItsCountAndItsLandedObjectsHoldItsEvents() throws Exception {
    Instant from = START.plus(Duration.ofDays(2));
    Instant to = from.plus(Duration.ofDays(2));
    HeatmapService.Request r =
        new HeatmapService.Request("acme", "pricing", List.of("move", "click"), DESKTOP, from, to);
    HeatmapGrid grid = service.heatmap(r).grid();
    int best = 0;
    for (int i = 1; i < grid.counts().length; i++) {
      best = grid.counts()[i] > grid.counts()[best] ? i : best;
    }
    int x = best % HeatmapGrid.SIZE;
    int y = best / HeatmapGrid.SIZE;
    HeatmapService.Cell cell = service.cell(r, x, y);
    assertThat(cell.granularity()).isEqualTo(Granularity.HOURLY);
    assertThat(cell.counts()).hasSize(48).containsKey(from);
    assertThat(cell.total()).isEqualTo(grid.at(x, y)).isPositive();

    List<HourPartition> hours = new ArrayList<>(); // newest first
    cell.counts().forEach((h, n) -> hours.add(0, HourPartition.of(h.toEpochMilli())));
    hours.removeIf(h -> cell.counts().get(h.start()) == 0);
    CellSources.Scan scan =
        CellSources.scan(
            new LandingIndex(store, LAYOUT),
            store,
            hours,
            HeatmapService.inCell(r, x, y),
            Long.MAX_VALUE);
    assertThat(scan.notScanned()).isEmpty();
    assertThat(scan.events()).isEqualTo(cell.total());
    assertThat(scan.holders())
        .allSatisfy(
            h -> {
              assertThat(h.topic()).isEqualTo("heatmap.events");
              assertThat(h.partition()).isZero();
              assertThat(
                      cell.counts()
                          .get(Instant.ofEpochMilli(h.startOffset()).truncatedTo(ChronoUnit.HOURS)))
                  .isPositive();
            });
    CellSources.Scan budget =
        CellSources.scan(
            new LandingIndex(store, LAYOUT), store, hours, HeatmapService.inCell(r, x, y), 1);
    assertThat(budget.scanned()).as("the newest hour is always read").hasSize(1);
    assertThat(budget.notScanned()).hasSize(hours.size() - 1);
  }

  @Test
  void coverageListsTheLandedHoursNotRolledUp() throws Exception {
    HeatmapService.Answer a =
        service.heatmap(
            new HeatmapService.Request(
                "acme",
                "pricing",
                List.of("move", "click"),
                DESKTOP,
                START.minus(Duration.ofDays(1)),
                END.plus(Duration.ofDays(1))));
    assertThat(a.missingHours()).containsExactly(unrolled);
    assertThat(
            service
                .heatmap(
                    new HeatmapService.Request(
                        "acme",
                        "pricing",
                        List.of("move"),
                        DESKTOP,
                        START,
                        START.plus(Duration.ofDays(1))))
                .missingHours())
        .isEmpty();
  }

  @Test
  void theHttpApiAnswersJsonAndRefusesBadRequestsWithAReason() throws Exception {
    Instant to = END.plus(Duration.ofDays(1));
    String q = "client_id=acme&screen_id=pricing&type=move,click&from=" + START + "&to=" + to;
    JsonNode body = get(q, "demo-read-key", 403);
    assertThat(body.get("error").asText()).contains("not valid for client_id 'acme'");
    assertThat(get(q, "acme-key", 403).get("error").asText())
        .as("acme's write key, public in its pages, reads nothing")
        .startsWith("this is a write key");
    assertThat(get(q, "guessed", 403).get("error").asText()).isEqualTo("unknown read key");
    assertThat(get(q, "acme-old-read", 200).get("total").asLong())
        .as("either of two read keys (rotation)")
        .isPositive();
    String acme = "acme-read";
    body = get(q, acme, 200);
    assertThat(body.get("grid").get("w").asInt()).isEqualTo(100);
    assertThat(body.get("total").asLong())
        .isEqualTo(hourlyOnly("acme", "pricing", List.of("move", "click"), START, to).total());
    long sum = 0;
    for (JsonNode cell : body.get("cells")) {
      sum += cell.get(2).asLong();
      assertThat(cell.get(0).asInt()).isBetween(0, 99);
    }
    assertThat(sum).isEqualTo(body.get("total").asLong());
    assertThat(body.get("max").asLong()).isPositive();
    assertThat(body.get("coverage").get("missing_hours")).hasSize(1);
    assertThat(body.get("coverage").get("missing_hours").get(0).asText())
        .isEqualTo(Granularity.HOURLY.label(unrolled));

    JsonNode compare = get(q + "&compare_type=click", acme, 200);
    assertThat(compare.get("compare").get("types").get(0).asText()).isEqualTo("click");
    double net = 0;
    for (JsonNode d : compare.get("diff").get("cells")) {
      net += d.get(2).asDouble();
    }
    assertThat(net).as("shares sum to 1 on each side").isCloseTo(0.0, Offset.offset(1e-9));
    JsonNode significance = compare.get("diff").get("significance");
    assertThat(significance.get("test").asText()).contains("z-test").contains("Benjamini");
    assertThat(significance.get("fdr").asDouble()).isEqualTo(0.05);
    assertThat(significance.get("tested").asInt()).isPositive();
    assertThat(significance.get("cells")).hasSize(significance.get("significant").asInt());
    for (JsonNode c : significance.get("cells")) {
      assertThat(c.get(3).asDouble()).as("a significant cell's p-value").isLessThan(0.05);
    }
    assertThat(get(q + "&compare_type=click&fdr=2", acme, 400).get("error").asText())
        .contains("false-discovery rate");

    assertThat(
            get("client_id=acme&screen_id=pricing&from=" + START + "&to=" + END, null, 401)
                .get("error")
                .asText())
        .contains("a read key is required");
    assertThat(
            get("client_id=acme&screen_id=pricing&from=yesterday&to=" + END, acme, 400)
                .get("error")
                .asText())
        .contains("ISO-8601");
    assertThat(
            get("client_id=acme&screen_id=pric%20ing&from=" + START + "&to=" + END, acme, 400)
                .get("error")
                .asText())
        .contains("screen_id");
    assertThat(
            get(
                    "client_id=acme&screen_id=pricing&type=hover&from=" + START + "&to=" + END,
                    acme,
                    400)
                .get("error")
                .asText())
        .contains("hover");
    assertThat(
            get("client_id=acme&screen_id=pricing&from=" + END + "&to=" + START, acme, 400)
                .get("error")
                .asText())
        .contains("before");
  }

  /**
   * Published windows are kept in memory under the run that published them: a first ask of ten
   * windows is answered from their sum and loads them for the next asks; rows that change in
   * ClickHouse without a run are then not seen (the kept windows answer), a newer run of a window
   * is (that window read again at once, cell by cell); an hour rolled up after them is loaded ahead
   * for the shapes asked lately. A client and hours of their own, after every other.
   */
  @Test
  void keptWindowsAnswerUntilANewerRunPublishesOne() throws Exception {
    Instant first = END.plus(Duration.ofDays(1)).plus(Duration.ofHours(5));
    Instant last = first.plus(Duration.ofHours(10));
    Instant changed = first.plus(Duration.ofHours(3));
    HeatmapService.Request tenHours = keptRequest(List.of("move", "click"), first, last);
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement()) {
      StringBuilder rows = new StringBuilder(cellRow(first, "click", 10, 20, 1));
      for (int h = 0; h < 10; h++) {
        Instant hour = first.plus(Duration.ofHours(h));
        rows.append(", ").append(values(hour, "move", h, 20, h + 1));
        st.execute(finishedRun("kept-1", hour, 120));
      }
      st.execute(rows.toString());
      service.coverage().refresh();
      HeatmapGrid summed = service.heatmap(tenHours).grid();
      assertThat(summed.total()).isEqualTo(56);
      awaitLoads("its windows loaded in the background");

      st.execute(cellRow(changed, "move", 11, 20, 5)); // not through a run: kept windows answer
      assertThat(service.heatmap(tenHours).grid().counts()).containsExactly(summed.counts());

      st.execute(finishedRun("kept-2", changed, 60)); // a newer run of one window
      service.coverage().refresh();
      assertThat(service.heatmap(tenHours).grid().at(11, 20)).isEqualTo(5);

      // another run of it started in the same second (the scheduler and the console at once)
      st.execute(cellRow(changed, "move", 12, 20, 2));
      st.execute(finishedRun("kept-2b", changed, 60));
      service.coverage().refresh();
      HeatmapGrid again = service.heatmap(tenHours).grid();
      assertThat(again.at(12, 20)).as("a run of the same second is a new version").isEqualTo(2);
      assertThat(again.counts())
          .as("cell by cell")
          .containsExactly(hourlyOnly("kept", "pricing", tenHours.types(), first, last).counts());
      assertThat(kept(List.of("click"), first, first.plusSeconds(60)).total())
          .as("one type of a kept window")
          .isEqualTo(1);

      // the hour after the ten is rolled up: its window is loaded ahead for the shapes asked lately
      st.execute(cellRow(last, "move", 50, 50, 9));
      st.execute(finishedRun("kept-3", last, 30));
      service.coverage().refresh();
      awaitLoads("the published hour loaded ahead");
      st.execute(cellRow(last, "move", 51, 50, 4)); // not through a run
      HeatmapGrid moved =
          kept(
              List.of("move", "click"),
              first.plus(Duration.ofHours(1)),
              last.plus(Duration.ofHours(1)));
      assertThat(moved.at(50, 50)).as("the new hour, loaded before it was asked").isEqualTo(9);
      assertThat(moved.at(51, 50)).as("… as it was published").isZero();
      assertThat(moved.total()).isEqualTo(56 + 5 + 2 - 1 - 1 + 9);
    }
  }

  /**
   * A range whose edge is a daily window has that day's hourly windows loaded in the background:
   * moved an hour later ("the last day" an hour on), the day is 23 hourly windows — more than a
   * request reads itself — and they answer from memory (a row added without a run is not seen), not
   * as a sum asked of ClickHouse.
   */
  @Test
  void theHoursOfARangesEdgeDayAreLoadedForTheRangeMovedAcrossIt() throws Exception {
    Instant day = Granularity.DAILY.windowOf(END.plus(Duration.ofDays(3)));
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement()) {
      StringBuilder hourly = new StringBuilder(cellRow(day, "move", 0, 30, 1));
      StringBuilder daily =
          new StringBuilder(
              "INSERT INTO heatmap_daily (client_id, screen_id, event_type, viewport_class,"
                  + " window_start, cell_x, cell_y, count) VALUES ");
      for (int h = 0; h < 24; h++) {
        Instant hour = day.plus(Duration.ofHours(h));
        if (h > 0) {
          hourly.append(", ").append(values(hour, "move", h, 30, 1));
          daily.append(", ");
        }
        daily.append(values(day, "move", h, 30, 1));
        st.execute(finishedRun("edge-h" + h, "hourly", hour, 120));
      }
      st.execute(hourly.toString());
      st.execute(daily.toString());
      st.execute(finishedRun("edge-d", "daily", day, 60)); // after its hours: the day is usable
      service.coverage().refresh();

      Instant to = day.plus(Duration.ofDays(1)).plus(Duration.ofHours(2));
      assertThat(kept(List.of("move"), day.minus(Duration.ofHours(2)), to).total()).isEqualTo(24);
      awaitLoads("the edge day's hours loaded in the background");

      st.execute(cellRow(day.plus(Duration.ofHours(5)), "move", 70, 30, 7)); // not through a run
      HeatmapGrid moved = kept(List.of("move"), day.plus(Duration.ofHours(1)), to);
      assertThat(moved.at(70, 30)).as("23 hours answered from memory").isZero();
      assertThat(moved.total()).isEqualTo(23);
      assertThat(moved.at(0, 30)).as("the hour left out").isZero();
    }
  }

  /** A desktop request of client kept's pricing screen. */
  private static HeatmapService.Request keptRequest(List<String> types, Instant from, Instant to) {
    return new HeatmapService.Request("kept", "pricing", types, DESKTOP, from, to);
  }

  /** The service's grid for {@link #keptRequest}. */
  private static HeatmapGrid kept(List<String> types, Instant from, Instant to) throws Exception {
    return service.heatmap(keptRequest(types, from, to)).grid();
  }

  private static void awaitLoads(String what) throws InterruptedException {
    for (int wait = 0; service.loading() && wait < 600; wait++) { // up to 30 s: a busy CI
      Thread.sleep(50);
    }
    assertThat(service.loading()).as(what).isFalse();
  }

  private static String cellRow(Instant hour, String type, int x, int y, long count) {
    return "INSERT INTO heatmap_hourly (client_id, screen_id, event_type, viewport_class,"
        + " window_start, cell_x, cell_y, count) VALUES "
        + values(hour, type, x, y, count);
  }

  private static String values(Instant hour, String type, int x, int y, long count) {
    return "('kept', 'pricing', '"
        + type
        + "', 'desktop', '"
        + Granularity.dateTime(hour)
        + "', "
        + x
        + ", "
        + y
        + ", "
        + count
        + ")";
  }

  /**
   * A FINISHED hourly run of {@code hour} started {@code secondsAgo} (whole seconds, as ClickHouse
   * keeps them: two calls of the same test second share it), as a publish records it.
   */
  private static String finishedRun(String runId, Instant hour, int secondsAgo) {
    return finishedRun(runId, "hourly", hour, secondsAgo);
  }

  /** The same for a run of {@code job} (hourly, daily, weekly). */
  private static String finishedRun(String runId, String job, Instant window, int secondsAgo) {
    String started = Granularity.dateTime(TEST_START.minusSeconds(secondsAgo));
    return "INSERT INTO rollup_runs (run_id, job, window_start, state, rows_in, rows_out,"
        + " started_at, finished_at, spark_app_id, error, updated_at) VALUES ('"
        + runId
        + "', '"
        + job
        + "', '"
        + Granularity.dateTime(window)
        + "', 'FINISHED', 0, 0, '"
        + started
        + "', '"
        + started
        + "', '', '', "
        + WRITES.incrementAndGet()
        + ")";
  }

  /** When this test class started, whole seconds. */
  private static final Instant TEST_START = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  /** rollup_runs.updated_at of the rows written here: each its own, as real writes are. */
  private static final AtomicLong WRITES = new AtomicLong(System.currentTimeMillis() * 1000);

  @Test
  void theViewerPagePaintsTheOverlayInChromium() throws Exception {
    Path web = Path.of("..", "..", "simulator-web").toAbsolutePath().normalize();
    assertThat(web.resolve("node_modules/playwright-core"))
        .as("installed by ./heatlab test")
        .isDirectory();
    long hours = Duration.between(START, Instant.now()).toHours() + 2;
    Process node =
        new ProcessBuilder(
                "node",
                "src/test/js/check-viewer.mjs",
                STACK.endpoints().httpUrl(),
                "client=acme&screen=pricing&hours=" + hours + "#key=acme-read")
            .directory(web.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output =
        new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(node.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    JsonNode r = JSON.readTree(output.substring(output.lastIndexOf('\n') + 1));
    assertThat(r.get("error").asText()).isEmpty();
    assertThat(r.get("total").asLong()).isPositive();
    assertThat(r.get("painted").asLong())
        .as("overlay pixels painted on %s", r.get("canvas").asText())
        .isGreaterThan(1000);
    JsonNode image = r.get("image");
    JsonNode overlay = r.get("overlay");
    assertThat(image.get("h").asDouble()).as("the screenshot is shown").isGreaterThan(100);
    for (String side : new String[] {"x", "y", "w", "h"}) {
      assertThat(overlay.get(side).asDouble())
          .as("the heatmap lies on the screenshot (%s): image %s, overlay %s", side, image, overlay)
          .isCloseTo(image.get(side).asDouble(), within(1.0));
    }
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------------

  private static JsonNode get(String query, String key, int status) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/v1/heatmap?" + query));
    if (key != null) {
      b.header("Authorization", "Bearer " + URLEncoder.encode(key, StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    return JSON.readTree(r.body());
  }

  /**
   * The viewport widths of landed events, by event: mostly desktop, some of each other class and
   * the edges of the classes' ranges; null is a batch sent without a viewport.
   */
  private static final Integer[] WIDTHS = {1280, 1280, 390, 1024, 1023, 768, 767, null, 1920};

  private static void land(Instant hour, int n, Random random) throws Exception {
    List<LandedEvent> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long t = hour.toEpochMilli() + random.nextInt(3_600_000);
      rows.add(
          new LandedEvent(
              i % 7 == 0 ? "other" : "acme",
              i % 3 == 0 ? "landing" : "pricing",
              "s",
              "b-" + t + "-" + i,
              i % 5 == 0 ? "click" : "move",
              t,
              random.nextDouble(),
              random.nextDouble(),
              WIDTHS[i % WIDTHS.length],
              WIDTHS[i % WIDTHS.length] == null ? null : 800,
              t));
    }
    JsonLinesFormat format = new JsonLinesFormat();
    store.put(
        LAYOUT.objectKey(
            format,
            HourPartition.of(hour.toEpochMilli()),
            null,
            "heatmap.events",
            0,
            hour.toEpochMilli() + n),
        format.encode(rows),
        format.contentType(),
        Map.of());
  }

  /** The grid from heatmap_hourly alone, desktop. */
  private static HeatmapGrid hourlyOnly(
      String client, String screen, List<String> types, Instant from, Instant to) throws Exception {
    return hourlyOnly(client, screen, types, DESKTOP, from, to);
  }

  /** The grid of one viewport class from heatmap_hourly alone. */
  private static HeatmapGrid hourlyOnly(
      String client,
      String screen,
      List<String> types,
      ViewportClass viewport,
      Instant from,
      Instant to)
      throws Exception {
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    try (Connection c = jdbc.connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT cell_x, cell_y, sum(count) FROM heatmap_hourly"
                    + " WHERE client_id = ? AND screen_id = ? AND event_type IN ('"
                    + String.join("','", types)
                    + "') AND viewport_class = ?"
                    + " AND window_start >= ? AND window_start < ? GROUP BY cell_x, cell_y")) {
      st.setString(1, client);
      st.setString(2, screen);
      st.setString(3, viewport.id());
      st.setString(4, Granularity.dateTime(from));
      st.setString(5, Granularity.dateTime(to));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          grid.add(rs.getInt(1), rs.getInt(2), rs.getLong(3));
        }
      }
    }
    return grid;
  }
}
