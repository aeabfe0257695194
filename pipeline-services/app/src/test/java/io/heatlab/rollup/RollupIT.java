package io.heatlab.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.contract.LandedEvent;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.JsonLinesFormat;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.landing.ParquetFormat;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.stack.SparkDriverPart;
import io.heatlab.stack.StackPart;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollups on real Spark 4.0.4 (local, through spark-launcher), the real S3 server and real
 * ClickHouse: synthetic landed objects with known positions → exact cell counts; daily = Σ hours,
 * weekly = Σ days, cell by cell; reruns identical; a failed run leaves the window's data and is
 * recorded; a cancel stops Spark. Each test uses its own hours (a window is replaced for every
 * client at once).
 */
class RollupIT {

  /** With the warm driver, as deployed: every run below goes to it (or falls back when it died). */
  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension().with(HeatlabConfig.ROLLUP_DRIVER_WARM, "true");

  private static final LandingLayout LAYOUT = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private static ObjectStore store;
  private static ClickHouseJdbc jdbc;
  private static Rollups rollups;
  private static LandedObjects objects;

  @BeforeAll
  static void rollups() {
    HeatlabConfig config = STACK.config();
    StackEndpoints endpoints = STACK.endpoints();
    store = endpoints.objectStore(config);
    objects = new LandedObjects(store, LAYOUT);
    jdbc = new ClickHouseJdbc(config, endpoints);
    SparkSettings spark = SparkSettings.of(config, endpoints);
    rollups = new Rollups(spark, store, LAYOUT, "aggregates/v1", jdbc);
  }

  @AfterAll
  static void close() {
    rollups.close();
  }

