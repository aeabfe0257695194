package io.heatlab.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.JsonLinesFormat;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.olap.Retention;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The scheduler on the real stack: a first pass rolls up every closed hour, day and week that holds
 * data; a second pass has nothing to do; a late event makes the next pass rerun exactly its hour,
 * day and week; a window whose run fails is recorded FAILED, keeps its data, and is retried after
 * the backoff.
 */
class RollupSchedulerIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(HeatlabConfig.ROLLUP_DRIVER_WARM, "true") // the scheduler's runs on the warm driver
          .with(HeatlabConfig.INGEST_WRITE_KEYS, "acme=acme-write-key")
          .with(
              HeatlabConfig.INGEST_MAX_EVENT_AGE_MS, String.valueOf(Duration.ofDays(16).toMillis()))
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "1000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "1000");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final LandingLayout LAYOUT = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private static long offset;

  /** A clock the test moves forward (for the backoff). */
  static final class TestClock extends Clock {
    volatile Duration ahead = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead);
    }
  }

  @Test
  void rollsUpClosedWindowsRerunsLateDataAndRetriesFailures() throws Exception {
    HeatlabConfig config = STACK.config();
    ObjectStore store = STACK.endpoints().objectStore(config);
    ClickHouseJdbc jdbc = new ClickHouseJdbc(config, STACK.endpoints());
    TestClock clock = new TestClock();
    // the Saturday and Sunday of last ISO week: closed hours, closed days, a closed week, all
    // within 16 days
    Instant base =
        Granularity.WEEKLY.windowOf(Instant.now()).minus(Duration.ofDays(7)); // last week's Monday
    Instant h1 = base.plus(Duration.ofDays(5)).plus(Duration.ofHours(10));
    Instant h2 = base.plus(Duration.ofDays(6)).plus(Duration.ofHours(15));
    Instant week = base;
    send(h1, 3, 0.1);
    send(h2, 2, 0.2);
    awaitLanded(store, h1, 3);
    awaitLanded(store, h2, 2);

    RollupScheduler.Settings settings =
        new RollupScheduler.Settings(
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofDays(20),
            Duration.ofMinutes(10),
            Retention.of(config),
            StorageRetention.Kept.of(config));
    try (Rollups rollups =
        new Rollups(
            SparkSettings.of(config, STACK.endpoints()), store, LAYOUT, "aggregates/v1", jdbc)) {
      RollupScheduler scheduler =
          new RollupScheduler(
              rollups, new HeatmapWindows(jdbc), settings, clock, new RollupRun.Listener() {});

      // the plan says what a pass would do, and why, without running anything
      assertThat(scheduler.plan())
          .containsExactly(
              new RollupScheduler.Due(Granularity.HOURLY, h1, "landed data, never rolled up"),
              new RollupScheduler.Due(Granularity.HOURLY, h2, "landed data, never rolled up"));
      RollupScheduler.Pass first = scheduler.pass();
      assertThat(first.windows(Granularity.HOURLY)).containsExactly(h1, h2);
      assertThat(first.windows(Granularity.DAILY))
          .containsExactly(Granularity.DAILY.windowOf(h1), Granularity.DAILY.windowOf(h2));
      assertThat(first.windows(Granularity.WEEKLY)).containsExactly(week);
      assertThat(first.runs().values()).allMatch(RollupRun.Result::succeeded);
      assertThat(RollupIT.cells(jdbc, Granularity.WEEKLY, week))
          .isEqualTo(Map.of("acme/pricing/move/10/10", 3L, "acme/pricing/move/20/20", 2L));

      assertThat(scheduler.pass().runs()).as("nothing changed: nothing to do").isEmpty();
      assertThat(scheduler.plan()).isEmpty();

      send(h1, 1, 0.1); // a late event of h1, through ingestion, Kafka and the landing connector
      awaitLanded(store, h1, 4);
      assertThat(scheduler.plan())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.window()).isEqualTo(h1);
                assertThat(d.why()).startsWith("objects written after its last run started (");
              });
      RollupScheduler.Pass late = scheduler.pass();
      assertThat(late.windows(Granularity.HOURLY)).containsExactly(h1);
      assertThat(late.windows(Granularity.DAILY)).containsExactly(Granularity.DAILY.windowOf(h1));
      assertThat(late.windows(Granularity.WEEKLY)).containsExactly(week);
      assertThat(RollupIT.cells(jdbc, Granularity.HOURLY, h1))
          .isEqualTo(Map.of("acme/pricing/move/10/10", 4L));
      assertThat(RollupIT.cells(jdbc, Granularity.HOURLY, h2))
          .isEqualTo(Map.of("acme/pricing/move/20/20", 2L));
      assertThat(RollupIT.cells(jdbc, Granularity.WEEKLY, week))
          .isEqualTo(Map.of("acme/pricing/move/10/10", 4L, "acme/pricing/move/20/20", 2L));

      String bad =
          LAYOUT.objectKey(
              new JsonLinesFormat(),
              HourPartition.of(h2.toEpochMilli()),
              null,
              "heatmap.events",
              9,
              1);
      store.put(bad, "not gzip".getBytes(), "application/gzip", Map.of());
      send(h2, 1, 0.2); // lands next to the bad object: h2 is due again, and its run fails
      awaitLanded(store, h2, 3);
      RollupScheduler.Pass failing = scheduler.pass();
      assertThat(failing.windows(Granularity.HOURLY)).containsExactly(h2);
      assertThat(failing.runs().get(Granularity.HOURLY).state()).isEqualTo(RunState.FAILED);
      assertThat(failing.runs()).doesNotContainKey(Granularity.DAILY);
      assertThat(RollupIT.cells(jdbc, Granularity.HOURLY, h2))
          .as("data kept")
          .isEqualTo(Map.of("acme/pricing/move/20/20", 2L));
      assertThat(
              rollups
                  .runs()
                  .history(Granularity.HOURLY, h2, h2.plusSeconds(3600), 1)
                  .get(0)
                  .state())
          .isEqualTo(RunState.FAILED);

      assertThat(scheduler.pass().runs()).as("backing off").isEmpty();
      assertThat(scheduler.plan())
          .filteredOn(d -> d.granularity() == Granularity.HOURLY)
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.window()).isEqualTo(h2);
                assertThat(d.why()).startsWith("its last run failed (1×); waiting to retry at ");
              });
      store.delete(bad);
      clock.ahead = Duration.ofMinutes(11);
      RollupScheduler.Pass retried = scheduler.pass();
      assertThat(retried.windows(Granularity.HOURLY)).containsExactly(h2);
      assertThat(retried.runs().values()).allMatch(RollupRun.Result::succeeded);
      assertThat(RollupIT.cells(jdbc, Granularity.WEEKLY, week))
          .isEqualTo(Map.of("acme/pricing/move/10/10", 4L, "acme/pricing/move/20/20", 3L));
    }
  }

  /**
   * POSTs {@code events} moves at (xy, xy) with event times in {@code hour} to the ingestion
   * endpoint.
   */
  private static void send(Instant hour, int events, double xy) throws Exception {
    StringBuilder body =
        new StringBuilder("{\"client_id\":\"acme\",\"screen_id\":\"pricing\",\"batch_id\":\"b-")
            .append(offset++)
            .append("\",\"events\":[");
    for (int i = 0; i < events; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"t\":")
          .append(hour.toEpochMilli() + 60_000L * i + offset)
          .append(",\"x\":")
          .append(xy)
          .append(",\"y\":")
          .append(xy)
          .append(",\"type\":\"move\"}");
    }
    body.append("]}");
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/v1/batches"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer acme-write-key")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  /** Waits until the landed objects of {@code hour} hold {@code events} rows. */
  private static void awaitLanded(ObjectStore store, Instant hour, int events) {
    JsonLinesFormat format = new JsonLinesFormat();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              int rows = 0;
              for (ObjectStore.Entry o :
                  store.list(LAYOUT.hourPrefix("jsonl", HourPartition.of(hour.toEpochMilli())))) {
                try {
                  rows += format.decode(store.get(o.key()).orElseThrow()).size();
                } catch (IOException e) {
                  // the test's own bad object
                }
              }
              return rows == events;
            });
  }
}
