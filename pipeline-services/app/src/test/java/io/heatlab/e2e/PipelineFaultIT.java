package io.heatlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.assets.ScreenCatalog;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.LandedEvent;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.JsonLinesFormat;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.RunState;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.StackPart;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nothing acknowledged is lost, nothing is counted twice: while the traffic generator sends over
 * real HTTP at a steady rate, one part is killed with SIGKILL and restarted (one test per part: the
 * Kafka broker, the Connect worker, the S3 server; ClickHouse and the Spark driver during a
 * rollup). Then the pipeline catches up and the reconciliation must hold for the test's own client:
 * every 202-acknowledged event landed and is counted exactly once in heatmap_hourly, the daily sums
 * equal the hourly ones and the weekly the daily ones. Landed exactly once too: ingestion writes
 * each batch in a Kafka transaction and the connector reads committed records only, so a batch the
 * broker's crash cuts is aborted and never lands in part; a commit whose outcome the crash hides
 * keeps its batch_id claimed until Kafka settles it, so the page's retry is answered "duplicate"
 * instead of landing a second copy.
 */
class PipelineFaultIT {
  private static final List<String> CLIENTS =
      List.of("f-kafka", "f-connect", "f-storage", "f-clickhouse", "f-spark");

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(
              HeatlabConfig.INGEST_WRITE_KEYS,
              String.join(",", CLIENTS.stream().map(c -> c + "=" + c + "-key").toList()))
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "2000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "2000")
          .with(HeatlabConfig.INGEST_SHED_AFTER_MS, "1000");

  private static ObjectStore store;
  private static ClickHouseJdbc jdbc;
  private static Rollups rollups;

  @BeforeAll
  static void clients() {
    HeatlabConfig c = STACK.config();
    store = STACK.endpoints().objectStore(c);
    jdbc = new ClickHouseJdbc(c, STACK.endpoints());
    rollups = new Rollups(c, STACK.endpoints());
  }

  @AfterAll
  static void close() {
    rollups.close();
  }

  @Test
  void kafkaBrokerKilled() throws Exception {
    TrafficStats.Snapshot sent =
        trafficWith("f-kafka", () -> crash("kafka", Duration.ofSeconds(5)));
    assertThat(sent.byStatus()).as("503 + Retry-After while the broker was down").containsKey(503);
    reconcile("f-kafka", sent, false);
  }

  @Test
  void connectWorkerKilled() throws Exception {
    reconcile(
        "f-connect",
        trafficWith("f-connect", () -> crash("connect", Duration.ofSeconds(3))),
        false);
  }

  @Test
  void storageServerKilled() throws Exception {
    reconcile(
        "f-storage",
        trafficWith("f-storage", () -> crash("storage", Duration.ofSeconds(5))),
        false);
  }

  @Test
  void clickHouseKilledDuringARollup() throws Exception {
    reconcile("f-clickhouse", trafficWith("f-clickhouse", () -> {}), true);
  }

  @Test
  void sparkDriverKilledDuringARollup() throws Exception {
    reconcile("f-spark", trafficWith("f-spark", () -> {}), true);
  }

  // ---- the scenario
  // -----------------------------------------------------------------------------------------

  /**
   * 15 s of traffic at 2,000 events/s for {@code client} over the last hour; {@code fault} runs 4 s
   * in.
   */
  private static TrafficStats.Snapshot trafficWith(String client, ThrowingRunnable fault)
      throws Exception {
    TrafficPlan plan =
        TrafficPlan.of(
                STACK.endpoints().httpUrl(),
                client,
                client + "-key",
                ScreenCatalog.load().screens())
            .withClients(10)
            .withRate(2000)
            .withDuration(Duration.ofSeconds(15))
            .withBackfillHours(0.9)
            .withMaxInFlight(32)
            .withSeed(client.hashCode());
    try (TrafficGenerator generator = new TrafficGenerator(plan)) {
      generator.start(s -> {});
      Thread.sleep(4_000);
      fault.run();
      TrafficStats.Snapshot s = generator.awaitEnd();
      System.out.printf(
          "%s: sent %,d, accepted %,d, answers %s, retries %d, failed batches %d%n",
          client, s.eventsSent(), s.eventsAccepted(), s.byStatus(), s.retries(), s.failedBatches());
      assertThat(s.failedBatches())
          .as("every batch acknowledged in the end (retries with backoff)")
          .isZero();
      return s;
    }
  }

  private static void crash(String part, Duration outage) throws Exception {
    StackPart victim = STACK.part(part);
    victim.kill();
    Thread.sleep(outage.toMillis());
    victim.start();
  }

  private static long identitiesOf(Set<String> identities, String batch) {
    return identities.stream().filter(i -> i.startsWith(batch + "/")).count();
  }

  private static void reconcile(String client, TrafficStats.Snapshot sent, boolean faultInRollup)
      throws Exception {
    awaitLagZero();
    Instant now = Instant.now();
    Instant from = now.minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.HOURS);
    Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    List<Instant> hours = Granularity.HOURLY.windows(from, to);

