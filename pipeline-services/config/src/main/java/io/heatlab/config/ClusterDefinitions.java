package io.heatlab.config;

import static io.heatlab.config.HeatlabConfig.*;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How many nodes of each engine the stack runs on this machine, declared into {@link
 * HeatlabConfig#DEFINITION}: one of each in the {@code embedded} profile, the production topology
 * in the {@code cluster} profile (conf/cluster.properties; docs/architecture.md §4). Node {@code n}
 * of an engine listens on its base port + n − 1.
 */
final class ClusterDefinitions {
  private ClusterDefinitions() {}

  static void define(ConfigDef d) {
    d.define(
            KAFKA_BROKERS,
            Type.INT,
            1,
            Range.between(1, 5),
            Importance.MEDIUM,
            "Kafka nodes the stack runs (KRaft, each broker and controller): node n on kafka.port + n − 1,"
                + " its controller on kafka.controller.port + n − 1. With 3 or more, topics are replicated 3×"
                + " with min.insync.replicas 2 (the cluster profile).")
        .define(
            CONNECT_WORKERS,
            Type.INT,
            1,
            Range.between(1, 4),
            Importance.MEDIUM,
            "Kafka Connect workers the stack runs in one distributed group: worker n's REST API on"
                + " connect.port + n − 1; the landing connector's tasks are spread over them.")
        .define(
            SPARK_WORKERS,
            Type.INT,
            0,
            Range.between(0, 4),
            Importance.MEDIUM,
            "0: rollups run local[*]. More: the stack runs a Spark standalone master (spark.master.port,"
                + " its UI spark.master.ui.port) and this many workers (spark.worker.port + n − 1), and every"
                + " rollup (the warm driver too) runs on it: rollup.spark.master is then that master.")
        .define(
            SPARK_MASTER_PORT,
            Type.INT,
            27077,
            Range.between(0, 65535),
            Importance.LOW,
            "The stack's Spark standalone master's port (when spark.workers > 0).")
        .define(
            SPARK_MASTER_UI_PORT,
            Type.INT,
            28090,
            Range.between(0, 65535),
            Importance.LOW,
            "The stack's Spark standalone master's web UI port (when spark.workers > 0).")
        .define(
            SPARK_WORKER_PORT,
            Type.INT,
            27078,
            Range.between(0, 65535),
            Importance.LOW,
            "The first Spark worker's port; worker n uses spark.worker.port + n − 1 (its UI a free port).")
        .define(
            SPARK_WORKER_CORES,
            Type.INT,
            1,
            Range.atLeast(1),
            Importance.LOW,
            "Cores each Spark worker offers to executors.")
        .define(
            SPARK_WORKER_MEMORY,
            Type.STRING,
            "1g",
            Importance.LOW,
            "Memory each Spark worker offers to executors (at least rollup.spark.executor.memory).")
        .define(
            SPARK_DAEMON_HEAP,
            Type.STRING,
            "256m",
            Importance.LOW,
            "Heap (-Xmx) of the Spark master's and each worker's own JVM (executors have theirs).")
        .define(
            INGEST_INSTANCES,
            Type.INT,
            0,
            Range.between(0, 4),
            Importance.MEDIUM,
            "Ingestion services the stack runs as processes of their own (heatlab ingest) besides the http"
                + " part: instance n serves POST /v1/batches on ingest.port + n − 1. With any, the stack also"
                + " runs Redis (redis.port) and every instance de-duplicates through it.")
        .define(
            INGEST_PORT,
            Type.INT,
            28180,
            Range.between(0, 65535),
            Importance.LOW,
            "The first ingestion instance's port (when ingest.instances > 0).")
        .define(
            INGEST_HEAP,
            Type.STRING,
            "384m",
            Importance.LOW,
            "Heap (-Xmx) of each ingestion instance's JVM.")
        .define(
            REDIS_PORT,
            Type.INT,
            26379,
            Range.between(0, 65535),
            Importance.LOW,
            "Port of the Redis the stack runs for its ingestion instances (when ingest.instances > 0).");
  }
}
