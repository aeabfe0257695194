package io.heatlab.config;

import static io.heatlab.config.HeatlabConfig.*;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The rollups', the scheduler's, retention's and the console's settings, declared into {@link
 * HeatlabConfig#DEFINITION}.
 */
final class RollupDefinitions {
  private RollupDefinitions() {}

  static void define(ConfigDef d) {
    d.define(
            ROLLUP_SPARK_MASTER,
            Type.STRING,
            "local[*]",
            Importance.HIGH,
            "Spark master of the rollup applications: local[*] runs the driver as a child process; spark://host:7077 a cluster.")
        .define(
            ROLLUP_SPARK_MASTER_UI_URL,
            Type.STRING,
            "",
            Importance.LOW,
            "Web UI of the Spark standalone master whose health the console shows; empty = http://host:8080 of a spark:// master, none for local.")
        .define(
            ROLLUP_SPARK_DRIVER_MEMORY,
            Type.STRING,
            "1g",
            Importance.MEDIUM,
            "spark.driver.memory of a rollup (local: all the work).")
        .define(
            ROLLUP_SPARK_EXECUTOR_MEMORY,
            Type.STRING,
            "1g",
            Importance.LOW,
            "spark.executor.memory on a cluster.")
        .define(
            ROLLUP_SPARK_SHUFFLE_PARTITIONS,
            Type.INT,
            4,
            Range.atLeast(1),
            Importance.LOW,
            "spark.sql.shuffle.partitions of a rollup (aggregates are small: a few per core).")
        .define(
            ROLLUP_SPARK_STORAGE_ENDPOINT,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Storage endpoint as the Spark driver and executors reach it (compose: http://minio:9000); empty = storage.endpoint.")
        .define(
            ROLLUP_SPARK_STORAGE_ACCESS_KEY,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "S3 access key of rollups: one that reads raw objects and writes lake aggregates (compose: the"
                + " heatlab-spark user); empty = storage.access.key.")
        .define(
            ROLLUP_SPARK_STORAGE_SECRET_KEY,
            Type.PASSWORD,
            "",
            Importance.MEDIUM,
            "Secret of rollup.spark.storage.access.key (used only when that is set).")
        .define(
            ROLLUP_SPARK_DRIVER_HOST,
            Type.STRING,
            "",
            Importance.LOW,
            "spark.driver.host: the name executors reach the driver by (compose: the heatlab service name); empty = Spark's default.")
        .define(
            ROLLUP_SPARK_HOME_JARS,
            Type.STRING,
            "",
            Importance.LOW,
            "Directory (or dependency:build-classpath file) of the jars of the generated SPARK_HOME; empty = the build's list (rollup-job/target).")
        .define(
            ROLLUP_SPARK_JOB_JAR,
            Type.STRING,
            "",
            Importance.LOW,
            "Path of the rollup job jar; empty = the one the build made (rollup-job/target).")
        .define(
            ROLLUP_TIMEOUT_MS,
            Type.LONG,
            30 * 60_000L,
            Range.atLeast(10_000),
            Importance.LOW,
            "A rollup application still running after this long is stopped and recorded FAILED.")
        .define(
            ROLLUP_DRIVER_WARM,
            Type.BOOLEAN,
            true,
            Importance.MEDIUM,
            "Keep a warm Spark driver running with the stack (the spark-driver part) that runs each rollup without a new JVM and Spark session; false = every rollup launches its own application (also the fallback when the driver is down).")
        .define(
            ROLLUP_DRIVER_WARMUP_EVENTS,
            Type.INT,
            500_000,
            Range.between(1_000, 10_000_000),
            Importance.LOW,
            "Events the warm driver rolls up at start (through storage) before it takes runs: enough for the JIT to compile the job's loops.")
        .define(
            ROLLUP_DRIVER_WARMUP_ROUNDS,
            Type.INT,
            8,
            Range.between(0, 100),
            Importance.LOW,
            "Hourly rollups of the warm-up events, landed as 64 objects per format, that the warm driver runs once it takes runs (in the background: a real run waits for one round at most), so that the code run once per object is compiled before the first real runs; 0 = none.")
        .define(
            ROLLUP_SPARK_EVENTLOG_RETENTION_MS,
            Type.LONG,
            7L * 24 * 3_600_000,
            Range.atLeast(3_600_000),
            Importance.LOW,
            "Spark event logs (<data>/spark/events, one per application: what the Spark history server shows of a finished run) older than this are deleted at the next launch.")
        .define(
            ROLLUP_SPARK_HISTORY_PORT,
            Type.INT,
            18090,
            Range.between(1024, 65535),
            Importance.LOW,
            "Loopback port of the Spark history server that ./heatlab spark-history runs over the event logs; the console's Rollups view links finished runs to it.")
        .define(
            QUERY_CACHE_MB,
            Type.INT,
            64,
            Range.between(0, 65_536),
            Importance.LOW,
            "Megabytes of published heatmap windows kept in memory by the heatmap API (one type of one screen and viewport class in one window: ~10 bytes per non-empty cell), keyed by the run that published each window: a rerun changes the key, so a kept window is never stale, and a request asks ClickHouse only for the windows it does not find. 0 = off.")
        .define(
            ROLLUP_AGGREGATES_PREFIX,
            Type.STRING,
            "aggregates/v1",
            Importance.LOW,
            "Prefix (in storage.bucket) of the rollup aggregates ClickHouse is published from (and can be rebuilt from).")
        .define(
            ROLLUP_SCHEDULER_ENABLED,
            Type.BOOLEAN,
            false,
            Importance.HIGH,
            "Run rollups by themselves: closed hours, then days, then ISO weeks, and again when late data lands.")
        .define(
            ROLLUP_SCHEDULER_INTERVAL_MS,
            Type.LONG,
            60_000L,
            Range.atLeast(1_000),
            Importance.LOW,
            "How often the scheduler looks for windows to roll up.")
        .define(
            ROLLUP_SCHEDULER_GRACE_MS,
            Type.LONG,
            5 * 60_000L,
            Range.atLeast(0),
            Importance.MEDIUM,
            "How long after a window ends the scheduler waits before its first rollup (landing delay + stragglers).")
        .define(
            ROLLUP_SCHEDULER_LOOKBACK_HOURS,
            Type.INT,
            8 * 24,
            Range.between(1, 24 * 400),
            Importance.LOW,
            "How far back the scheduler looks for hours that landed data but were never rolled up.")
        .define(
            ROLLUP_RETRY_BACKOFF_MS,
            Type.LONG,
            60_000L,
            Range.atLeast(1_000),
            Importance.LOW,
            "Wait before retrying a failed window; doubles with each failure, at most an hour.")
        .define(
            CONSOLE_FRESHNESS_THRESHOLD_MS,
            Type.LONG,
            2 * 3_600_000L,
            Range.atLeast(60_000),
            Importance.LOW,
            "The console's overview turns red, and its freshness alert is raised, when landed data"
                + " older than this is not rolled up yet.")
        .define(
            ALERTS_LAG_BEHIND_MS,
            Type.LONG,
            5 * 60_000L,
            Range.atLeast(1_000),
            Importance.LOW,
            "The console alerts when a consumer group's oldest unconsumed record was received longer"
                + " ago than this (lag in time).")
        .define(
            ALERTS_RESTART_WINDOW_MS,
            Type.LONG,
            10 * 60_000L,
            Range.atLeast(1_000),
            Importance.LOW,
            "How long the console's alert stays up after the supervisor restarted a part that died.")
        .define(
            ALERTS_DESKTOP_NOTIFY,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Whether the console also raises each new alert as a desktop notification (notify-send"
                + " on Linux, osascript on macOS) where the desktop has one.")
        .define(
            RETENTION_HOURLY_DAYS,
            Type.INT,
            30,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Days heatmap_hourly keeps; older hours are dropped as whole partitions.")
        .define(
            RETENTION_DAILY_DAYS,
            Type.INT,
            400,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Days heatmap_daily keeps.")
        .define(
            RETENTION_WEEKLY_DAYS,
            Type.INT,
            5 * 366,
            Range.atLeast(7),
            Importance.MEDIUM,
            "Days heatmap_weekly keeps (5 years).")
        .define(
            RETENTION_RAW_DAYS,
            Type.INT,
            30,
            Range.atLeast(8),
            Importance.MEDIUM,
            "Days object storage keeps raw events and landing manifests; older hours are deleted"
                + " whole (embedded: by the rollup scheduler; compose: MinIO's lifecycle rules,"
                + " RAW_RETENTION_DAYS). An hour can be rolled up again only while its raw events"
                + " are kept; keep it longer than ingest.max.event.age.ms (7 days).")
        .define(
            RETENTION_AGGREGATES_DAYS,
            Type.INT,
            5 * 366,
            Range.atLeast(7),
            Importance.MEDIUM,
            "Days object storage keeps rollup aggregates, in whole ISO weeks (embedded: by the"
                + " rollup scheduler; compose: MinIO's lifecycle rules,"
                + " AGGREGATES_RETENTION_DAYS). Keep them at least as long as ClickHouse's longest"
                + " retention (retention.weekly.days): published windows are checked against and"
                + " repaired from them; a window within its ClickHouse retention is never"
                + " deleted.");
  }
}
