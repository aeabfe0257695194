package io.heatlab.rollup;

import io.heatlab.config.BuildArtifacts;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Everything a rollup application is launched with, read once from the configuration. */
public record SparkSettings(
    String master,
    String driverHost,
    String driverMemory,
    String executorMemory,
    int shufflePartitions,
    String storageEndpoint,
    String region,
    String accessKey,
    String secretKey,
    String bucket,
    Path sparkHome,
    Path sparkClasspath,
    Path jobJar,
    Path logDir,
    Path lockFile,
    Duration timeout,
    boolean warmDriver,
    int warmupEvents,
    int warmupRounds,
    WarmDriver.Locations driverFiles,
    Duration eventLogRetention,
    List<String> jvmOptions) {

  public static SparkSettings of(HeatlabConfig c, StackEndpoints endpoints) {
    String endpoint = c.getString(HeatlabConfig.ROLLUP_SPARK_STORAGE_ENDPOINT);
    HeatlabConfig.Credentials storage =
        c.credentials(
            HeatlabConfig.ROLLUP_SPARK_STORAGE_ACCESS_KEY,
            HeatlabConfig.ROLLUP_SPARK_STORAGE_SECRET_KEY,
            HeatlabConfig.STORAGE_ACCESS_KEY,
            HeatlabConfig.STORAGE_SECRET_KEY);
    return new SparkSettings(
        c.sparkMaster(),
        driverHost(c),
        c.getString(HeatlabConfig.ROLLUP_SPARK_DRIVER_MEMORY),
        c.getString(HeatlabConfig.ROLLUP_SPARK_EXECUTOR_MEMORY),
        c.getInt(HeatlabConfig.ROLLUP_SPARK_SHUFFLE_PARTITIONS),
        endpoint.isBlank() ? endpoints.storageEndpoint() : endpoint,
        c.getString(HeatlabConfig.STORAGE_REGION),
        storage.user(),
        storage.secret(),
        c.getString(HeatlabConfig.STORAGE_BUCKET),
        c.dataDir().resolve("spark/home"),
        sparkJars(c),
        jobJar(c),
        c.dataDir().resolve("log/rollups"),
        lockFile(c),
        Duration.ofMillis(c.getLong(HeatlabConfig.ROLLUP_TIMEOUT_MS)),
        c.getBoolean(HeatlabConfig.ROLLUP_DRIVER_WARM),
        c.getInt(HeatlabConfig.ROLLUP_DRIVER_WARMUP_EVENTS),
        c.getInt(HeatlabConfig.ROLLUP_DRIVER_WARMUP_ROUNDS),
        WarmDriver.Locations.of(c.dataDir().toAbsolutePath().normalize()),
        Duration.ofMillis(c.getLong(HeatlabConfig.ROLLUP_SPARK_EVENTLOG_RETENTION_MS)),
        c.jvmOptions());
  }

  /**
   * {@code rollup.spark.driver.host}; on the stack's own Spark cluster (every node on loopback)
   * 127.0.0.1, so the driver listens there only.
   */
  private static String driverHost(HeatlabConfig c) {
    String host = c.getString(HeatlabConfig.ROLLUP_SPARK_DRIVER_HOST);
    return host.isBlank() && c.runsSparkCluster() ? "127.0.0.1" : host;
  }

  /**
   * Java options of the rollup's driver and executors: UTC, G1 regions of 8 MB, and {@code
   * stack.jvm.options}. The Parquet reader allocates a row group's column chunks and each page's
   * decompressed bytes in one array (up to 8 MB); with a 1 GB heap's default 1 MB regions, every
   * one from 512 KB up was a humongous allocation, and a warm run of a 10M-event hour triggered ~80
   * young and ~80 concurrent collections for them (JFR, 2.5 s of pauses); with 8 MB regions, 12.
   */
  public String javaOptions() {
    List<String> options =
        new ArrayList<>(List.of("-Duser.timezone=UTC", "-XX:G1HeapRegionSize=8m"));
    options.addAll(jvmOptions);
    return String.join(" ", options);
  }

  /** Whether the driver runs on this machine's loopback alone (local, or the stack's cluster). */
  public boolean loopbackOnly() {
    return master.startsWith("local") || "127.0.0.1".equals(driverHost);
  }

  /** The same settings, every run launching its own application (benchmarks: the cold path). */
  public SparkSettings cold() {
    return new SparkSettings(
        master,
        driverHost,
        driverMemory,
        executorMemory,
        shufflePartitions,
        storageEndpoint,
        region,
        accessKey,
        secretKey,
        bucket,
        sparkHome,
        sparkClasspath,
        jobJar,
        logDir,
        lockFile,
        timeout,
        false,
        warmupEvents,
        warmupRounds,
        driverFiles,
        eventLogRetention,
        jvmOptions);
  }

  /**
   * Where every rollup application writes its Spark event log ({@code <data>/spark/events}): what
   * {@code ./heatlab spark-history} serves.
   */
  public Path eventLogDir() {
    return eventLogDir(sparkHome.getParent());
  }

  /** The rollup job's jar: the configured one, else the build's (or the installed package's). */
  public static Path jobJar(HeatlabConfig c) {
    String jar = c.getString(HeatlabConfig.ROLLUP_SPARK_JOB_JAR);
    return Path.of(jar.isBlank() ? BuildArtifacts.path("rollup.job.jar") : jar);
  }

  /** The jars of the generated Spark home: a jar list, or a directory of jars (images). */
  public static Path sparkJars(HeatlabConfig c) {
    String jars = c.getString(HeatlabConfig.ROLLUP_SPARK_HOME_JARS);
    return Path.of(jars.isBlank() ? BuildArtifacts.path("spark.home.classpath") : jars);
  }

  /** {@code <data>/spark/events} of {@code c}. */
  public static Path eventLogDir(HeatlabConfig c) {
    return eventLogDir(c.dataDir().resolve("spark"));
  }

  private static Path eventLogDir(Path spark) {
    return spark.toAbsolutePath().normalize().resolve("events");
  }

  /** The lock of the published windows of {@code c}'s data directory ({@link PublishLock}). */
  public static Path lockFile(HeatlabConfig c) {
    return c.dataDir().resolve("run/rollup.lock");
  }

  /** {@code s3a://bucket/key} of an object key or prefix in heatlab's bucket. */
  public String s3a(String key) {
    return "s3a://" + bucket + "/" + key;
  }

  @Override
  public String toString() { // never print the secret
    return "SparkSettings[master="
        + master
        + ", storage="
        + storageEndpoint
        + ", home="
        + sparkHome
        + "]";
  }
}
