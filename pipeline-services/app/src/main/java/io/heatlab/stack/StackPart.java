package io.heatlab.stack;

import java.util.List;

/**
 * One part of heatlab's stack — the Kafka broker, the Connect worker, object storage, ClickHouse or
 * the HTTP server — behind one small lifecycle contract, so that the stack, the CLI and the console
 * treat every part alike.
 *
 * <pre>
 *                       Stack (start in dependency order, stop in reverse)
 *   ┌──────────┬──────────────┬───────────────┬──────────────┬────────────┐
 *   kafka      connect        storage         clickhouse     http
 *   (broker)   (worker, needs (S3 server)     (server +      (Jetty: /healthz, ingestion,
 *              kafka)                          migrations)    pages; needs all others)
 *
 *   embedded profile: each part but http is a supervised child process (pid file under data.dir/run)
 *   compose profile : each part is an external endpoint; start() only waits for it and provisions it
 * </pre>
 *
 * <p>Lifecycle, in call order:
 *
 * <ol>
 *   <li>{@link #start()} — launch (embedded) or find (external) the part, wait until it is healthy,
 *       then provision what heatlab needs of it (topic, bucket, migrations). Returns only when the
 *       part is usable; throws {@link StackException} with the reason and the log to read
 *       otherwise.
 *   <li>{@link #health()} — any time, from any thread, cheap, never throws.
 *   <li>{@link #stop()} — graceful stop, then forced after a grace period; idempotent; never
 *       throws. For an external part it only releases heatlab's clients.
 * </ol>
 */
public interface StackPart extends AutoCloseable {

  /** One of kafka, connect, storage, clickhouse, http. */
  String name();

  /** What the part is, for people: e.g. "Kafka broker + KRaft controller, node 2 of 3". */
  default String role() {
    return name();
  }

  /** What a client uses to reach the part: host:port for kafka, a URL for the others. */
  String address();

  /** Names of the parts that must be healthy before this one starts. */
  List<String> dependsOn();

  void start() throws StackException;

  PartHealth health();

  void stop();

  /**
   * A hint before {@link #stop()}: something this part depends on is dead, so its clean shutdown
   * can only wait for it — stop quickly instead.
   */
  default void hurry() {}

  /**
   * Crashes the part without any grace (SIGKILL for a child process), for fault tests; {@link
   * #start()} brings it back.
   */
  default void kill() {
    stop();
  }

  /** Same as {@link #stop()}. */
  @Override
  default void close() {
    stop();
  }
}
