package io.heatlab.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.rollup.SparkHome;
import io.heatlab.rollup.SparkSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A node of the stack's own Spark standalone cluster ({@code spark.workers} > 0, the cluster
 * profile): the master ({@code org.apache.spark.deploy.master.Master}) or worker n ({@code
 * org.apache.spark.deploy.worker.Worker}, offering {@code spark.worker.cores} and {@code
 * spark.worker.memory} to executors), Spark's own daemons in child JVMs over the generated
 * SPARK_HOME (the executors a worker starts take their classpath from its {@code jars/}). Every
 * rollup — the warm driver's too — then runs on {@link HeatlabConfig#sparkMaster()}, its executors
 * on the workers. Healthy when the master's {@code /json/} says ALIVE (the master) or lists this
 * worker ALIVE (a worker).
 */
final class SparkStandalonePart extends ProcessPart {
  static final String MASTER = "spark-master";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HeatlabConfig config;
  private final SparkSettings spark;
  private final int worker; // 0: the master
  private final int workers;
  private final String name;

  private SparkStandalonePart(
      HeatlabConfig config, StackLayout layout, StackEndpoints endpoints, int worker) {
    super(
        nameOf(worker, config.getInt(HeatlabConfig.SPARK_WORKERS)),
        layout,
        true,
        Duration.ofMillis(config.getLong(HeatlabConfig.STACK_START_TIMEOUT_MS)));
    this.config = config;
    this.spark = SparkSettings.of(config, endpoints);
    this.worker = worker;
    this.workers = config.getInt(HeatlabConfig.SPARK_WORKERS);
    this.name = nameOf(worker, workers);
  }

  /** The master and every worker of the stack's Spark cluster; none when it runs none. */
  static List<SparkStandalonePart> all(
      HeatlabConfig config, StackLayout layout, StackEndpoints endpoints) {
    if (!config.runsSparkCluster()) {
      return List.of();
    }
    return IntStream.rangeClosed(0, config.getInt(HeatlabConfig.SPARK_WORKERS))
        .mapToObj(n -> new SparkStandalonePart(config, layout, endpoints, n))
        .toList();
  }

  /** The names of the stack's Spark workers (none without a cluster). */
  static List<String> workerNames(HeatlabConfig config) {
    return config.runsSparkCluster()
        ? Nodes.names("spark-worker", config.getInt(HeatlabConfig.SPARK_WORKERS))
        : List.of();
  }

  private static String nameOf(int worker, int workers) {
    return worker == 0 ? MASTER : Nodes.name("spark-worker", worker, workers);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String role() {
    return worker == 0
        ? "Spark standalone master"
        : String.format(
            Locale.ROOT,
            "Spark worker %d of %d (%d core(s), %s for executors)",
            worker,
            workers,
            config.getInt(HeatlabConfig.SPARK_WORKER_CORES),
            config.getString(HeatlabConfig.SPARK_WORKER_MEMORY));
  }

  @Override
  public String address() {
    return worker == 0 ? config.sparkMaster() : "127.0.0.1:" + port();
  }

  private int port() {
    return config.getInt(HeatlabConfig.SPARK_WORKER_PORT) + worker - 1;
  }

  @Override
  public List<String> dependsOn() {
    return worker == 0 ? List.of() : List.of(MASTER);
  }

  @Override
  protected void prepare() throws Exception {
    if (worker == 0) {
      SparkHome.generate(spark.sparkHome(), spark.sparkClasspath()); // the workers' too
    }
  }

  @Override
  protected List<String> command() {
    Path home = spark.sparkHome();
    String classpath = home.resolve("conf") + ":" + home.resolve("jars") + "/*";
    if (worker == 0) {
      return JavaCommand.withClasspath(
          config,
          name,
          layout,
          config.getString(HeatlabConfig.SPARK_DAEMON_HEAP),
          classpath,
          "org.apache.spark.deploy.master.Master",
          "--host",
          "127.0.0.1",
          "--port",
          String.valueOf(config.getInt(HeatlabConfig.SPARK_MASTER_PORT)),
          "--webui-port",
          String.valueOf(config.getInt(HeatlabConfig.SPARK_MASTER_UI_PORT)));
    }
    return JavaCommand.withClasspath(
        config,
        name,
        layout,
        config.getString(HeatlabConfig.SPARK_DAEMON_HEAP),
        classpath,
        "org.apache.spark.deploy.worker.Worker",
        config.sparkMaster(),
        "--host",
        "127.0.0.1",
        "--port",
        String.valueOf(port()),
        "--webui-port",
        "0",
        "--cores",
        String.valueOf(config.getInt(HeatlabConfig.SPARK_WORKER_CORES)),
        "--memory",
        config.getString(HeatlabConfig.SPARK_WORKER_MEMORY),
        "--work-dir",
        layout.partDir(name).resolve("work").toString());
  }

  /**
   * Spark's variables, and on a worker the rollups' storage credentials (as compose gives its
   * workers): the executors it starts inherit them — never on a command line or in a Spark conf.
   */
  @Override
  protected Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", spark.sparkHome().toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    if (worker > 0) {
      env.put("AWS_ACCESS_KEY_ID", spark.accessKey());
      env.put("AWS_SECRET_ACCESS_KEY", spark.secretKey());
    }
    return env;
  }

  @Override
  protected Duration stopGrace() {
    return Duration.ofSeconds(10);
  }

  @Override
  protected PartHealth probe() {
    String ui = config.sparkMasterUiUrl();
    try {
      HttpProbe.Answer a = HttpProbe.get(ui + "/json/");
      if (a.status() != 200) {
        return PartHealth.unhealthy(name, address(), "master UI " + ui + " answered " + a.status());
      }
      JsonNode m = JSON.readTree(a.body());
      if (worker == 0) {
        String status = m.path("status").asText("?");
        String detail =
            String.format(
                Locale.ROOT,
                "%s, %d alive worker(s), cores %d/%d used, %d app(s) running · UI %s",
                status,
                m.path("aliveworkers").asInt(0),
                m.path("coresused").asInt(),
                m.path("cores").asInt(),
                m.path("activeapps").size(),
                ui);
        return "ALIVE".equals(status)
            ? PartHealth.healthy(name, address(), detail)
            : PartHealth.unhealthy(name, address(), detail);
      }
      for (JsonNode w : m.path("workers")) {
        if (w.path("port").asInt() == port() && "ALIVE".equals(w.path("state").asText())) {
          return PartHealth.healthy(
              name,
              address(),
              String.format(
                  Locale.ROOT,
                  "ALIVE, cores %d/%d used, memory %d/%d MB used",
                  w.path("coresused").asInt(),
                  w.path("cores").asInt(),
                  w.path("memoryused").asInt(),
                  w.path("memory").asInt()));
        }
      }
      return PartHealth.unhealthy(name, address(), "not registered with the master (yet)");
    } catch (Exception e) {
      return PartHealth.unhealthy(name, address(), "master UI " + ui + ": " + HttpProbe.reason(e));
    }
  }
}