    // landed exactly once: every acknowledged event, no identity twice
    Set<String> identities = new HashSet<>();
    Map<String, TreeMap<Long, Integer>> attempts = new HashMap<>();
    long rows = 0;
    LandingIndex index = new LandingIndex(store, new LandingLayout(LandingLayout.DEFAULT_PREFIX));
    JsonLinesFormat format = new JsonLinesFormat();
    for (Instant h : hours) {
      for (ObjectStore.Entry o : index.objects(HourPartition.of(h.toEpochMilli()))) {
        for (LandedEvent e : format.decode(store.get(o.key()).orElseThrow())) {
          if (e.clientId().equals(client)) {
            rows++;
            identities.add(
                e.batchId()
                    + "/"
                    + e.eventTime()
                    + "/"
                    + e.xNorm()
                    + "/"
                    + e.yNorm()
                    + "/"
                    + e.eventType());
            attempts
                .computeIfAbsent(e.batchId(), b -> new TreeMap<>())
                .merge(e.receivedAt(), 1, Integer::sum);
          }
        }
      }
    }
    attempts.forEach(
        (b, a) ->
            assertThat(a)
                .as("%s: batch %s landed once, whole (one transaction): attempts %s", client, b, a)
                .hasSize(1)
                .containsValue((int) identitiesOf(identities, b)));
    assertThat(identities)
        .as("%s: every acknowledged event landed", client)
        .hasSize((int) sent.eventsAccepted());
    assertThat(rows).as("%s: landed exactly once", client).isEqualTo(sent.eventsAccepted());
    System.out.printf(
        "%s: %,d rows landed for %,d acknowledged events, in %,d batches each landed once%n",
        client, rows, sent.eventsAccepted(), attempts.size());

    if (faultInRollup) {
      RollupRun.Result failed = rollupWithFault(client, hours);
      assertThat(failed.state())
          .as("%s: the run hit by the fault", client)
          .isIn(RunState.FAILED, RunState.KILLED);
    }
    RollupRun.Result ok = rollups.run(Granularity.HOURLY, hours, new RollupRun.Listener() {});
    assertThat(ok.state()).as(ok.error()).isEqualTo(RunState.FINISHED);
    assertThat(rollups.runs().unfinished()).as("no run left recorded as running").isEmpty();
    assertThat(rollups.runs().overCounted(from))
        .as("the Overview's consistency check: no hour counts more than its run read")
        .isEmpty();
    assertThat(HeatmapQuery.total(jdbc, Granularity.HOURLY, client, from, to))
        .as("%s: counted once in heatmap_hourly", client)
        .isEqualTo(sent.eventsAccepted());
    List<Instant> days = Granularity.DAILY.windows(from, to);
    RollupRun.Result daily = rollups.run(Granularity.DAILY, days, new RollupRun.Listener() {});
    assertThat(daily.state()).as(daily.error()).isEqualTo(RunState.FINISHED);
    for (Instant d : days) {
      assertThat(HeatmapQuery.total(jdbc, Granularity.DAILY, client, d, Granularity.DAILY.end(d)))
          .isEqualTo(
              HeatmapQuery.total(jdbc, Granularity.HOURLY, client, d, Granularity.DAILY.end(d)));
    }
    List<Instant> weeks = Granularity.WEEKLY.windows(from, to);
    RollupRun.Result weekly = rollups.run(Granularity.WEEKLY, weeks, new RollupRun.Listener() {});
    assertThat(weekly.state()).as(weekly.error()).isEqualTo(RunState.FINISHED);
    for (Instant w : weeks) {
      assertThat(HeatmapQuery.total(jdbc, Granularity.WEEKLY, client, w, Granularity.WEEKLY.end(w)))
          .as("%s: Σ weekly = Σ daily", client)
          .isEqualTo(
              HeatmapQuery.total(jdbc, Granularity.DAILY, client, w, Granularity.WEEKLY.end(w)));
    }
    System.out.printf(
        "%s: accepted %,d = landed (distinct) %,d = Σ hourly %,d = Σ daily %,d = Σ weekly %,d%n",
        client,
        sent.eventsAccepted(),
        identities.size(),
        HeatmapQuery.total(jdbc, Granularity.HOURLY, client, from, to),
        HeatmapQuery.total(
            jdbc,
            Granularity.DAILY,
            client,
            days.get(0),
            Granularity.DAILY.end(days.get(days.size() - 1))),
        HeatmapQuery.total(
            jdbc,
            Granularity.WEEKLY,
            client,
            weeks.get(0),
            Granularity.WEEKLY.end(weeks.get(weeks.size() - 1))));
  }

  /**
   * An hourly rollup whose ClickHouse (f-clickhouse) or Spark driver (f-spark) is killed while
   * Spark runs.
   */
  private static RollupRun.Result rollupWithFault(String client, List<Instant> hours)
      throws Exception {
    Set<Long> before = new HashSet<>();
    ProcessHandle.current().children().forEach(p -> before.add(p.pid()));
    CountDownLatch running = new CountDownLatch(1);
    RollupRun run =
        rollups.start(
            Granularity.HOURLY,
            hours,
            new RollupRun.Listener() {
              @Override
              public void state(RollupRun r, RunState state) {
                if (state == RunState.RUNNING) {
                  running.countDown();
                }
              }
            });
    assertThat(running.await(120, TimeUnit.SECONDS)).isTrue();
    RollupRun.Result result;
    if (client.equals("f-spark")) {
      ProcessHandle driver =
          ProcessHandle.current()
              .children()
              .filter(p -> !before.contains(p.pid()))
              .findFirst()
              .orElseThrow();
      driver.destroyForcibly(); // SIGKILL
      result = run.await();
    } else {
      StackPart clickhouse = STACK.part("clickhouse");
      clickhouse.kill();
      result = run.await(); // publishing (and recording) fails while ClickHouse is down
      clickhouse.start();
    }
    System.out.printf(
        "%s: the rollup hit by the fault ended %s: %s%n", client, result.state(), result.error());
    return result;
  }

  private static void awaitLagZero() {
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              try (Admin admin =
                      Admin.create(
                          Map.of("bootstrap.servers", STACK.endpoints().kafkaBootstrap()));
                  CommittedTail tail = new CommittedTail(STACK.endpoints().kafkaBootstrap())) {
                return ConsumerLag.landing(admin, tail, STACK.config(), Duration.ofSeconds(10))
                    .caughtUp();
              }
            });
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