  @Test
  void hourlyCountsEachEventInItsCellAndRerunsAreIdentical() throws Exception {
    Instant h1 = Instant.parse("2026-11-16T10:00:00Z");
    Instant h2 = Instant.parse("2026-11-16T11:00:00Z");
    Instant empty = Instant.parse("2026-11-16T12:00:00Z");
    // x = 0 → cell 0, x = 1 → cell 99 (clamped), 0.505 → 50, 0.999 → 99, 0.01 → 1
    land(
        new JsonLinesFormat(),
        h1,
        List.of(
            event("acme", "pricing", "move", h1, 0.0, 1.0),
            event("acme", "pricing", "move", h1, 0.0, 1.0),
            event("acme", "pricing", "click", h1, 0.505, 0.01)));
    land(
        new JsonLinesFormat(),
        h1,
        List.of(
            event("acme", "pricing", "move", h1, 0.0, 1.0),
            event("beta", "landing", "move", h1, 0.999, 0.5)));
    land(new JsonLinesFormat(), h2, List.of(event("acme", "pricing", "move", h2, 0.25, 0.75)));

    RollupRun.Result first =
        rollups.run(Granularity.HOURLY, List.of(h1, h2, empty), new RollupRun.Listener() {});
    assertThat(first.state()).as(first.error()).isEqualTo(RunState.FINISHED);
    assertThat(first.windows().get(h1).rowsIn()).isEqualTo(5);
    assertThat(first.windows().get(h1).rowsOut()).isEqualTo(3);
    assertThat(first.windows().get(empty).rowsOut()).isZero();
    Map<String, Long> expectedH1 =
        Map.of(
            "acme/pricing/move/0/99",
            3L,
            "acme/pricing/click/50/1",
            1L,
            "beta/landing/move/99/50",
            1L);
    assertThat(cells(Granularity.HOURLY, h1)).isEqualTo(expectedH1);
    assertThat(cells(Granularity.HOURLY, h2)).isEqualTo(Map.of("acme/pricing/move/25/75", 1L));
    assertThat(cells(Granularity.HOURLY, empty)).isEmpty();

    RollupRun.Result rerun =
        rollups.run(Granularity.HOURLY, List.of(h1, h2), new RollupRun.Listener() {});
    assertThat(rerun.state()).isEqualTo(RunState.FINISHED);
    assertThat(cells(Granularity.HOURLY, h1))
        .as("a rerun replaces, never adds")
        .isEqualTo(expectedH1);
    assertThat(rollups.aggregates().current(Granularity.HOURLY, h1).orElseThrow().runId())
        .isEqualTo(rerun.runId());
    assertThat(store.list(rollups.aggregates().windowPrefix(Granularity.HOURLY, first.runId(), h1)))
        .as("the replaced run's aggregate is removed")
        .isEmpty();
    List<RollupRuns.Run> history = rollups.runs().history(Granularity.HOURLY, h1, h2, 10);
    assertThat(history)
        .extracting(RollupRuns.Run::runId)
        .containsExactly(rerun.runId(), first.runId());
    assertThat(history)
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(RunState.FINISHED);
              assertThat(r.rowsIn()).isEqualTo(5);
              assertThat(r.finishedAt()).isAfter(r.startedAt().minusSeconds(1));
              assertThat(r.sparkAppId()).startsWith("local-");
            });
  }

  @Test
  void parquetObjectsRollUpLikeJsonLines() throws Exception {
    Instant h = Instant.parse("2026-11-17T05:00:00Z");
    land(
        new ParquetFormat("zstd"),
        h,
        List.of(
            event("acme", "checkout", "move", h, 0.42, 0.42),
            event("acme", "checkout", "move", h, 0.429, 0.421),
            event("acme", "checkout", "click", h, 0.5, 0.5)));
    RollupRun.Result r = rollups.run(Granularity.HOURLY, List.of(h), new RollupRun.Listener() {});
    assertThat(r.state()).as(r.error()).isEqualTo(RunState.FINISHED);
    assertThat(cells(Granularity.HOURLY, h))
        .isEqualTo(Map.of("acme/checkout/move/42/42", 2L, "acme/checkout/click/50/50", 1L));
  }

  @Test
  void aBatchCutByABrokerCrashAndRetriedCountsOnce() throws Exception {
    Instant h = Instant.parse("2026-11-17T06:00:00Z");
    List<LandedEvent> whole = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t = h.toEpochMilli() + 1000 + i;
      whole.add(
          new LandedEvent(
              "acme",
              "pricing",
              "s",
              "retried",
              "move",
              t,
              0.1 * i,
              0.5,
              800,
              600,
              h.toEpochMilli() + 9_000));
    }
    List<LandedEvent> partial =
        whole.subList(0, 3).stream()
            .map(
                e ->
                    new LandedEvent(
                        e.clientId(),
                        e.screenId(),
                        e.sessionId(),
                        e.batchId(),
                        e.eventType(),
                        e.eventTime(),
                        e.xNorm(),
                        e.yNorm(),
                        e.viewportW(),
                        e.viewportH(),
                        h.toEpochMilli() + 2_000))
            .toList();
    land(
        new JsonLinesFormat(),
        h,
        partial); // the first attempt: 3 of 5 records written, answered 503
    land(new JsonLinesFormat(), h, whole); // the client's retry, whole
    land(new JsonLinesFormat(), h, List.of(event("acme", "pricing", "click", h, 0.9, 0.9)));
    RollupRun.Result r = rollups.run(Granularity.HOURLY, List.of(h), new RollupRun.Listener() {});
    assertThat(r.state()).as(r.error()).isEqualTo(RunState.FINISHED);
    assertThat(cells(Granularity.HOURLY, h).values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(6);
    assertThat(cells(Granularity.HOURLY, h))
        .containsEntry("acme/pricing/move/0/50", 1L)
        .containsEntry("acme/pricing/move/40/50", 1L);
  }

  @Test
  void dailyIsTheSumOfItsHoursAndWeeklyTheSumOfItsDays() throws Exception {
    Instant monday = Instant.parse("2026-11-02T00:00:00Z");
    Random random = new Random(7);
    List<Instant> hours = new ArrayList<>();
    for (int day = 0; day < 7; day += 3) { // Monday, Thursday, Sunday
      for (int hour : new int[] {0, 13, 23}) {
        Instant h = monday.plusSeconds(day * 86_400L + hour * 3600L);
        hours.add(h);
        List<LandedEvent> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          events.add(
              event(
                  random.nextBoolean() ? "acme" : "beta",
                  random.nextBoolean() ? "pricing" : "landing",
                  random.nextInt(4) == 0 ? "click" : "move",
                  h,
                  random.nextDouble() * 0.1,
                  random.nextDouble() * 0.1));
        }
        land(new JsonLinesFormat(), h, events);
      }
    }
    assertThat(rollups.run(Granularity.HOURLY, hours, new RollupRun.Listener() {}).state())
        .isEqualTo(RunState.FINISHED);
    List<Instant> days = Granularity.DAILY.windows(monday, Granularity.WEEKLY.end(monday));
    assertThat(rollups.run(Granularity.DAILY, days, new RollupRun.Listener() {}).state())
        .isEqualTo(RunState.FINISHED);
    assertThat(
            rollups.run(Granularity.WEEKLY, List.of(monday), new RollupRun.Listener() {}).state())
        .isEqualTo(RunState.FINISHED);

    Map<String, Long> weekFromHours = new TreeMap<>();
    for (Instant d : days) {
      Map<String, Long> dayFromHours = new TreeMap<>();
      for (Instant h : Granularity.HOURLY.windows(d, Granularity.DAILY.end(d))) {
        cells(Granularity.HOURLY, h).forEach((k, v) -> dayFromHours.merge(k, v, Long::sum));
      }
      assertThat(cells(Granularity.DAILY, d))
          .as("day %s = Σ its hours, cell by cell", d)
          .isEqualTo(dayFromHours);
      dayFromHours.forEach((k, v) -> weekFromHours.merge(k, v, Long::sum));
    }
    assertThat(weekFromHours.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9 * 400);
    assertThat(cells(Granularity.WEEKLY, monday))
        .as("week = Σ its days, cell by cell")
        .isEqualTo(weekFromHours);
  }

  @Test
  void aFailedRunIsRecordedAndLeavesTheWindowAsItWas() throws Exception {
    Instant h = Instant.parse("2026-11-18T08:00:00Z");
    land(new JsonLinesFormat(), h, List.of(event("acme", "pricing", "move", h, 0.3, 0.3)));
    assertThat(rollups.run(Granularity.HOURLY, List.of(h), new RollupRun.Listener() {}).state())
        .isEqualTo(RunState.FINISHED);
    String published = rollups.aggregates().current(Granularity.HOURLY, h).orElseThrow().runId();

    land(new JsonLinesFormat(), h, List.of(event("acme", "pricing", "move", h, 0.6, 0.6)));
    store.put(
        LAYOUT.objectKey(
            new JsonLinesFormat(),
            HourPartition.of(h.toEpochMilli()),
            null,
            "heatmap.events",
            5,
            999_999),
        "this is not gzip".getBytes(),
        "application/gzip",
        Map.of());
    RollupRun.Result failed =
        rollups.run(Granularity.HOURLY, List.of(h), new RollupRun.Listener() {});

    assertThat(failed.state()).isEqualTo(RunState.FAILED);
    assertThat(failed.error()).contains("Spark application FAILED");
    assertThat(cells(Granularity.HOURLY, h))
        .as("the previous data of the window")
        .isEqualTo(Map.of("acme/pricing/move/30/30", 1L));
    assertThat(rollups.aggregates().current(Granularity.HOURLY, h).orElseThrow().runId())
        .isEqualTo(published);
    RollupRuns.Run recorded =
        rollups.runs().history(Granularity.HOURLY, h, h.plusSeconds(3600), 1).get(0);
    assertThat(recorded.runId()).isEqualTo(failed.runId());
    assertThat(recorded.state()).isEqualTo(RunState.FAILED);
    assertThat(recorded.error()).isEqualTo(failed.error());
  }

  @Test
  void cancellingARunStopsSparkAndPublishesNothing() throws Exception {
    Instant h = Instant.parse("2026-11-19T09:00:00Z");
    List<LandedEvent> events = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      events.add(event("acme", "pricing", "move", h, (i % 100) / 100.0, 0.5));
    }
    land(new JsonLinesFormat(), h, events);
    CountDownLatch running = new CountDownLatch(1);
    Set<Long> before = new HashSet<>();
    ProcessHandle.current().children().forEach(p -> before.add(p.pid()));
    RollupRun run =
        rollups.start(
            Granularity.HOURLY,
            List.of(h),
            new RollupRun.Listener() {
              @Override
              public void state(RollupRun r, RunState state) {
                if (state == RunState.RUNNING) {
                  running.countDown();
                }
              }
            });
    assertThat(running.await(240, TimeUnit.SECONDS)).isTrue();
    List<ProcessHandle> launched =
        ProcessHandle.current().children().filter(p -> !before.contains(p.pid())).toList();
    boolean warm = WarmDriver.connect(driverFiles()).isPresent();
    long t0 = System.nanoTime();
    run.cancel();
    RollupRun.Result result = run.await();
    assertThat(result.state()).isEqualTo(RunState.KILLED);
    System.out.printf(
        "cancelled in %.1f s (%s)%n",
        (System.nanoTime() - t0) / 1e9, warm ? "on the warm driver" : "its own application");
    if (warm) {
      assertThat(launched).as("no application launched for the run").isEmpty();
      assertThat(run.sparkUi())
          .as("the warm driver's Spark UI, on loopback")
          .startsWith("http://127.0.0.1:");
      HttpResponse<String> jobs =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(run.sparkUi() + "/jobs/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(jobs.statusCode()).isEqualTo(200);
      assertThat(jobs.body()).as("the run's jobs, in its job group").contains(run.id());
      assertThat(SparkEventLogs.of(SparkSettings.eventLogDir(STACK.config()), run.sparkAppId()))
          .as("the driver's event log, for the Spark history server")
          .isPresent();
      assertThat(WarmDriver.connect(driverFiles()))
          .as("the warm driver cancelled the run's jobs and lives on")
          .isPresent();
    } else {
      assertThat(launched).hasSize(1);
      assertThat(launched.get(0).isAlive()).as("the run's application is gone").isFalse();
    }
    assertThat(cells(Granularity.HOURLY, h)).as("nothing published").isEmpty();
    assertThat(rollups.aggregates().current(Granularity.HOURLY, h)).isEmpty();
    assertThat(rollups.runs().history(Granularity.HOURLY, h, h.plusSeconds(3600), 1).get(0).state())
        .isEqualTo(RunState.KILLED);
  }

  @Test
  void aDeadWarmDriverIsReplacedByALaunchThenRestartedAndTheCountsAreTheSame() throws Exception {
    Instant h = Instant.parse("2026-11-20T07:00:00Z");
    land(
        new ParquetFormat("zstd"),
        h,
        List.of(
            event("acme", "pricing", "move", h, 0.1, 0.2),
            event("acme", "pricing", "click", h, 0.3, 0.4)));
    Map<String, Long> expected =
        Map.of("acme/pricing/move/10/20", 1L, "acme/pricing/click/30/40", 1L);
    StackPart driver = STACK.part(SparkDriverPart.NAME);

    List<String> lines = new CopyOnWriteArrayList<>();
    RollupRun.Result warm = rollups.run(Granularity.HOURLY, List.of(h), collect(lines));
    assertThat(warm.state()).as(warm.error()).isEqualTo(RunState.FINISHED);
    assertThat(lines).anyMatch(l -> l.contains("running on the warm Spark driver"));
    assertThat(cells(Granularity.HOURLY, h)).isEqualTo(expected);

    driver.kill(); // kill -9, as a crash or the OOM killer would
    lines.clear();
    RollupRun.Result launched = rollups.run(Granularity.HOURLY, List.of(h), collect(lines));
    assertThat(launched.state()).as(launched.error()).isEqualTo(RunState.FINISHED);
    assertThat(lines)
        .as("no warm driver: the run launched its own application")
        .noneMatch(l -> l.contains("running on the warm Spark driver"));
    assertThat(cells(Granularity.HOURLY, h)).isEqualTo(expected);

    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!driver.health().detail().startsWith("warm:") && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
    }
    assertThat(driver.health().detail())
        .as("relaunched by its watchdog")
        .startsWith("warm:")
        .contains("restarted 1×");
    lines.clear();
    RollupRun.Result again = rollups.run(Granularity.HOURLY, List.of(h), collect(lines));
    assertThat(again.state()).as(again.error()).isEqualTo(RunState.FINISHED);
    assertThat(lines).anyMatch(l -> l.contains("running on the warm Spark driver"));
    assertThat(cells(Granularity.HOURLY, h)).isEqualTo(expected);
  }

  private static RollupRun.Listener collect(List<String> lines) {
    return new RollupRun.Listener() {
      @Override
      public void line(RollupRun run, String line) {
        lines.add(line);
      }
    };
  }

  private static WarmDriver.Locations driverFiles() {
    return SparkSettings.of(STACK.config(), STACK.endpoints()).driverFiles();
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------------

  private static LandedEvent event(
      String client, String screen, String type, Instant hour, double x, double y) {
    long t = hour.toEpochMilli() + 1_000;
    return new LandedEvent(
        client, screen, "s-1", "b-" + objects.offset(), type, t, x, y, 1280, 800, t + 5);
  }

  private static void land(ObjectFormat format, Instant hour, List<LandedEvent> rows)
      throws Exception {
    objects.land(format, hour, rows);
  }

  /** The window's rows as client/screen/type/x/y → count. */
  private static Map<String, Long> cells(Granularity g, Instant window) throws Exception {
    return cells(jdbc, g, window);
  }

  static Map<String, Long> cells(ClickHouseJdbc jdbc, Granularity g, Instant window)
      throws Exception {
    Map<String, Long> cells = new TreeMap<>();
    try (Connection c = jdbc.connect();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT client_id, screen_id, event_type, cell_x, cell_y, count FROM "
                        + g.table()
                        + " WHERE window_start = '"
                        + Granularity.dateTime(window)
                        + "'")) {
      while (rs.next()) {
        String key =
            rs.getString(1)
                + "/"
                + rs.getString(2)
                + "/"
                + rs.getString(3)
                + "/"
                + rs.getInt(4)
                + "/"
                + rs.getInt(5);
        assertThat(cells.put(key, rs.getLong(6))).as("one row per cell: %s", key).isNull();
      }
    }
    return cells;
  }
}
