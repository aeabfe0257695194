package io.heatlab.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.SparkSettings;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The health of Spark, the part that is not a long-running process of the stack: rollups launch
 * their own Spark application through spark-launcher. Two checks, both real:
 *
 * <ul>
 *   <li><b>the launcher</b> — the rollup applications can be launched from here: the jar list of
 *       the generated SPARK_HOME and the rollup job jar exist (a clean clone that was never built
 *       has neither); the detail names the runs this process has in flight;
 *   <li><b>the cluster</b>, when there is one ({@code rollup.spark.master=spark://host:port}, or
 *       {@code rollup.spark.master.ui.url} set, as the compose profile does for the cluster its
 *       scheduler uses) — the standalone master's {@code /json/} answers {@code status: ALIVE} with
 *       at least one alive worker.
 * </ul>
 *
 * Reported as the part {@code spark}; address: the master ({@code local[*]} or {@code spark://…}).
 */
public final class SparkProbe {
  public static final String NAME = "spark";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSettings spark;
  private final String masterUi;
  private final Supplier<Collection<RollupRun>> inFlight;

  /**
   * @param masterUi the standalone master's web UI to probe, or empty for none
   * @param inFlight the runs this process has launched and not finished (named in the detail)
   */
  public SparkProbe(
      SparkSettings spark, String masterUi, Supplier<Collection<RollupRun>> inFlight) {
    this.spark = spark;
    this.masterUi = masterUi;
    this.inFlight = inFlight;
  }

  public static SparkProbe of(
      HeatlabConfig config, StackEndpoints endpoints, Supplier<Collection<RollupRun>> inFlight) {
    SparkSettings spark = SparkSettings.of(config, endpoints);
    return new SparkProbe(spark, masterUi(spark.master(), config.sparkMasterUiUrl()), inFlight);
  }

  /**
   * The configured UI, else {@code http://host:8080} of a {@code spark://host:port} master, else
   * none.
   */
  static String masterUi(String master, String configured) {
    if (!configured.isBlank()) {
      return configured.replaceAll("/+$", "");
    }
    if (master.startsWith("spark://")) {
      String hostPort = master.substring("spark://".length()).split(",")[0];
      return "http://" + hostPort.replaceAll(":\\d+$", "") + ":8080";
    }
    return "";
  }

  public PartHealth health() {
    if (!Files.exists(spark.sparkClasspath())) {
      return PartHealth.unhealthy(
          NAME,
          spark.master(),
          "Spark jar list "
              + spark.sparkClasspath()
              + " is missing: build the rollup-job module (./heatlab builds it)");
    }
    if (!Files.isRegularFile(spark.jobJar())) {
      return PartHealth.unhealthy(
          NAME,
          spark.master(),
          "rollup job jar "
              + spark.jobJar()
              + " is missing: build the rollup-job module (./heatlab builds it)");
    }
    String runs = runs();
    if (masterUi.isEmpty()) {
      return PartHealth.healthy(
          NAME,
          spark.master(),
          "spark-launcher ready (SPARK_HOME " + spark.sparkHome() + ") · " + runs);
    }
    String cluster;
    try {
      HttpProbe.Answer a = HttpProbe.get(masterUi + "/json/");
      if (a.status() != 200) {
        return PartHealth.unhealthy(
            NAME, spark.master(), "master " + masterUi + " answered HTTP " + a.status());
      }
      JsonNode m = JSON.readTree(a.body());
      String status = m.path("status").asText("?");
      int workers = m.path("aliveworkers").asInt(0);
      cluster =
          String.format(
              Locale.ROOT,
              "master %s %s, %d alive worker(s), cores %d/%d used, %d app(s) running",
              masterUi,
              status,
              workers,
              m.path("coresused").asInt(),
              m.path("cores").asInt(),
              m.path("activeapps").size());
      if (!"ALIVE".equals(status) || workers == 0) {
        return PartHealth.unhealthy(
            NAME, spark.master(), cluster + (workers == 0 ? ": start a worker" : ""));
      }
    } catch (Exception e) {
      return PartHealth.unhealthy(
          NAME, spark.master(), "master " + masterUi + ": " + HttpProbe.reason(e));
    }
    return PartHealth.healthy(NAME, spark.master(), cluster + " · " + runs);
  }

  private String runs() {
    Collection<RollupRun> runs = inFlight.get();
    if (runs.isEmpty()) {
      return "no rollup running here";
    }
    return runs.stream()
        .map(r -> String.format(Locale.ROOT, "%s %s %.0f%%", r.id(), r.state(), r.progress() * 100))
        .collect(Collectors.joining(", ", "running: ", ""));
  }

  @Override
  public String toString() {
    return "SparkProbe[" + spark.master() + (masterUi.isEmpty() ? "" : ", " + masterUi) + "]";
  }
}
