package io.heatlab.landing;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The landing connector's settings, each declared once with its doc (shown by Connect's validate
 * API).
 */
public final class LandingConfig extends AbstractConfig {
  public static final String S3_ENDPOINT = "s3.endpoint";
  public static final String S3_ACCESS_KEY = "s3.access.key";
  public static final String S3_SECRET_KEY = "s3.secret.key";
  public static final String S3_REGION = "s3.region";
  public static final String S3_BUCKET = "s3.bucket";
  public static final String PREFIX = "prefix";
  public static final String FORMAT = "format";
  public static final String PARQUET_CODEC = "parquet.codec";
  public static final String JSONL_GZIP_LEVEL = "jsonl.gzip.level";
  public static final String FLUSH_SIZE = "flush.size";
  public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
  public static final String ROTATE_SCHEDULE_INTERVAL_MS = "rotate.schedule.interval.ms";
  public static final String CYCLE_MIN_INTERVAL_MS = "cycle.min.interval.ms";
  public static final String PARTITION_BY_CLIENT = "partition.by.client";
  public static final String STATE_HISTORY = "state.boundaries.kept";
  public static final String BUFFER_MAX_BYTES = "buffer.max.bytes";
  public static final String WRITE_THREADS = "write.threads";

  /**
   * The connector's own tunables — how it writes — also offered by heatlab's settings as {@code
   * landing.<name>} (HeatlabConfig embeds this definition) and handed to the connector as they are:
   * one declaration each.
   */
  public static final ConfigDef TUNING =
      new ConfigDef()
          .define(
              FORMAT,
              Type.STRING,
              "jsonl",
              ValidString.in("jsonl", "parquet"),
              Importance.HIGH,
              "Object format: jsonl (JSON lines, gzip) or parquet.")
          .define(
              PARQUET_CODEC,
              Type.STRING,
              "zstd",
              ValidString.in("snappy", "zstd"),
              Importance.MEDIUM,
              "Parquet compression codec.")
          .define(
              JSONL_GZIP_LEVEL,
              Type.INT,
              JsonLinesFormat.DEFAULT_LEVEL,
              Range.between(1, 9),
              Importance.LOW,
              "gzip level of JSON-lines objects: 1 is fastest (default: landing throughput), 9 smallest.")
          .define(
              FLUSH_SIZE,
              Type.INT,
              100_000,
              Range.atLeast(1),
              Importance.HIGH,
              "Most records in one object; a Kafka partition holding this many unwritten records starts a write cycle.")
          .define(
              ROTATE_INTERVAL_MS,
              Type.LONG,
              -1L,
              Importance.MEDIUM,
              "Start a write cycle when a partition's unwritten records span this much event time; -1 = off.")
          .define(
              ROTATE_SCHEDULE_INTERVAL_MS,
              Type.LONG,
              30_000L,
              Importance.HIGH,
              "Start a write cycle when a partition's oldest unwritten record waited this long (wall clock), so a"
                  + " quiet partition still lands; -1 = off (then only flush.size and Connect's commit interval write).")
          .define(
              CYCLE_MIN_INTERVAL_MS,
              Type.LONG,
              10_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "At a commit, a partition's buffered records are written early (before flush.size or a"
                  + " rotation makes them due) at most once per this long: without it every finished"
                  + " write asked for a commit that wrote the next few records, one tiny object per"
                  + " write. heatlab sets it to Connect's commit interval when lower.")
          .define(
              PARTITION_BY_CLIENT,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              "Add client=<id>/ under each hour.")
          .define(
              STATE_HISTORY,
              Type.INT,
              200,
              Range.atLeast(10),
              Importance.LOW,
              "Write-cycle ends remembered per partition to replay the same objects after a crash.")
          .define(
              BUFFER_MAX_BYTES,
              Type.LONG,
              64L * 1024 * 1024,
              Range.atLeast(1024 * 1024),
              Importance.MEDIUM,
              "Most heap one task's buffered rows may hold (estimated, ~30 bytes per event; cycles being"
                  + " written included); above it the task pauses its partitions until writes catch up.")
          .define(
              WRITE_THREADS,
              Type.INT,
              2,
              Range.between(1, 16),
              Importance.LOW,
              "Threads per task that encode and upload objects, off the task's poll thread (one"
                  + " partition's cycles are written in order, one at a time).");

  /**
   * Everything the connector reads: where it writes (S3 endpoint, credentials, bucket, key prefix —
   * the readers use the same default layout) and {@link #TUNING}.
   */
  public static final ConfigDef DEFINITION =
      new ConfigDef(TUNING)
          .define(
              S3_ENDPOINT,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              Importance.HIGH,
              "S3 endpoint URL, e.g. http://minio:9000 (path-style access).")
          .define(
              S3_ACCESS_KEY,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              Importance.HIGH,
              "S3 access key.")
          .define(
              S3_SECRET_KEY,
              Type.PASSWORD,
              ConfigDef.NO_DEFAULT_VALUE,
              Importance.HIGH,
              "S3 secret key; pass it through a config provider (${file:…} or ${env:…}), not in clear.")
          .define(
              S3_REGION, Type.STRING, "us-east-1", Importance.LOW, "S3 region used for signing.")
          .define(
              S3_BUCKET, Type.STRING, "heatlab-raw", Importance.HIGH, "Bucket of landed objects.")
          .define(
              PREFIX,
              Type.STRING,
              LandingLayout.DEFAULT_PREFIX,
              Importance.LOW,
              "Key prefix of landed objects.");

  public LandingConfig(Map<?, ?> props) {
    super(DEFINITION, props);
  }

  public ObjectFormat objectFormat() {
    return "parquet".equals(getString(FORMAT))
        ? new ParquetFormat(getString(PARQUET_CODEC))
        : new JsonLinesFormat(getInt(JSONL_GZIP_LEVEL));
  }

  public LandingLayout layout() {
    return new LandingLayout(getString(PREFIX));
  }
}
