package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.stack.testing.CliProcess;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code heatlab up | status | down} commands as a user runs them, each in its own JVM:
 * start-up in the background, status, clean shutdown with no process left, data kept across
 * restarts, and recovery after the stack's own process is killed with SIGKILL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackCliIT {
  private static Path dataDir;
  private static final Map<String, String> ENV = new LinkedHashMap<>();
  private static HeatlabConfig config;

  @BeforeAll
  static void freshDataDirAndPorts() throws IOException {
    dataDir = Files.createTempDirectory("heatlab-cli-");
    ENV.put("HEATLAB_DATA_DIR", dataDir.toString());
    for (String key : HeatlabConfig.PORTS) {
      ENV.put(ConfigLoader.envName(key), String.valueOf(freePort()));
    }
    ENV.put("HEATLAB_KAFKA_HEAP", "512m");
    ENV.put("HEATLAB_CONNECT_HEAP", "512m");
    ENV.put("HEATLAB_STACK_JVM_OPTIONS", EmbeddedStackExtension.JVM_OPTIONS);
    ENV.put("HEATLAB_ROLLUP_DRIVER_WARM", "false"); // its four child processes, no Spark warm-up
    config = ConfigLoader.load("embedded", null, ENV);
  }

  @AfterAll
  static void downAndClean() throws Exception {
    heatlab("down");
    EmbeddedStackExtension.deleteRecursively(dataDir);
  }

  @Test
  @Order(1)
  void upStartsEveryPartAndSecondUpSaysItRuns() throws Exception {
    CliProcess.Run up = heatlab("up");
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output()).contains("heatlab stack is up in");
    assertThat(up.output()).contains("self-check: 0 published window(s) checked");

    CliProcess.Run again = heatlab("up");
    assertThat(again.exitCode()).isZero();
    assertThat(again.output()).contains("already running");
  }

  @Test
  @Order(2)
  void statusJsonListsEveryPartHealthy() throws Exception {
    CliProcess.Run status = heatlab("status", "--json");
    assertThat(status.exitCode()).as(status.output()).isZero();
    JsonNode parts = new ObjectMapper().readTree(status.output());
    Map<String, String> addresses = new LinkedHashMap<>();
    parts.forEach(
        p -> {
          assertThat(p.get("state").asText()).as(p.toString()).isEqualTo("healthy");
          addresses.put(p.get("name").asText(), p.get("address").asText());
        });
    StackEndpoints endpoints = StackEndpoints.of(config);
    assertThat(addresses)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "kafka", endpoints.kafkaBootstrap(),
                "connect", endpoints.connectUrl(),
                "storage", endpoints.storageEndpoint(),
                "clickhouse", endpoints.clickhouseUrl(),
                "http", endpoints.httpUrl()));
  }

  @Test
  @Order(3)
  void downStopsEveryProcessAndRestartKeepsData() throws Exception {
    StackEndpoints endpoints = StackEndpoints.of(config);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrap()))) {
      admin
          .createTopics(List.of(new NewTopic("kept-across-restarts", 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    MinioClient minio = StorageClients.minio(config, endpoints);
    byte[] body = "kept".getBytes(StandardCharsets.UTF_8);
    minio.putObject(
        PutObjectArgs.builder().bucket("heatlab-raw").object("kept/object.txt").stream(
                new ByteArrayInputStream(body), body.length, -1)
            .build());
    List<Long> pids = partPids();
    assertThat(pids).hasSize(4);

    CliProcess.Run down = heatlab("down");
    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(pids)
        .allSatisfy(pid -> assertThat(alive(pid)).isFalse().as("process %d still alive", pid));
    assertThat(heatlab("status").exitCode()).isEqualTo(3);

    assertThat(heatlab("up").exitCode()).isZero();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrap()))) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .contains("kept-across-restarts", "heatmap.batches");
    }
    assertThat(
            minio
                .statObject(
                    StatObjectArgs.builder()
                        .bucket("heatlab-raw")
                        .object("kept/object.txt")
                        .build())
                .size())
        .isEqualTo(body.length);
  }

  @Test
  @Order(4)
  void upAfterTheStackProcessWasKilledReplacesItsStaleChildren() throws Exception {
    ProcessHandle supervisor = Supervisor.running(new StackLayout(dataDir)).orElseThrow();
    List<Long> stale = partPids();
    supervisor.destroyForcibly();
    supervisor.onExit().get(10, TimeUnit.SECONDS);
    assertThat(stale).allSatisfy(pid -> assertThat(alive(pid)).isTrue());

    CliProcess.Run up = heatlab("up");
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output()).contains("stopped stale");
    assertThat(stale).allSatisfy(pid -> assertThat(alive(pid)).isFalse());
    assertThat(heatlab("status").exitCode()).isZero();
    // the stack stays up for the next test, which stops it (and checks no process is left)
  }

  /**
   * A part killed with SIGKILL comes back by itself (the supervisor's watchdog), and {@code status}
   * says it was restarted; {@code down} with a dead broker stops the rest without waiting for it.
   */
  @Test
  @Order(5)
  void aKilledPartComesBackByItselfAndDownDoesNotWaitForADeadOne() throws Exception {
    long kafka = partPid("kafka"); // the stack the previous test brought up
    ProcessHandle.of(kafka).orElseThrow().destroyForcibly();
    long t0 = System.nanoTime();
    JsonNode back = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (back == null && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      CliProcess.Run status = heatlab("status", "--json");
      for (JsonNode p : new ObjectMapper().readTree(status.output())) {
        if (p.path("name").asText().equals("kafka")
            && p.path("state").asText().equals("healthy")
            && p.path("restarts").asInt() == 1) {
          back = p;
        }
      }
    }
    assertThat(back).as("kafka restarted by the supervisor and healthy again").isNotNull();
    assertThat(back.path("pid").asLong()).isNotEqualTo(kafka);
    assertThat(back.path("detail").asText()).contains("restarted by the supervisor");
    System.out.printf(
        "StackCliIT: kafka killed -9, healthy again (restarts=1) after %.1f s%n",
        (System.nanoTime() - t0) / 1e9);

    List<Long> pids = partPids();
    ProcessHandle.of(partPid("kafka")).orElseThrow().destroyForcibly();
    Thread.sleep(500);
    long d0 = System.nanoTime();
    CliProcess.Run down = heatlab("down");
    double downSeconds = (System.nanoTime() - d0) / 1e9;
    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("pid %d", pid).isFalse());
    System.out.printf("StackCliIT: down with a dead broker took %.1f s%n", downSeconds);
  }

  private static long partPid(String part) {
    StackLayout layout = new StackLayout(dataDir);
    return ChildProcess.recorded(layout.runDir().resolve(part + ".pid"), layout.root().toString())
        .map(ProcessHandle::pid)
        .orElseThrow(() -> new AssertionError(part + " has no live recorded process"));
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static List<Long> partPids() {
    StackLayout layout = new StackLayout(dataDir);
    List<Long> pids = new ArrayList<>();
    for (String part : List.of("kafka", "connect", "storage", "clickhouse")) {
      Optional<ProcessHandle> handle =
          ChildProcess.recorded(layout.runDir().resolve(part + ".pid"), layout.root().toString());
      handle.ifPresent(h -> pids.add(h.pid()));
    }
    return pids;
  }

  private static CliProcess.Run heatlab(String... args) throws Exception {
    return CliProcess.run(ENV, args);
  }

  private static int freePort() {
    return FreePorts.next();
  }
}
