package io.heatlab.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.JsonLinesFormat;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.landing.ParquetFormat;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.query.HeatmapService;
import io.heatlab.query.RollupCoverage;
import io.heatlab.stack.Stack;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exact counts through restarts, on the real stack (Spark, S3 server, ClickHouse 18.16): a rerun of
 * a window followed by {@code down} + {@code up}, or by kill -9 of ClickHouse, leaves every cell
 * equal to an independent count of the landed events — hourly and daily — because a publish waits
 * until the parts it replaced are deleted; a crash inside that wait is repaired by the start-up
 * self-check. Also: a switch of the landing format keeps every hour's counts (a replay landed in
 * both formats counts once), a rerun never empties a window by accident, and a range past retention
 * is reported as expired. The tests run in order on shared windows (docs/rollups.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExactAfterRestartIT {

  /**
   * Its rollups on the warm driver, as the stack runs them by default (restarted with the stack).
   */
  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension().with(HeatlabConfig.ROLLUP_DRIVER_WARM, "true");

  private static final LandingLayout LAYOUT = new LandingLayout(LandingLayout.DEFAULT_PREFIX);

  /** Three days ago: well within every retention, whenever the test runs. */
  private static final Instant DAY =
      Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(3));

  private static final Instant H1 = DAY.plus(Duration.ofHours(9));
  private static final Instant H2 = DAY.plus(Duration.ofHours(17));
  private static ObjectStore store;
  private static ClickHouseJdbc jdbc;
  private static HeatmapWindows windows;
  private static Rollups rollups;
  private static LandedObjects objects;

  @BeforeAll
  static void rollups() {
    HeatlabConfig config = STACK.config();
    store = STACK.endpoints().objectStore(config);
    objects = new LandedObjects(store, LAYOUT);
    jdbc = new ClickHouseJdbc(config, STACK.endpoints());
    windows = new HeatmapWindows(jdbc);
    rollups =
        new Rollups(
            SparkSettings.of(config, STACK.endpoints()), store, LAYOUT, "aggregates/v1", jdbc);
  }

  @AfterAll
  static void close() {
    rollups.close();
  }

  @Test
  @Order(1)
  void aRerunFollowedByDownAndUpCountsEachEventOnce() throws Exception {
    Random random = new Random(11);
    for (Instant h : List.of(H1, H2)) {
      for (int o = 0; o < 3; o++) {
        land(new JsonLinesFormat(), h, randomEvents(random, h, 300));
      }
    }
    finished(rollups.run(Granularity.HOURLY, List.of(H1, H2), new RollupRun.Listener() {}));
    Set<String> firstParts = parts(Granularity.HOURLY, H1);
    finished(rollups.run(Granularity.HOURLY, List.of(H1, H2), new RollupRun.Listener() {}));
    assertThat(allParts(Granularity.HOURLY, H1))
        .as("the parts the rerun replaced are deleted before it reports FINISHED")
        .doesNotContainAnyElementsOf(firstParts)
        .isNotEmpty();
    finished(rollups.run(Granularity.DAILY, List.of(DAY), new RollupRun.Listener() {}));
    finished(rollups.run(Granularity.DAILY, List.of(DAY), new RollupRun.Listener() {}));

    Stack stack = STACK.stack(); // ./heatlab down + ./heatlab up
    stack.stop();
    AtomicReference<PublishedWindowsCheck.Report> check = new AtomicReference<>();
    stack.start(
        new Stack.StartListener() {
          @Override
          public void checked(PublishedWindowsCheck.Report report) {
            check.set(report);
          }
        });

    assertThat(check.get()).as("the self-check ran at start").isNotNull();
    assertThat(check.get().repairs()).as("nothing to repair: the publishes were final").isEmpty();
    assertThat(check.get().checked()).isGreaterThanOrEqualTo(3);
    assertExact();
  }

  @Test
  @Order(2)
  void aRerunFollowedByKillOfClickHouseCountsEachEventOnce() throws Exception {
    finished(rollups.run(Granularity.HOURLY, List.of(H1, H2), new RollupRun.Listener() {}));
    finished(rollups.run(Granularity.DAILY, List.of(DAY), new RollupRun.Listener() {}));

    STACK.part("clickhouse").kill(); // right after the reruns reported FINISHED
    STACK.part("clickhouse").start();

    assertExact();
  }

  @Test
  @Order(3)
  void aCrashInsideAPublishIsRepairedByTheSelfCheck() throws Exception {
    // a publish cut by kill -9 between its REPLACE PARTITION and the deletion of the parts it
    // replaced (which
    // HeatmapWindows.replace has ClickHouse do at once, and a background cleanup does within ~10 s:
    // a kill that
    // comes after it finds nothing to bring back, so the crash is tried again until it lands inside
    // the window)
    Aggregates.Pointer published =
        rollups.aggregates().current(Granularity.HOURLY, H1).orElseThrow();
    long events = independentCells(List.of(H1)).values().stream().mapToLong(Long::longValue).sum();
    long total = 0;
    for (int attempt = 0; attempt < 5 && total != 2 * events; attempt++) {
      long p = Granularity.HOURLY.partition(H1);
      try (Connection c = jdbc.connect();
          Statement st = c.createStatement()) {
        st.execute("ALTER TABLE heatmap_hourly_staging DROP PARTITION " + p);
        st.execute(
            "INSERT INTO heatmap_hourly_staging SELECT * FROM heatmap_hourly WHERE window_start = '"
                + Granularity.dateTime(H1)
                + "'");
        st.execute(
            "ALTER TABLE heatmap_hourly REPLACE PARTITION " + p + " FROM heatmap_hourly_staging");
      }
      STACK.part("clickhouse").kill();
      STACK.part("clickhouse").start();
      total = windows.total(Granularity.HOURLY, H1);
    }
    assertThat(total)
        .as("the replaced parts came back: the window counts twice (ClickHouse #107605)")
        .isEqualTo(2 * events);

    PublishedWindowsCheck.Report report =
        PublishedWindowsCheck.of(STACK.config(), STACK.endpoints()).run();

    assertThat(report.repairs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.granularity()).isEqualTo(Granularity.HOURLY);
              assertThat(r.window()).isEqualTo(H1);
              assertThat(r.repaired()).isTrue();
              assertThat(r.rowsFound()).isEqualTo(2 * published.rowsOut());
              assertThat(r.eventsFound()).isEqualTo(2 * events);
            });
    assertExact();
    assertThat(PublishedWindowsCheck.of(STACK.config(), STACK.endpoints()).run().repairs())
        .as("a second check finds nothing")
        .isEmpty();
  }

  @Test
  @Order(4)
  void aSwitchOfTheLandingFormatKeepsEveryHoursCounts() throws Exception {
    Instant h3 = DAY.plus(Duration.ofHours(28)); // the next day, 04:00
    Instant h4 = h3.plus(Duration.ofHours(1));
    Random random = new Random(5);
    List<LandedEvent> beforeSwitch = randomEvents(random, h3, 400);
    land(new JsonLinesFormat(), h3, beforeSwitch); // landing.format=jsonl
    land(new ParquetFormat("zstd"), h3, randomEvents(random, h3, 250)); // … then parquet
    land(new ParquetFormat("zstd"), h4, randomEvents(random, h4, 150));
    assertThat(rollups.landing().hours())
        .as("planning sees the hours of both formats")
        .contains(HourPartition.of(h3.toEpochMilli()), HourPartition.of(h4.toEpochMilli()));
    try (HeatmapService service = HeatmapService.of(STACK.config(), STACK.endpoints())) {
      service.coverage().refresh();
      assertThat(service.coverage().missingHours(h3, h4.plus(Duration.ofHours(1))))
          .as("coverage too")
          .containsExactly(h3, h4);
    }

    finished(rollups.run(Granularity.HOURLY, List.of(h3, h4), new RollupRun.Listener() {}));
    assertThat(cells(Granularity.HOURLY, h3)).isEqualTo(independentCells(List.of(h3)));
    assertThat(total(cells(Granularity.HOURLY, h3))).isEqualTo(650);

    // a replay of the topic after the switch lands the jsonl hour's batches again, as parquet:
    // counted once
    land(
        new ParquetFormat("zstd"),
        h3,
        beforeSwitch); // a new object, the same rows (batch ids, received_at)
    finished(rollups.run(Granularity.HOURLY, List.of(h3), new RollupRun.Listener() {}));
    assertThat(total(cells(Granularity.HOURLY, h3)))
        .as("a batch landed in both formats counts once")
        .isEqualTo(650);
    assertThat(cells(Granularity.HOURLY, h3)).isEqualTo(independentCells(List.of(h3)));
  }

  @Test
  @Order(5)
  void aRerunThatFindsNoEventsNeverEmptiesAWindowUnlessAskedTo() throws Exception {
    Instant h = DAY.plus(Duration.ofHours(32)); // the next day, 08:00
    land(new JsonLinesFormat(), h, randomEvents(new Random(3), h, 120));
    finished(rollups.run(Granularity.HOURLY, List.of(h), new RollupRun.Listener() {}));
    for (ObjectStore.Entry o : rollups.landing().objects(HourPartition.of(h.toEpochMilli()))) {
      store.delete(o.key()); // the hour's inputs are gone (a wrong prefix, a lifecycle rule, an
      // operator's mistake)
    }

    RollupRun.Result refused =
        rollups.run(Granularity.HOURLY, List.of(h), new RollupRun.Listener() {});
    assertThat(refused.state()).isEqualTo(RunState.FAILED);
    assertThat(refused.error())
        .contains("found no events")
        .contains("holds 120")
        .contains("--replace-with-empty");
    assertThat(windows.total(Granularity.HOURLY, h)).as("the window as it was").isEqualTo(120);

    RollupRun.Result emptied =
        rollups.start(Granularity.HOURLY, List.of(h), true, new RollupRun.Listener() {}).await();
    finished(emptied);
    assertThat(windows.total(Granularity.HOURLY, h)).isZero();
  }

  @Test
  @Order(6)
  void aRangePastRetentionIsReportedExpiredNeverShort() throws Exception {
    Instant old =
        Instant.now()
            .truncatedTo(ChronoUnit.HOURS)
            .minus(Duration.ofDays(40)); // hourly windows are kept 30 days
    HeatmapService.Answer a;
    try (HeatmapService service = HeatmapService.of(STACK.config(), STACK.endpoints())) {
      a =
          service.heatmap(
              new HeatmapService.Request(
                  "demo",
                  "pricing",
                  List.of("move", "click"),
                  ViewportClass.DESKTOP,
                  old,
                  old.plus(Duration.ofHours(5))));
    }
    assertThat(a.expired())
        .containsExactly(
            new RollupCoverage.Expired(Granularity.HOURLY, old, old.plus(Duration.ofHours(5))));
    assertThat(a.missingHours()).isEmpty();
    assertThat(a.gaps()).contains("past the hourly retention");

    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            STACK.endpoints().httpUrl()
                                + "/v1/heatmap?client_id=demo&screen_id=pricing&from="
                                + old
                                + "&to="
                                + old.plus(Duration.ofHours(5))))
                    .header("Authorization", "Bearer demo-read-key")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode expired = new ObjectMapper().readTree(r.body()).path("coverage").path("expired");
    assertThat(expired).hasSize(1);
    assertThat(expired.get(0).path("granularity").asText()).isEqualTo("hourly");
    assertThat(expired.get(0).path("from").asText()).isEqualTo(old.toString());
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------------

  /** Every cell of H1, H2 and their day equals an independent count of the landed events. */
  private static void assertExact() throws Exception {
    for (Instant h : List.of(H1, H2)) {
      assertThat(cells(Granularity.HOURLY, h))
          .as("hour %s, cell by cell", h)
          .isEqualTo(independentCells(List.of(h)));
    }
    Map<String, Long> day = independentCells(List.of(H1, H2));
    assertThat(total(day)).isEqualTo(1800);
    assertThat(cells(Granularity.DAILY, DAY)).as("the day, cell by cell").isEqualTo(day);
  }

  private static void finished(RollupRun.Result r) {
    assertThat(r.state()).as(r.error()).isEqualTo(RunState.FINISHED);
  }

  private static List<LandedEvent> randomEvents(Random random, Instant hour, int n) {
    List<LandedEvent> events = new ArrayList<>();
    String batch = "b-" + hour.toEpochMilli() + "-" + random.nextInt(1_000_000);
    for (int i = 0; i < n; i++) {
      long t = hour.toEpochMilli() + random.nextInt(3_600_000);
      events.add(
          new LandedEvent(
              random.nextBoolean() ? "acme" : "demo",
              random.nextBoolean() ? "pricing" : "landing",
              "s-" + i % 7,
              batch + "-" + i / 50,
              random.nextInt(5) == 0 ? "click" : "move",
              t,
              Math.round(random.nextDouble() * 1e4) / 1e4,
              Math.round(random.nextDouble() * 1e4) / 1e4,
              1440,
              900,
              hour.toEpochMilli() + 3_600_000 + i / 50));
    }
    return events;
  }

  private static void land(ObjectFormat format, Instant hour, List<LandedEvent> rows)
      throws Exception {
    objects.land(format, hour, rows);
  }

  /**
   * The cells of the hours' landed objects, counted here from storage alone: every format's objects
   * decoded, each (client, batch) counted from one copy only — the largest, then the earliest, then
   * the first format by name.
   */
  private static Map<String, Long> independentCells(List<Instant> hours) throws Exception {
    Map<String, Long> cells = new TreeMap<>();
    for (Instant h : hours) {
      Map<String, Map<String, List<LandedEvent>>> copies =
          new HashMap<>(); // client|batch → received_at|format → rows
      for (ObjectStore.Entry o : rollups.landing().objects(HourPartition.of(h.toEpochMilli()))) {
        String format = LandingLayout.parse(o.key()).orElseThrow().format();
        for (LandedEvent e : ObjectFormat.reader(format).decode(store.get(o.key()).orElseThrow())) {
          copies
              .computeIfAbsent(e.clientId() + "|" + e.batchId(), k -> new TreeMap<>())
              .computeIfAbsent(
                  String.format("%020d|%s", e.receivedAt(), format), k -> new ArrayList<>())
              .add(e);
        }
      }
      for (Map<String, List<LandedEvent>> batch : copies.values()) {
        List<LandedEvent> chosen =
            batch.entrySet().stream()
                .max(
                    Comparator.<Map.Entry<String, List<LandedEvent>>>comparingInt(
                            e -> e.getValue().size())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .orElseThrow()
                .getValue();
        for (LandedEvent e : chosen) {
          int x = Math.min(99, (int) Math.floor(e.xNorm() * 100));
          int y = Math.min(99, (int) Math.floor(e.yNorm() * 100));
          cells.merge(
              e.clientId() + "/" + e.screenId() + "/" + e.eventType() + "/" + x + "/" + y,
              1L,
              Long::sum);
        }
      }
    }
    return cells;
  }

  private static Map<String, Long> cells(Granularity g, Instant window) throws Exception {
    return RollupIT.cells(jdbc, g, window);
  }

  private static long total(Map<String, Long> cells) {
    return cells.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Set<String> parts(Granularity g, Instant window) throws Exception {
    return partNames(g, window, "active AND ");
  }

  /** Active and outdated: every part of the window still on disk. */
  private static Set<String> allParts(Granularity g, Instant window) throws Exception {
    return partNames(g, window, "");
  }

  private static Set<String> partNames(Granularity g, Instant window, String condition)
      throws Exception {
    Set<String> names = new TreeSet<>();
    try (Connection c = jdbc.connect();
        PreparedStatement st =
            c.prepareStatement(
                "SELECT name FROM system.parts WHERE "
                    + condition
                    + "database = ? AND table = ? AND partition = ?")) {
      st.setString(1, jdbc.database());
      st.setString(2, g.table());
      st.setString(3, String.valueOf(g.partition(window)));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }
}
