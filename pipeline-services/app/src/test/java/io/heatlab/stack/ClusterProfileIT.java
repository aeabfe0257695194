package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.LandedCount;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.RunState;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import io.heatlab.stack.testing.FaultTraffic;
import io.heatlab.traffic.TrafficStats;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster profile on real engines, every node a process ({@code conf/cluster.properties}, free
 * ports): 3 Kafka nodes (replication 3, min.insync.replicas 2), 2 Connect workers in one group, a
 * Spark standalone master with 2 workers, 2 ingestion services sharing Redis — and one node of each
 * kind killed (-9) while it works: a broker under traffic, a Connect worker under traffic, a Spark
 * worker mid-rollup. Each time every acknowledged event lands exactly once and is counted exactly
 * once by the rollups, which ran on the {@code spark://} master and equal the same hours rolled up
 * on one machine ({@code local[*]}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProfileIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CLIENTS = List.of("c-broker", "c-connect");

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .profile("cluster")
          // landing closes its objects every 2 s instead of 30: the tests wait for what landed
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "2000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "2000")
          .with(
              HeatlabConfig.INGEST_WRITE_KEYS,
              "demo=demo-write-key,c-broker=c-broker-key,c-connect=c-connect-key");

  private static ObjectStore store;
  private static Rollups rollups;
  private static ClickHouseJdbc jdbc;
  private static final Map<String, Long> accepted = new ConcurrentHashMap<>();

  @BeforeAll
  static void clients() {
    store = STACK.endpoints().objectStore(STACK.config());
    rollups = new Rollups(STACK.config(), STACK.endpoints());
    jdbc = new ClickHouseJdbc(STACK.config(), STACK.endpoints());
  }

  @AfterAll
  static void close() {
    if (rollups != null) {
      rollups.close();
    }
  }

  @Test
  @Order(1)
  void everyNodeRunsWithItsRoleAndTopicsAreReplicatedOverTheBrokers() throws Exception {
    Stack stack = STACK.stack();
    assertThat(stack.parts().stream().map(StackPart::name))
        .contains(
            "kafka-1",
            "kafka-2",
            "kafka-3",
            "connect-1",
            "connect-2",
            "spark-master",
            "spark-worker-1",
            "spark-worker-2",
            "redis",
            "ingest-1",
            "ingest-2",
            "storage",
            "clickhouse",
            "http");
    assertThat(stack.parts().stream().map(StackPart::role).distinct().count())
        .as("every node says what it is")
        .isEqualTo(stack.parts().size());
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .untilAsserted(
            () ->
                assertThat(stack.health())
                    .allSatisfy(
                        h -> assertThat(h.healthy()).as(h.name() + ": " + h.detail()).isTrue()));
    assertThat(STACK.endpoints().kafkaBootstrap().split(",")).hasSize(3);

    String topic = STACK.config().getString(HeatlabConfig.EVENTS_TOPIC);
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", STACK.endpoints().kafkaBootstrap()))) {
      TopicDescription d =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      assertThat(
              admin
                  .describeConfigs(List.of(resource))
                  .all()
                  .get(30, TimeUnit.SECONDS)
                  .get(resource)
                  .get("min.insync.replicas")
                  .value())
          .isEqualTo("2");
    }
    // the landing tasks spread over both workers of the group
    Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(() -> assertThat(taskWorkers()).hasSize(2));
  }

  @Test
  @Order(2)
  void aBrokerKilledUnderTrafficLosesNoAcknowledgedEvent() throws Exception {
    TrafficStats.Snapshot sent =
        trafficWith("c-broker", () -> crash("kafka-2", Duration.ofSeconds(5)));
    accepted.put("c-broker", sent.eventsAccepted());
    for (StackPart ingest : STACK.stack().nodes("ingest")) {
      assertThat(acceptedBy(ingest)).as(ingest.name() + " took its share").isPositive();
    }
    assertLandedOnce("c-broker", sent.eventsAccepted());
  }

  @Test
  @Order(3)
  void aConnectWorkerKilledHandsItsTasksToTheOtherAndLandsEveryEventOnce() throws Exception {
    StackPart worker = STACK.stack().part("connect-2");
    TrafficStats.Snapshot sent =
        trafficWith(
            "c-connect",
            () -> {
              worker.kill();
              // its tasks move to the survivor once its session expires and the rebalance delay
              // ends
              Awaitility.await()
                  .atMost(Duration.ofMinutes(2))
                  .pollInterval(Duration.ofSeconds(1))
                  .untilAsserted(() -> assertThat(taskWorkers()).hasSize(1));
            });
    accepted.put("c-connect", sent.eventsAccepted());
    assertLandedOnce("c-connect", sent.eventsAccepted());
    worker.start(); // returns once it is healthy again: it rejoins the group (tasks spread later)
    assertThat(worker.health().healthy()).isTrue();
  }

  @Test
  @Order(4)
  void aSparkWorkerKilledMidRollupLeavesTheCountsExactAndEqualToOneMachine() throws Exception {
    List<Instant> hours = hours();
    StackPart victim = STACK.stack().part("spark-worker-1");
    AtomicReference<RunState> atKill = new AtomicReference<>();
    RollupRun.Result result =
        rollups.run(
            Granularity.HOURLY,
            hours,
            new RollupRun.Listener() {
              @Override
              public void progress(RollupRun run, double fraction) {
                if (fraction > 0 && atKill.compareAndSet(null, run.state())) {
                  victim.kill(); // its executor loses its worker and exits: tasks rerun elsewhere
                }
              }
            });
    assertThat(result.state()).as(result.error()).isEqualTo(RunState.FINISHED);
    assertThat(atKill.get()).as("the worker died while the job ran").isEqualTo(RunState.RUNNING);
    List<RollupRuns.Run> recorded =
        rollups.runs().history(Granularity.HOURLY, hours.get(0), Instant.now(), 50);
    assertThat(recorded)
        .filteredOn(r -> r.runId().equals(result.runId()))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.sparkMaster()).isEqualTo(STACK.config().sparkMaster()));
    assertThat(STACK.config().sparkMaster()).startsWith("spark://127.0.0.1:");
    Instant from = hours.get(0);
    Instant to = Granularity.HOURLY.end(hours.get(hours.size() - 1));
    for (String client : CLIENTS) {
      assertThat(HeatmapQuery.total(jdbc, Granularity.HOURLY, client, from, to))
          .as("%s: Σ heatmap_hourly = accepted", client)
          .isEqualTo(accepted.get(client));
    }
    victim.start();

    // the same hours rolled up on one machine (local[*]) give the same cells
    Map<String, Long> onCluster = cells(from, to);
    HeatlabConfig local = STACK.config().with(Map.of(HeatlabConfig.SPARK_WORKERS, "0"));
    try (Rollups oneMachine = new Rollups(local, STACK.endpoints())) {
      RollupRun.Result again =
          oneMachine.run(Granularity.HOURLY, hours, new RollupRun.Listener() {});
      assertThat(again.state()).as(again.error()).isEqualTo(RunState.FINISHED);
      assertThat(oneMachine.sparkMaster()).startsWith("local");
    }
    assertThat(cells(from, to)).isEqualTo(onCluster);
  }

  // ---------------------------------------------------------------------------------------------

  /** 12 s of traffic through both ingestion services, {@code fault} 4 s in. */
  private static TrafficStats.Snapshot trafficWith(String client, FaultTraffic.Fault fault)
      throws Exception {
    String urls =
        String.join(",", STACK.stack().nodes("ingest").stream().map(StackPart::address).toList());
    return FaultTraffic.during(urls, client, 1500, Duration.ofSeconds(12), fault);
  }

  private static void crash(String node, Duration outage) throws Exception {
    StackPart victim = STACK.stack().part(node);
    victim.kill();
    Thread.sleep(outage.toMillis());
    victim.start();
  }

  private static void assertLandedOnce(String client, long acknowledged) {
    LandingIndex index = new LandingIndex(store, new LandingLayout(LandingLayout.DEFAULT_PREFIX));
    AtomicReference<LandedCount> last = new AtomicReference<>();
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(
            () -> {
              last.set(LandedCount.of(store, index, client, hours()));
              return last.get().distinct() >= acknowledged;
            });
    LandedCount landed = last.get();
    System.out.printf(
        "%s: %,d acknowledged, %,d rows landed (%,d distinct), %,d batches landed twice%n",
        client, acknowledged, landed.rows(), landed.distinct(), landed.batchesLandedTwice());
    assertThat(landed.partialBatches()).as("each batch landed whole").isEmpty();
    assertThat(landed.distinct()).as("every acknowledged event landed").isEqualTo(acknowledged);
    assertThat(landed.rows()).as("and only once").isEqualTo(acknowledged);
  }

  private static List<Instant> hours() {
    Instant now = Instant.now();
    return Granularity.HOURLY.windows(
        now.minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.HOURS),
        now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
  }

  /** The workers (host:port) the landing connector's running tasks are on. */
  private static Set<String> taskWorkers() throws Exception {
    String name = STACK.config().getString(HeatlabConfig.LANDING_CONNECTOR);
    HttpProbe.Answer a =
        HttpProbe.get(
            STACK.stack().part("connect-1").address() + "/connectors/" + name + "/status");
    Set<String> workers = new HashSet<>();
    for (JsonNode t : JSON.readTree(a.body()).path("tasks")) {
      if ("RUNNING".equals(t.path("state").asText())) {
        workers.add(t.path("worker_id").asText());
      }
    }
    return workers;
  }

  private static long acceptedBy(StackPart ingest) throws Exception {
    HttpProbe.Answer a = HttpProbe.get(ingest.address() + "/healthz");
    return JSON.readTree(a.body()).path("ingest").path("accepted_events").asLong();
  }

  /**
   * Every cell of heatmap_hourly in [from, to): "client/screen/type/viewport/window/x/y" → count.
   */
  private static Map<String, Long> cells(Instant from, Instant to) throws Exception {
    Map<String, Long> cells = new TreeMap<>();
    try (var c = jdbc.connect();
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT client_id, screen_id, event_type, viewport_class, toString(window_start),"
                        + " cell_x, cell_y, sum(count) FROM heatmap_hourly WHERE window_start >= '"
                        + Granularity.dateTime(from)
                        + "' AND window_start < '"
                        + Granularity.dateTime(to)
                        + "' GROUP BY client_id, screen_id, event_type, viewport_class, window_start,"
                        + " cell_x, cell_y")) {
      while (rs.next()) {
        cells.put(
            String.join(
                "/",
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7)),
            rs.getLong(8));
      }
    }
    return cells;
  }
}
