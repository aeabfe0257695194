package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.rollup.SparkSettings;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's spark row against the real thing: the launcher's readiness from the build's jars,
 * and a real Spark standalone master and worker (Spark 4.0.4's own {@code Master} and {@code
 * Worker} classes, run from the rollup job's jar list in child JVMs) for the cluster check.
 */
class SparkProbeIT {
  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopSpark() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void launcherIsReadyWithTheBuildsJarsAndNamesTheFixWhenTheyAreMissing() {
    PartHealth ready = probe(Map.of()).health();
    assertThat(ready.healthy()).as(ready.detail()).isTrue();
    assertThat(ready.name()).isEqualTo("spark");
    assertThat(ready.address()).isEqualTo("local[*]");
    assertThat(ready.detail()).contains("spark-launcher ready").contains("no rollup running here");

    PartHealth missing =
        probe(
                Map.of(
                    HeatlabConfig.ROLLUP_SPARK_HOME_JARS, dir.resolve("nope.classpath").toString()))
            .health();
    assertThat(missing.healthy()).isFalse();
    assertThat(missing.detail()).contains("nope.classpath").contains("build the rollup-job module");
  }

  @Test
  void clusterIsHealthyOnlyWithAnAliveMasterAndAWorker() throws Exception {
    int port = freePort();
    int ui = freePort();
    String master = "spark://127.0.0.1:" + port;
    SparkProbe probe = probe(Map.of(HeatlabConfig.ROLLUP_SPARK_MASTER, master));

    PartHealth none = probe.health();
    assertThat(none.healthy()).isFalse();
    assertThat(none.detail()).contains("connection refused");

    // the UI port is not derivable from a test master on a free port: configure it, as the compose
    // profile does
    probe =
        probe(
            Map.of(
                HeatlabConfig.ROLLUP_SPARK_MASTER,
                master,
                HeatlabConfig.ROLLUP_SPARK_MASTER_UI_URL,
                "http://127.0.0.1:" + ui + "/"));
    Process m =
        spark(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            "" + port,
            "--webui-port",
            "" + ui);
    SparkProbe p = probe;
    await(Duration.ofSeconds(60), () -> p.health().detail().contains("ALIVE"));
    PartHealth alone = probe.health();
    assertThat(alone.healthy()).as(alone.detail()).isFalse();
    assertThat(alone.detail()).contains("0 alive worker(s)").contains("start a worker");

    spark(
        "worker",
        "org.apache.spark.deploy.worker.Worker",
        master,
        "--host",
        "127.0.0.1",
        "--cores",
        "1",
        "--memory",
        "512m",
        "--webui-port",
        "" + freePort(),
        "--work-dir",
        dir.resolve("work").toString());
    await(Duration.ofSeconds(60), () -> p.health().healthy());
    PartHealth healthy = probe.health();
    assertThat(healthy.address()).isEqualTo(master);
    assertThat(healthy.detail())
        .contains("1 alive worker(s)")
        .contains("cores 0/1 used")
        .contains("no rollup running here");

    m.destroyForcibly().waitFor();
    PartHealth gone = probe.health();
    assertThat(gone.healthy()).isFalse();
    assertThat(gone.detail()).contains("connection refused");
  }

  @Test
  void masterUiIsDerivedFromASparkMaster() {
    assertThat(SparkProbe.masterUi("spark://spark-master:7077", ""))
        .isEqualTo("http://spark-master:8080");
    assertThat(SparkProbe.masterUi("local[*]", "")).isEmpty();
    assertThat(SparkProbe.masterUi("local[*]", "http://127.0.0.1:8090/"))
        .isEqualTo("http://127.0.0.1:8090");
  }

  private SparkProbe probe(Map<String, String> settings) {
    HeatlabConfig config = EmbeddedStackExtension.testConfig(dir, settings);
    return SparkProbe.of(config, StackEndpoints.of(config), List::of);
  }

  /**
   * A Spark daemon in a child JVM on the rollup job's Spark jars (what the generated SPARK_HOME
   * links).
   */
  private Process spark(String name, String mainClass, String... args) throws IOException {
    HeatlabConfig config = EmbeddedStackExtension.testConfig(dir, Map.of());
    SparkSettings s = SparkSettings.of(config, StackEndpoints.of(config));
    String classpath = Files.readString(s.sparkClasspath()).trim();
    List<String> command =
        new ArrayList<>(List.of(JavaCommand.javaBinary(), "-Xmx256m", "-cp", classpath, mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_HOME", dir.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static int freePort() {
    return FreePorts.next();
  }

  private static void await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within " + timeout);
      }
      Thread.sleep(250);
    }
  }
}
