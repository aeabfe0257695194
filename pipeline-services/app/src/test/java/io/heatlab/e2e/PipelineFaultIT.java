package io.heatlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.LandedCount;
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
import io.heatlab.stack.FreePorts;
import io.heatlab.stack.StackPart;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import io.heatlab.stack.testing.FaultTraffic;
import io.heatlab.stack.testing.IngestProcess;
import io.heatlab.stack.testing.RedisServer;
import io.heatlab.traffic.TrafficStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * every 202-acknowledged event landed and is counted exactly once in heatmap_hourly; where the
 * fault hit a rollup, the daily sums equal the hourly ones and the weekly the daily ones too (a
 * fault upstream of the rollups changes what lands in an hour, never how hours sum: RollupIT proves
 * that). Landed exactly once too: ingestion writes each batch in a Kafka transaction and the
 * connector reads committed records only, so a batch the broker's crash cuts is aborted and never
 * lands in part; a commit whose outcome the crash hides keeps its batch_id claimed until Kafka
 * settles it, so the page's retry is answered "duplicate" instead of landing a second copy.
 */
class PipelineFaultIT {
  private static final List<String> CLIENTS =
      List.of("f-kafka", "f-connect", "f-storage", "f-clickhouse", "f-spark", "f-ingest");

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(
              HeatlabConfig.INGEST_WRITE_KEYS,
              String.join(",", CLIENTS.stream().map(c -> c + "=" + c + "-key").toList()))
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "2000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "2000")
          .with(HeatlabConfig.INGEST_SHED_AFTER_MS, "1000")
          // rollups on the warm driver (each scenario rolls its hours up); f-spark kills it
          .with(HeatlabConfig.ROLLUP_DRIVER_WARM, "true");

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

