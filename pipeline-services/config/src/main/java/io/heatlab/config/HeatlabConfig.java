package io.heatlab.config;

import io.heatlab.landing.LandingConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Every heatlab setting, declared once: name, type, default, validator, importance and one line of
 * doc (Kafka's {@link ConfigDef}). Values come from {@link ConfigLoader}: built-in defaults here,
 * then the profile file ({@code conf/<profile>.properties} on the classpath), then an optional user
 * file, then {@code HEATLAB_*} environment variables.
 *
 * <p>Secrets are {@link Type#PASSWORD}: {@link #toString()} and Kafka's config logging print them
 * as {@code [hidden]}; read them with {@link #secret(String)} only where a client needs them.
 *
 * <p>A port of {@code 0} means "pick a free port when the stack starts" (used by the test fixture).
 */
public final class HeatlabConfig extends AbstractConfig {

  public static final String PROFILE = "profile";
  public static final String DATA_DIR = "data.dir";
  static final String DEFAULT_DATA_DIR = "var";
  public static final String STACK_EMBEDDED = "stack.embedded";
  public static final String STACK_START_TIMEOUT_MS = "stack.start.timeout.ms";
  public static final String STACK_JVM_OPTIONS = "stack.jvm.options";

  public static final String KAFKA_PORT = "kafka.port";
  public static final String KAFKA_CONTROLLER_PORT = "kafka.controller.port";
  public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
  public static final String KAFKA_HEAP = "kafka.heap";
  public static final String EVENTS_TOPIC = "kafka.topic.events";
  public static final String EVENTS_TOPIC_PARTITIONS = "kafka.topic.events.partitions";
  public static final String KAFKA_REPLICATION_FACTOR = "kafka.replication.factor";

  public static final String CONNECT_PORT = "connect.port";
  public static final String CONNECT_URL = "connect.url";
  public static final String CONNECT_HEAP = "connect.heap";
  public static final String CONNECT_GROUP = "connect.group.id";
  public static final String CONNECT_COMMIT_INTERVAL_MS = "connect.commit.interval.ms";

  public static final String STORAGE_PORT = "storage.port";
  public static final String STORAGE_ENDPOINT = "storage.endpoint";
  public static final String STORAGE_ACCESS_KEY = "storage.access.key";
  public static final String STORAGE_SECRET_KEY = "storage.secret.key";
  public static final String STORAGE_REGION = "storage.region";
  public static final String STORAGE_BUCKET = "storage.bucket";
  public static final String STORAGE_HEAP = "storage.heap";
  public static final String STORAGE_S3PROXY_JAR = "storage.s3proxy.jar";

  public static final String CLICKHOUSE_HTTP_PORT = "clickhouse.http.port";
  public static final String CLICKHOUSE_TCP_PORT = "clickhouse.tcp.port";
  public static final String CLICKHOUSE_URL = "clickhouse.url";
  public static final String CLICKHOUSE_USER = "clickhouse.user";
  public static final String CLICKHOUSE_PASSWORD = "clickhouse.password";
  public static final String CLICKHOUSE_DATABASE = "clickhouse.database";
  public static final String CLICKHOUSE_BIN = "clickhouse.bin";
  public static final String QUERY_CLICKHOUSE_USER = "query.clickhouse.user";
  public static final String QUERY_CLICKHOUSE_PASSWORD = "query.clickhouse.password";

  public static final String LANDING_CONNECTOR = "landing.connector.name";
  public static final String LANDING_TASKS = "landing.tasks";

  /**
   * The prefix of the landing connector's tunables ({@link LandingConfig#TUNING}, embedded here).
   */
  public static final String LANDING_PREFIX = "landing.";

  public static final String LANDING_FORMAT = LANDING_PREFIX + LandingConfig.FORMAT;
  public static final String LANDING_PARQUET_CODEC = LANDING_PREFIX + LandingConfig.PARQUET_CODEC;
  public static final String LANDING_FLUSH_SIZE = LANDING_PREFIX + LandingConfig.FLUSH_SIZE;
  public static final String LANDING_ROTATE_INTERVAL_MS =
      LANDING_PREFIX + LandingConfig.ROTATE_INTERVAL_MS;
  public static final String LANDING_ROTATE_SCHEDULE_INTERVAL_MS =
      LANDING_PREFIX + LandingConfig.ROTATE_SCHEDULE_INTERVAL_MS;
  public static final String LANDING_PARTITION_BY_CLIENT =
      LANDING_PREFIX + LandingConfig.PARTITION_BY_CLIENT;
  public static final String LANDING_DLQ_TOPIC = "landing.dlq.topic";
  public static final String LANDING_STORAGE_ENDPOINT = "landing.storage.endpoint";
  public static final String LANDING_STORAGE_ACCESS_KEY = "landing.storage.access.key";
  public static final String LANDING_STORAGE_SECRET_KEY = "landing.storage.secret.key";

  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String INGEST_WRITE_KEYS = "ingest.write.keys";
  public static final String INGEST_MAX_BODY_BYTES = "ingest.max.body.bytes";
  public static final String INGEST_MAX_DECODED_BYTES = "ingest.max.decoded.bytes";
  public static final String INGEST_BODY_MIN_RATE = "ingest.body.min.rate.bytes.per.second";
  public static final String INGEST_BODY_GRACE_MS = "ingest.body.grace.ms";
  public static final String HTTP_MAX_CONNECTIONS = "http.max.connections";
  public static final String HTTP_IDLE_TIMEOUT_MS = "http.idle.timeout.ms";
  public static final String INGEST_MAX_EVENTS = "ingest.max.events.per.batch";
  public static final String INGEST_MAX_EVENT_AGE_MS = "ingest.max.event.age.ms";
  public static final String INGEST_MAX_EVENT_FUTURE_MS = "ingest.max.event.future.ms";
  public static final String INGEST_MAX_INFLIGHT_EVENTS = "ingest.max.inflight.events";
  public static final String INGEST_SHED_AFTER_MS = "ingest.shed.after.ms";
  public static final String INGEST_DELIVERY_TIMEOUT_MS = "ingest.delivery.timeout.ms";
  public static final String INGEST_PRODUCER_LANES = "ingest.producer.lanes";
  public static final String INGEST_INSTANCE_ID = "ingest.instance.id";
  public static final String INGEST_RATE_LIMIT = "ingest.rate.limit.events.per.second";
  public static final String INGEST_CORS_ORIGINS = "ingest.cors.origins";
  public static final String INGEST_ORIGINS = "ingest.origins";
  public static final String INGEST_SCREEN_PATTERNS = "ingest.screen.patterns";
  public static final String API_READ_KEYS = "api.read.keys";
  public static final String INGEST_DEDUP_TTL_MS = "ingest.dedup.ttl.ms";
  public static final String INGEST_REDIS_URL = "ingest.dedup.redis.url";

  public static final String KAFKA_BROKERS = "kafka.brokers";
  public static final String CONNECT_WORKERS = "connect.workers";
  public static final String SPARK_WORKERS = "spark.workers";
  public static final String SPARK_MASTER_PORT = "spark.master.port";
  public static final String SPARK_MASTER_UI_PORT = "spark.master.ui.port";
  public static final String SPARK_WORKER_PORT = "spark.worker.port";
  public static final String SPARK_WORKER_CORES = "spark.worker.cores";
  public static final String SPARK_WORKER_MEMORY = "spark.worker.memory";
  public static final String SPARK_DAEMON_HEAP = "spark.daemon.heap";
  public static final String INGEST_INSTANCES = "ingest.instances";
  public static final String INGEST_PORT = "ingest.port";
  public static final String INGEST_HEAP = "ingest.heap";
  public static final String REDIS_PORT = "redis.port";

  public static final String ROLLUP_SPARK_MASTER = "rollup.spark.master";
  public static final String ROLLUP_SPARK_MASTER_UI_URL = "rollup.spark.master.ui.url";
  public static final String ROLLUP_SPARK_DRIVER_MEMORY = "rollup.spark.driver.memory";
  public static final String ROLLUP_SPARK_EXECUTOR_MEMORY = "rollup.spark.executor.memory";
  public static final String ROLLUP_SPARK_SHUFFLE_PARTITIONS = "rollup.spark.shuffle.partitions";
  public static final String ROLLUP_SPARK_STORAGE_ENDPOINT = "rollup.spark.storage.endpoint";
  public static final String ROLLUP_SPARK_STORAGE_ACCESS_KEY = "rollup.spark.storage.access.key";
  public static final String ROLLUP_SPARK_STORAGE_SECRET_KEY = "rollup.spark.storage.secret.key";
  public static final String ROLLUP_SPARK_DRIVER_HOST = "rollup.spark.driver.host";
  public static final String ROLLUP_SPARK_HOME_JARS = "rollup.spark.home.jars";
  public static final String ROLLUP_SPARK_JOB_JAR = "rollup.spark.job.jar";
  public static final String ROLLUP_TIMEOUT_MS = "rollup.timeout.ms";
  public static final String ROLLUP_DRIVER_WARM = "rollup.driver.warm";
  public static final String ROLLUP_DRIVER_WARMUP_EVENTS = "rollup.driver.warmup.events";
  public static final String ROLLUP_DRIVER_WARMUP_ROUNDS = "rollup.driver.warmup.rounds";
  public static final String ROLLUP_SPARK_EVENTLOG_RETENTION_MS =
      "rollup.spark.eventlog.retention.ms";
  public static final String ROLLUP_SPARK_HISTORY_PORT = "rollup.spark.history.port";
  public static final String QUERY_CACHE_MB = "query.cache.mb";
  public static final String ROLLUP_AGGREGATES_PREFIX = "rollup.aggregates.prefix";
  public static final String ROLLUP_SCHEDULER_ENABLED = "rollup.scheduler.enabled";
  public static final String ROLLUP_SCHEDULER_INTERVAL_MS = "rollup.scheduler.interval.ms";
  public static final String ROLLUP_SCHEDULER_GRACE_MS = "rollup.scheduler.grace.ms";
  public static final String ROLLUP_SCHEDULER_LOOKBACK_HOURS = "rollup.scheduler.lookback.hours";
  public static final String ROLLUP_RETRY_BACKOFF_MS = "rollup.scheduler.retry.backoff.ms";
  public static final String CONSOLE_FRESHNESS_THRESHOLD_MS = "console.freshness.threshold.ms";

  /**
   * The embedded storage's default secret: fine on 127.0.0.1, refused anywhere else ({@link
   * #weakSecrets}).
   */
  static final String EMBEDDED_STORAGE_SECRET = "heatlab-secret-key";

  public static final String ALERTS_LAG_BEHIND_MS = "alerts.lag.behind.ms";
  public static final String ALERTS_RESTART_WINDOW_MS = "alerts.restart.window.ms";
  public static final String ALERTS_DESKTOP_NOTIFY = "alerts.desktop.notify";
  public static final String RETENTION_HOURLY_DAYS = "retention.hourly.days";
  public static final String RETENTION_DAILY_DAYS = "retention.daily.days";
  public static final String RETENTION_WEEKLY_DAYS = "retention.weekly.days";
  public static final String RETENTION_RAW_DAYS = "retention.raw.days";
  public static final String RETENTION_AGGREGATES_DAYS = "retention.aggregates.days";

  /**
   * Every port setting of the embedded stack (0 = a free port, chosen when the stack is created).
   */
  public static final List<String> PORTS =
      List.of(
          KAFKA_PORT,
          KAFKA_CONTROLLER_PORT,
          CONNECT_PORT,
          STORAGE_PORT,
          CLICKHOUSE_HTTP_PORT,
          CLICKHOUSE_TCP_PORT,
          HTTP_PORT,
          SPARK_MASTER_PORT,
          SPARK_MASTER_UI_PORT,
          SPARK_WORKER_PORT,
          INGEST_PORT,
          REDIS_PORT);

  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              PROFILE,
              Type.STRING,
              "embedded",
              Importance.HIGH,
              "Profile name: 'embedded' runs every part on this machine, 'cluster' the production topology on this machine (3 Kafka nodes, 2 Connect workers, a Spark master and 2 workers, 2 ingestion services and Redis), 'compose' points at external endpoints.")
          .define(
              DATA_DIR,
              Type.STRING,
              DEFAULT_DATA_DIR,
              Importance.HIGH,
              "Directory holding every part's data, generated configs, pid files and logs. Relative: to the repository root when run by ./heatlab, to the archive's directory from a release archive; installed from the package, the default is ~/.local/share/heatlab ($XDG_DATA_HOME/heatlab).")
          .define(
              STACK_EMBEDDED,
              Type.BOOLEAN,
              true,
              Importance.HIGH,
              "true: heatlab starts and supervises each part as a child process; false: the parts are external endpoints.")
          .define(
              STACK_START_TIMEOUT_MS,
              Type.LONG,
              180_000L,
              Range.atLeast(1_000),
              Importance.LOW,
              "How long one part may take to become healthy before start-up fails.")
          .define(
              STACK_JVM_OPTIONS,
              Type.STRING,
              "",
              Importance.LOW,
              "Extra options, separated by spaces, for every JVM the stack starts: Kafka, Connect,"
                  + " storage, ingestion services, the Spark master and workers, rollup drivers and"
                  + " executors. Empty = the JVMs' defaults (right for a stack that runs for days)."
                  + " For short sessions on a small machine '-XX:TieredStopAtLevel=1"
                  + " -XX:+UseSerialGC' (no C2 compiler, one GC thread) spends far less CPU starting"
                  + " up: the test suite runs its stacks so (README, Tests).")
          .define(
              KAFKA_PORT,
              Type.INT,
              19092,
              Range.between(0, 65535),
              Importance.MEDIUM,
              "Embedded Kafka broker's client (PLAINTEXT) port.")
          .define(
              KAFKA_CONTROLLER_PORT,
              Type.INT,
              19093,
              Range.between(0, 65535),
              Importance.LOW,
              "Embedded Kafka broker's KRaft controller port.")
          .define(
              KAFKA_BOOTSTRAP,
              Type.STRING,
              "",
              Importance.HIGH,
              "Kafka bootstrap servers of an external cluster (compose profile); empty = the embedded broker.")
          .define(
              KAFKA_HEAP,
              Type.STRING,
              "1g",
              Importance.LOW,
              "Heap (-Xmx) of the embedded broker's JVM.")
          .define(
              EVENTS_TOPIC,
              Type.STRING,
              "heatmap.batches",
              Importance.MEDIUM,
              "Topic the ingestion endpoint produces to: one record per accepted batch (contract v2,"
                  + " docs/architecture.md §2). The landing connector also reads v1 records (one"
                  + " event each), e.g. to replay an old heatmap.events topic.")
          .define(
              EVENTS_TOPIC_PARTITIONS,
              Type.INT,
              6,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Partitions of the events topic when heatlab creates it.")
          .define(
              KAFKA_REPLICATION_FACTOR,
              Type.INT,
              1,
              Range.between(1, 7),
              Importance.MEDIUM,
              "Replication factor of the topics heatlab creates besides the events topic (the landing dead-letter topic); 3 on a cluster of 3+ brokers.")
          .define(
              CONNECT_PORT,
              Type.INT,
              18083,
              Range.between(0, 65535),
              Importance.MEDIUM,
              "Embedded Kafka Connect worker's REST port.")
          .define(
              CONNECT_URL,
              Type.STRING,
              "",
              Importance.HIGH,
              "REST URL of an external Connect worker (compose profile); empty = the embedded worker.")
          .define(
              CONNECT_HEAP,
              Type.STRING,
              "512m",
              Importance.LOW,
              "Heap (-Xmx) of the embedded Connect worker's JVM. Landing buffers ~30 bytes per event"
                  + " (landing.buffer.max.bytes bounds it per task), so 512m carries two tasks with room.")
          .define(
              CONNECT_COMMIT_INTERVAL_MS,
              Type.LONG,
              10_000L,
              Range.atLeast(100),
              Importance.LOW,
              "Embedded worker's offset.flush.interval.ms: how often sink offsets are committed (landing writes due cycles then).")
          .define(
              CONNECT_GROUP,
              Type.STRING,
              "heatlab-connect",
              Importance.LOW,
              "group.id of the Connect cluster (its config/offset/status topics are named after it).")
          .define(
              STORAGE_PORT,
              Type.INT,
              19000,
              Range.between(0, 65535),
              Importance.MEDIUM,
              "Embedded S3-compatible server's port.")
          .define(
              STORAGE_ENDPOINT,
              Type.STRING,
              "",
              Importance.HIGH,
              "S3 endpoint of external storage, e.g. MinIO (compose profile); empty = the embedded server.")
          .define(STORAGE_ACCESS_KEY, Type.STRING, "heatlab", Importance.HIGH, "S3 access key.")
          .define(
              STORAGE_SECRET_KEY,
              Type.PASSWORD,
              EMBEDDED_STORAGE_SECRET,
              Importance.HIGH,
              "S3 secret key.")
          .define(
              STORAGE_REGION,
              Type.STRING,
              "us-east-1",
              Importance.LOW,
              "S3 region used for request signing.")
          .define(
              STORAGE_BUCKET,
              Type.STRING,
              "heatlab-raw",
              Importance.MEDIUM,
              "Bucket holding landed raw events.")
          .define(
              STORAGE_HEAP,
              Type.STRING,
              "384m",
              Importance.LOW,
              "Heap (-Xmx) of the embedded S3 server's JVM.")
          .define(
              STORAGE_S3PROXY_JAR,
              Type.STRING,
              "",
              Importance.LOW,
              "Path of the S3Proxy runnable jar; empty = the one the build copied (see StackArtifacts).")
          .define(
              CLICKHOUSE_HTTP_PORT,
              Type.INT,
              18123,
              Range.between(0, 65535),
              Importance.MEDIUM,
              "Embedded ClickHouse server's HTTP port.")
          .define(
              CLICKHOUSE_TCP_PORT,
              Type.INT,
              19001,
              Range.between(0, 65535),
              Importance.LOW,
              "Embedded ClickHouse server's native TCP port.")
          .define(
              CLICKHOUSE_URL,
              Type.STRING,
              "",
              Importance.HIGH,
              "HTTP URL of an external ClickHouse (compose profile); empty = the embedded server.")
          .define(CLICKHOUSE_USER, Type.STRING, "default", Importance.MEDIUM, "ClickHouse user.")
          .define(CLICKHOUSE_PASSWORD, Type.PASSWORD, "", Importance.MEDIUM, "ClickHouse password.")
          .define(
              QUERY_CLICKHOUSE_USER,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "ClickHouse user of heatmap reads (GET /v1/heatmap, the viewer, the console): one with SELECT on"
                  + " heatlab's database only (compose: heatlab_reader); empty = clickhouse.user.")
          .define(
              QUERY_CLICKHOUSE_PASSWORD,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              "Password of query.clickhouse.user (used only when that is set).")
          .define(
              CLICKHOUSE_DATABASE,
              Type.STRING,
              "heatlab",
              Importance.MEDIUM,
              "ClickHouse database of heatlab's tables.")
          .define(
              CLICKHOUSE_BIN,
              Type.STRING,
              "clickhouse-server",
              Importance.MEDIUM,
              "clickhouse-server binary: a path, or a name looked up on PATH (Debian package clickhouse-server).")
          .define(
              LANDING_CONNECTOR,
              Type.STRING,
              "heatlab-landing",
              Importance.LOW,
              "Name of the landing sink connector (its consumer group is connect-<name>).")
          .define(
              LANDING_TASKS,
              Type.INT,
              2,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Landing connector tasks (at most one per partition of the events topic does work).");

  static {
    // the landing connector's tunables, as landing.<name>: declared once, in LandingConfig
    DEFINITION.embed(LANDING_PREFIX, "landing", 0, LandingConfig.TUNING);
    DEFINITION
        .define(
            LANDING_DLQ_TOPIC,
            Type.STRING,
            "heatmap.batches.dlq",
            Importance.LOW,
            "Dead-letter topic of records that are not valid contract events (reason in the headers).")
        .define(
            LANDING_STORAGE_ENDPOINT,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Storage endpoint as the Connect worker reaches it (compose: http://minio:9000); empty = storage.endpoint.")
        .define(
            LANDING_STORAGE_ACCESS_KEY,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "S3 access key of the landing connector: one that writes raw objects and manifests (compose: the"
                + " heatlab-landing user); empty = storage.access.key.")
        .define(
            LANDING_STORAGE_SECRET_KEY,
            Type.PASSWORD,
            "",
            Importance.MEDIUM,
            "Secret of landing.storage.access.key (used only when that is set; compose: the Connect worker reads"
                + " it from its environment, HEATLAB_LANDING_STORAGE_SECRET_KEY).");
    IngestDefinitions.define(DEFINITION);
    RollupDefinitions.define(DEFINITION);
    ClusterDefinitions.define(DEFINITION);
  }

  HeatlabConfig(Map<String, String> values) {
    super(DEFINITION, values, false);
  }

  public String profile() {
    return getString(PROFILE);
  }

  /** {@link #STACK_JVM_OPTIONS}, split at white space. */
  public List<String> jvmOptions() {
    return jvmOptions(getString(STACK_JVM_OPTIONS));
  }

  /** JVM options written as one string ({@code stack.jvm.options}'s form), split at white space. */
  public static List<String> jvmOptions(String options) {
    String trimmed = options.strip();
    return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
  }

  /**
   * The data directory. A relative {@code data.dir} is resolved against the user's data directory
   * when heatlab is installed ({@link #installedDataHome}), else against {@code heatlab.home} (set
   * by the {@code ./heatlab} launcher to the repository root, by an archive's to its directory),
   * else the working directory.
   */
  public Path dataDir() {
    String value = getString(DATA_DIR);
    Path dir = Path.of(value);
    if (dir.isAbsolute()) {
      return dir.normalize();
    }
    Path userData = installedDataHome(System.getenv());
    String home = System.getProperty("heatlab.home");
    if (userData != null) { // installed: the default is the user's data directory itself
      dir = value.equals(DEFAULT_DATA_DIR) ? userData : userData.resolve(dir);
    } else if (home != null && !home.isBlank()) {
      dir = Path.of(home).resolve(dir);
    }
    return dir.toAbsolutePath().normalize();
  }

  /**
   * Where an installed heatlab (its launchers set {@code -Dheatlab.installed=true}: the package's
   * files are read-only) keeps its data: {@code $XDG_DATA_HOME/heatlab}, by default {@code
   * ~/.local/share/heatlab}; null when heatlab runs from a checkout or an archive.
   */
  static Path installedDataHome(Map<String, String> env) {
    if (!Boolean.getBoolean("heatlab.installed")) {
      return null;
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("heatlab");
  }

  public boolean embedded() {
    return getBoolean(STACK_EMBEDDED);
  }

  /**
   * How many consecutive ports a {@link #PORTS} setting stands for: one per node of its engine
   * (node n on the setting + n − 1), at least one.
   */
  public int portBlock(String portKey) {
    int nodes =
        switch (portKey) {
          case KAFKA_PORT, KAFKA_CONTROLLER_PORT -> getInt(KAFKA_BROKERS);
          case CONNECT_PORT -> getInt(CONNECT_WORKERS);
          case SPARK_WORKER_PORT -> getInt(SPARK_WORKERS);
          case INGEST_PORT -> getInt(INGEST_INSTANCES);
          default -> 1;
        };
    return Math.max(1, nodes);
  }

  /**
   * Whether this stack runs its own Spark standalone master and workers ({@link #SPARK_WORKERS}).
   */
  public boolean runsSparkCluster() {
    return embedded() && getInt(SPARK_WORKERS) > 0;
  }

  /**
   * The Spark master rollups run on: the stack's own standalone master when it runs one, else
   * {@link #ROLLUP_SPARK_MASTER}.
   */
  public String sparkMaster() {
    return runsSparkCluster()
        ? "spark://127.0.0.1:" + getInt(SPARK_MASTER_PORT)
        : getString(ROLLUP_SPARK_MASTER);
  }

  /** The web UI of {@link #sparkMaster()}'s master as configured ("" = derived or none). */
  public String sparkMasterUiUrl() {
    return runsSparkCluster()
        ? "http://127.0.0.1:" + getInt(SPARK_MASTER_UI_PORT)
        : getString(ROLLUP_SPARK_MASTER_UI_URL);
  }

  /**
   * The de-duplication store's URL: {@link #INGEST_REDIS_URL}, else the stack's own Redis when it
   * runs ingestion instances, else "" (in-process). Never log what this returns.
   */
  public String dedupRedisUrl() {
    String url = secret(INGEST_REDIS_URL);
    if (url.isBlank() && embedded() && getInt(INGEST_INSTANCES) > 0) {
      return "redis://127.0.0.1:" + getInt(REDIS_PORT);
    }
    return url;
  }

  /** The clear text of a {@link Type#PASSWORD} setting. Never log what this returns. */
  public String secret(String name) {
    Password password = getPassword(name);
    return password == null ? "" : password.value();
  }

  /** The shortest secret a deployment that is not embedded accepts. */
  public static final int MIN_SECRET_LENGTH = 16;

  /**
   * What is wrong with the secrets a whole stack uses when its parts run elsewhere (compose, a
   * cluster): each secret in use that is empty, shorter than {@value #MIN_SECRET_LENGTH}
   * characters, or a placeholder ({@code change-me…}, the embedded defaults). Empty for the
   * embedded profile, whose parts listen on loopback with local credentials. The messages name
   * settings, never values. (The landing secret is not here: an external Connect worker reads it
   * from its own environment.)
   */
  public List<String> weakSecrets() {
    List<String> problems = new ArrayList<>();
    if (embedded()) {
      return problems;
    }
    checkSecret(problems, STORAGE_SECRET_KEY, secret(STORAGE_SECRET_KEY));
    checkSecret(problems, CLICKHOUSE_PASSWORD, secret(CLICKHOUSE_PASSWORD));
    if (!getString(QUERY_CLICKHOUSE_USER).isBlank()) {
      checkSecret(problems, QUERY_CLICKHOUSE_PASSWORD, secret(QUERY_CLICKHOUSE_PASSWORD));
    }
    if (!getString(ROLLUP_SPARK_STORAGE_ACCESS_KEY).isBlank()) {
      checkSecret(
          problems, ROLLUP_SPARK_STORAGE_SECRET_KEY, secret(ROLLUP_SPARK_STORAGE_SECRET_KEY));
    }
    for (var entry : ClientEntries.parse(API_READ_KEYS, secret(API_READ_KEYS), "key")) {
      checkSecret(problems, API_READ_KEYS + " of '" + entry.client() + "'", entry.value());
    }
    problems.addAll(weakIngestSecrets());
    return problems;
  }

  /**
   * What is wrong with the secrets the ingestion service alone uses (the de-duplication store's
   * password) when it runs outside the embedded profile; see {@link #weakSecrets()}.
   */
  public List<String> weakIngestSecrets() {
    List<String> problems = new ArrayList<>();
    String redis = secret(INGEST_REDIS_URL);
    if (embedded() || redis.isBlank()) {
      return problems;
    }
    String userInfo;
    try {
      userInfo = URI.create(redis.strip()).getRawUserInfo();
    } catch (IllegalArgumentException e) {
      problems.add(INGEST_REDIS_URL + " is not a redis:// URL");
      return problems;
    }
    String password =
        userInfo == null ? "" : userInfo.substring(userInfo.indexOf(':') + 1); // user:password
    checkSecret(problems, INGEST_REDIS_URL + "'s password", password);
    return problems;
  }

  private static void checkSecret(List<String> problems, String name, String value) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty()) {
      problems.add(name + " is empty");
    } else if (v.toLowerCase(Locale.ROOT).contains("change-me")
        || v.equals(EMBEDDED_STORAGE_SECRET)) {
      problems.add(name + " is still a placeholder");
    } else if (v.length() < MIN_SECRET_LENGTH) {
      problems.add(name + " is shorter than " + MIN_SECRET_LENGTH + " characters");
    }
  }

  /** A user (or access key) and its secret. {@link #toString()} never shows the secret. */
  public record Credentials(String user, String secret) {
    @Override
    public String toString() {
      return user + ":[hidden]";
    }
  }

  /**
   * The credentials of one role: {@code userKey}/{@code secretKey} when that user is set, else the
   * shared {@code fallbackUserKey}/{@code fallbackSecretKey} (e.g. {@code storage.access.key}).
   */
  public Credentials credentials(
      String userKey, String secretKey, String fallbackUserKey, String fallbackSecretKey) {
    String user = getString(userKey);
    return user.isBlank()
        ? new Credentials(getString(fallbackUserKey), secret(fallbackSecretKey))
        : new Credentials(user, secret(secretKey));
  }

  /** This config with some values replaced (e.g. free ports resolved). */
  public HeatlabConfig with(Map<String, String> replacements) {
    Map<String, String> values = givenValues();
    values.putAll(replacements);
    return new HeatlabConfig(values);
  }

  /**
   * Every value given to this config (not the defaults), secrets in clear text: what a child
   * process of the stack is configured with (a file only its owner reads). Never log it.
   */
  public Map<String, String> givenValues() {
    Map<String, String> values = new LinkedHashMap<>();
    originals()
        .forEach((k, v) -> values.put(k, v instanceof Password p ? p.value() : String.valueOf(v)));
    return values;
  }
}