  /**
   * Ingestion as a server runs it — {@code heatlab ingest} in its own JVM with Redis for
   * de-duplication — killed with SIGKILL under 20,000 events/s, restarted with the same identity,
   * killed again and replaced by an instance of a new identity. A batch whose commit the kill hid
   * is retried by the page and may land twice (at-least-once across a crash: its claim is pending
   * until it expires); the rollups count it once. Then Redis stops: batches are answered 503 with
   * Retry-After, {@code /healthz} says so, and they are accepted again when it is back.
   */
  @Test
  void ingestionProcessKilledTwiceUnderLoadAndRedisStopped() throws Exception {
    String client = "f-ingest";
    int port = FreePorts.next();
    try (RedisServer redis = RedisServer.start()) {
      Map<String, String> settings =
          Map.of(
              HeatlabConfig.INGEST_WRITE_KEYS,
              client + "=" + client + "-key",
              HeatlabConfig.INGEST_REDIS_URL,
              redis.url(),
              HeatlabConfig.INGEST_SHED_AFTER_MS,
              "1000");
      AtomicReference<IngestProcess> ingest =
          new AtomicReference<>(ingestProcess(port, settings, "instance-a"));
      long[] recovery = new long[2];
      try {
        TrafficStats.Snapshot sent =
            trafficWith(
                client,
                ingest.get().url(),
                20_000,
                Duration.ofSeconds(22), // retries of the batches the kills cut go on after them
                () -> {
                  long t0 = System.nanoTime();
                  ingest.get().kill();
                  ingest.set(ingestProcess(port, settings, "instance-a")); // same identity
                  recovery[0] = (System.nanoTime() - t0) / 1_000_000;
                  Thread.sleep(1_000);
                  long t1 = System.nanoTime();
                  ingest.get().kill();
                  ingest.set(ingestProcess(port, settings, "instance-b")); // a new identity
                  recovery[1] = (System.nanoTime() - t1) / 1_000_000;
                });
        System.out.printf(
            "%s: killed -9 twice at 20,000 events/s; serving again after %d ms (same identity) and"
                + " %d ms (new identity)%n",
            client, recovery[0], recovery[1]);

        redis.stop();
        HttpResponse<String> refused = postOne(ingest.get().url(), client, "redis-outage");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("de-duplication store is unavailable");
        HttpResponse<String> health =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(ingest.get().url() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"dedup\"").contains("NOT answering");
        redis.restart();
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> postOne(ingest.get().url(), client, "redis-outage").statusCode() == 202);
        reconcile(client, sent.eventsAccepted() + OUTAGE_BATCH_EVENTS, false, false);
      } finally {
        ingest.get().close();
      }
    }
  }

  private static final int OUTAGE_BATCH_EVENTS = 10;

  private static void awaitWarmDriver() {
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> STACK.part("spark-driver").health().detail().startsWith("warm:"));
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static IngestProcess ingestProcess(
      int port, Map<String, String> settings, String identity) throws Exception {
    Map<String, String> all = new HashMap<>(settings);
    all.put(HeatlabConfig.INGEST_INSTANCE_ID, identity);
    return IngestProcess.start(STACK.config(), port, all, List.of("-Xmx512m"));
  }

  /** One batch of {@value #OUTAGE_BATCH_EVENTS} events of now, always the same batch_id. */
  private static HttpResponse<String> postOne(String url, String client, String batchId)
      throws Exception {
    long now = System.currentTimeMillis();
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < OUTAGE_BATCH_EVENTS; i++) {
      events
          .append(i == 0 ? "" : ",")
          .append("{\"t\":")
          .append(now - i)
          .append(",\"x\":0.25,\"y\":0.75,\"type\":\"click\"}");
    }
    String body =
        "{\"client_id\":\"%s\",\"batch_id\":\"%s\",\"screen_id\":\"pricing\",\"session_id\":\"s-1\",\"viewport\":{\"w\":1440,\"h\":900},\"events\":%s}"
            .formatted(client, batchId, events.append(']'));
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url + "/v1/batches"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + client + "-key")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
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
    reconcile("f-clickhouse", trafficForARollup("f-clickhouse"), true);
  }

  @Test
  void sparkDriverKilledDuringARollup() throws Exception {
    reconcile("f-spark", trafficForARollup("f-spark"), true);
  }

  /** The events a rollup fault hits: 6 s of traffic at 2,000 events/s, nothing killed meanwhile. */
  private static TrafficStats.Snapshot trafficForARollup(String client) throws Exception {
    return trafficWith(client, STACK.endpoints().httpUrl(), 2000, Duration.ofSeconds(6), () -> {});
  }

  // ---- the scenario
  // -----------------------------------------------------------------------------------------

  /**
   * 15 s of traffic at 2,000 events/s for {@code client} over the last hour; {@code fault} runs 4 s
   * in.
   */
  private static TrafficStats.Snapshot trafficWith(String client, ThrowingRunnable fault)
      throws Exception {
    return trafficWith(client, STACK.endpoints().httpUrl(), 2000, Duration.ofSeconds(15), fault);
  }

  /**
   * The same, to the ingestion service at {@code url}, at {@code rate} events/s for {@code
   * duration}.
   */
  private static TrafficStats.Snapshot trafficWith(
      String client, String url, int rate, Duration duration, ThrowingRunnable fault)
      throws Exception {
    return FaultTraffic.during(url, client, rate, duration, fault::run);
  }

  private static void crash(String part, Duration outage) throws Exception {
    StackPart victim = STACK.part(part);
    victim.kill();
    Thread.sleep(outage.toMillis());
    victim.start();
  }

  private static void reconcile(String client, TrafficStats.Snapshot sent, boolean faultInRollup)
      throws Exception {
    reconcile(client, sent.eventsAccepted(), faultInRollup, true);
  }

  /**
   * Every one of the {@code accepted} events landed — exactly once when {@code landedOnce}, else at
   * least once (each attempt whole) — and is counted exactly once by the rollups.
   */
  private static void reconcile(
      String client, long accepted, boolean faultInRollup, boolean landedOnce) throws Exception {
    awaitLagZero();
    Instant now = Instant.now();
    Instant from = now.minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.HOURS);
    Instant to = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    List<Instant> hours = Granularity.HOURLY.windows(from, to);

    // landed exactly once: every acknowledged event, no identity twice
    LandedCount landed =
        LandedCount.of(
            store,
            new LandingIndex(store, new LandingLayout(LandingLayout.DEFAULT_PREFIX)),
            client,
            hours);
    long rows = landed.rows();
    long landedTwice = landed.batchesLandedTwice();
    var attempts = landed.attempts();
    assertThat(landed.partialBatches())
        .as("%s: every batch landed whole (one transaction) each time", client)
        .isEmpty();
    if (landedOnce) {
      attempts.forEach(
          (b, a) ->
              assertThat(a).as("%s: batch %s landed once: attempts %s", client, b, a).hasSize(1));
    }
    assertThat(landed.distinct())
        .as("%s: every acknowledged event landed", client)
        .isEqualTo(accepted);
    if (landedOnce) {
      assertThat(rows).as("%s: landed exactly once", client).isEqualTo(accepted);
    } else {
      assertThat(rows).as("%s: landed at least once", client).isGreaterThanOrEqualTo(accepted);
    }
    System.out.printf(
        "%s: %,d rows landed for %,d acknowledged events, in %,d batches (%,d of them landed more"
            + " than once)%n",
        client, rows, accepted, attempts.size(), landedTwice);

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
    long hourly = HeatmapQuery.total(jdbc, Granularity.HOURLY, client, from, to);
    assertThat(hourly).as("%s: counted once in heatmap_hourly", client).isEqualTo(accepted);
    if (!faultInRollup) {
      System.out.printf(
          "%s: accepted %,d = landed (distinct) %,d = Σ hourly %,d%n",
          client, accepted, landed.distinct(), hourly);
      return;
    }
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
        accepted,
        landed.distinct(),
        hourly,
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
      STACK.part("spark-driver").kill(); // SIGKILL to the warm driver running the rollup
      result = run.await();
      // the stack relaunches it; the reruns go to it (a launch while it is down: RollupIT)
      awaitWarmDriver();
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

  private static void awaitLagZero() throws Exception {
    try (Admin admin =
            Admin.create(Map.of("bootstrap.servers", STACK.endpoints().kafkaBootstrap()));
        CommittedTail tail = new CommittedTail(STACK.endpoints().kafkaBootstrap())) {
      assertThat(
              ConsumerLag.awaitLanding(
                  admin, tail, STACK.config(), Duration.ofMinutes(3), lag -> {}))
          .as("landing caught up")
          .isPresent();
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
