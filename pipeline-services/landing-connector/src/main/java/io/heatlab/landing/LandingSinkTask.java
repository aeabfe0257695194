package io.heatlab.landing;

import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.LandedEventReader;
import io.heatlab.contract.LandedEventValidator;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands the batches topic in object storage, exactly once: each v2 record ({@link BatchRecord}, one
 * accepted batch) becomes one row per event; a v1 record (one event as JSON, the replay of an old
 * {@code heatmap.events} topic) one row. Both land the same rows for the same events.
 *
 * <p>Lifecycle, in call order (Kafka Connect's):
 *
 * <ol>
 *   <li>{@link #start} — reads {@link LandingConfig}, connects to storage.
 *   <li>{@link #open} — per assigned partition, makes a {@link PartitionWriter}; it reads its
 *       {@link PartitionState} (the logged cycle ends a replay must reproduce) before its first
 *       write.
 *   <li>{@link #put} — parses and validates each record; a poison record (not the contract's JSON,
 *       or failing validation) goes to the dead-letter queue through Connect's {@link
 *       ErrantRecordReporter} and never stalls the stream. Buffers valid rows; asks Connect for a
 *       commit when a partition's rotation is due ({@code flush.size}, {@code rotate.interval.ms},
 *       {@code rotate.schedule.interval.ms}) and pauses partitions whose buffer is far beyond
 *       {@code flush.size} (e.g. storage is down).
 *   <li>{@link #preCommit} — writes every due cycle, then returns, per partition, only the offset
 *       after the last cycle fully written: Connect commits nothing that is not durable. A storage
 *       failure is logged and retried at the next commit; nothing is dropped.
 *   <li>{@link #close} — forgets the partitions (their unwritten records are redelivered to the
 *       next owner).
 *   <li>{@link #stop}.
 * </ol>
 *
 * Failure contract: {@code put} and {@code preCommit} never throw for storage trouble (they retry);
 * a record offset going backwards means a bug and fails the task.
 */
public final class LandingSinkTask extends SinkTask {
  private static final Logger LOG = LoggerFactory.getLogger(LandingSinkTask.class);

  private LandingConfig config;
  private String connector;
  private ObjectFormat format;
  private ObjectStore store;
  private ErrantRecordReporter deadLetters;
  private final Map<TopicPartition, PartitionWriter> writers = new HashMap<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Function<LandingConfig, ObjectStore> storage;
  private final boolean inlineWrites;
  private ExecutorService writePool;
  private Executor writes;
  private boolean storageFailing;
  private boolean overBudget;

  /**
   * The task Connect makes: objects go to the configured S3 endpoint, written by {@code
   * write.threads} threads off the poll thread.
   */
  public LandingSinkTask() {
    this(
        c ->
            MinioObjectStore.connect(
                c.getString(LandingConfig.S3_ENDPOINT),
                c.getString(LandingConfig.S3_REGION),
                c.getString(LandingConfig.S3_ACCESS_KEY),
                c.getPassword(LandingConfig.S3_SECRET_KEY).value(),
                c.getString(LandingConfig.S3_BUCKET)),
        false);
  }

  /**
   * A task writing to the store {@code storage} makes of its configuration (unit tests: an
   * in-memory store); {@code inlineWrites}: cycles are written on the calling thread, so {@link
   * #preCommit} returns what it just wrote.
   */
  LandingSinkTask(Function<LandingConfig, ObjectStore> storage, boolean inlineWrites) {
    this.storage = storage;
    this.inlineWrites = inlineWrites;
  }

  @Override
  public String version() {
    return new LandingSinkConnector().version();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new LandingConfig(props);
    connector = props.getOrDefault("name", "heatlab-landing");
    format = config.objectFormat();
    store = storage.apply(config);
    if (inlineWrites) {
      writes = Runnable::run;
    } else {
      AtomicInteger n = new AtomicInteger();
      writePool =
          Executors.newFixedThreadPool(
              config.getInt(LandingConfig.WRITE_THREADS),
              r -> {
                Thread t = new Thread(r, connector + "-write-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      writes = writePool;
    }
    try {
      deadLetters = context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError oldWorker) {
      deadLetters = null;
    }
    LOG.info(
        "Landing {} objects in s3://{}/{}",
        format.name(),
        store.bucket(),
        config.layout().prefix());
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      // the state is read before the first write, not here: an exception in open() kills the task,
      // and
      // storage may well be down while Kafka rebalances
      writers.put(
          tp,
          new PartitionWriter(
              connector, tp.topic(), tp.partition(), config, format, store, null, writes));
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    long now = System.currentTimeMillis();
    for (SinkRecord record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.kafkaPartition());
      PartitionWriter writer = writers.get(tp);
      if (writer == null) {
        throw new IllegalStateException("Record for unassigned partition " + tp);
      }
      String reason =
          record.value() instanceof byte[] bytes && BatchRecord.isBatch(bytes)
              ? addBatch(writer, record.kafkaOffset(), bytes, now)
              : addEvent(writer, record, now);
      if (reason != null) {
        writer.skip(record.kafkaOffset(), reportPoison(record, reason), now);
      }
    }
    boolean commitDue = false;
    boolean writing = false;
    long wake = Long.MAX_VALUE;
    long buffered = 0;
    int flushSize = config.getInt(LandingConfig.FLUSH_SIZE);
    for (Map.Entry<TopicPartition, PartitionWriter> e : writers.entrySet()) {
      PartitionWriter w = e.getValue();
      commitDue |= w.cycleDue(now);
      // a background write made more durable: commit it now rather than at the next interval
      commitDue |= w.committable() > committed.getOrDefault(e.getKey(), -1L);
      writing |= w.writing();
      buffered += w.bufferedBytes();
      long until = w.millisUntilScheduledCycle(now);
      if (until >= 0) {
        wake = Math.min(wake, until);
      }
      if (w.unwritten() > 3 * flushSize && paused.add(e.getKey())) {
        context.pause(e.getKey());
        LOG.warn("Paused {}: {} records not yet written", e.getKey(), w.unwritten());
      }
    }
    long budget = config.getLong(LandingConfig.BUFFER_MAX_BYTES);
    if (buffered > budget && !overBudget) {
      overBudget = true;
      commitDue = true;
      for (TopicPartition tp : writers.keySet()) {
        if (paused.add(tp)) {
          context.pause(tp);
        }
      }
      LOG.info(
          "Paused every partition: {} MiB buffered, over buffer.max.bytes ({} MiB)",
          buffered >> 20,
          budget >> 20);
    }
    if (commitDue) {
      context.requestCommit();
    }
    if (writing) {
      wake = Math.min(wake, 100); // come back soon to commit what the write makes durable
    }
    if (wake != Long.MAX_VALUE) {
      // with no new records Connect's poll would block until its next commit
      // (offset.flush.interval.ms): wake up when the oldest unwritten record's scheduled rotation
      // is due, or a write is in progress, so quiet partitions land and commit on time
      context.timeout(Math.max(50, wake));
    }
  }

  /** A v2 record, one batch: its events buffered, or the reason it is poison. */
  private static String addBatch(PartitionWriter writer, long offset, byte[] value, long now) {
    BatchRecord batch;
    try {
      batch = BatchRecord.decode(value);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    String reason = batch.violation();
    if (reason == null) {
      writer.add(offset, batch, now);
    }
    return reason;
  }

  /** A v1 record, one event as JSON (replays of the v1 topic): buffered, or why it is poison. */
  private static String addEvent(PartitionWriter writer, SinkRecord record, long now) {
    String reason;
    LandedEventReader.Parsed parsed = null;
    try {
      parsed = parse(record);
      reason = LandedEventValidator.violation(parsed.event());
    } catch (IOException | RuntimeException e) {
      reason = "not the contract's JSON: " + e.getMessage();
    }
    if (reason == null) {
      writer.add(
          record.kafkaOffset(),
          parsed.event(),
          parsed.clean() ? (byte[]) record.value() : null,
          now);
    }
    return reason;
  }

  private static LandedEventReader.Parsed parse(SinkRecord record) throws IOException {
    Object value = record.value();
    if (value instanceof byte[] bytes) {
      return LandedEventReader.read(bytes);
    }
    throw new IOException(
        value == null
            ? "empty value"
            : "value is a "
                + value.getClass().getSimpleName()
                + ": use value.converter=org.apache.kafka.connect.converters.ByteArrayConverter");
  }

  private Future<Void> reportPoison(SinkRecord record, String reason) {
    DataException error = new DataException(reason);
    if (deadLetters == null) {
      LOG.error(
          "Skipping poison record {}-{}@{} (no dead-letter queue configured): {}",
          record.topic(),
          record.kafkaPartition(),
          record.kafkaOffset(),
          reason);
      return null;
    }
    return deadLetters.report(record, error);
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(
      Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    long now = System.currentTimeMillis();
    Map<TopicPartition, OffsetAndMetadata> durable = new HashMap<>();
    boolean failed = false;
    for (Map.Entry<TopicPartition, PartitionWriter> e : writers.entrySet()) {
      PartitionWriter w = e.getValue();
      if (!failed) {
        try {
          w.writeDue(now);
        } catch (IOException ex) {
          failed = true;
          if (!storageFailing) {
            LOG.warn(
                "Cannot write to storage; keeping {} and retrying at the next commit: {}",
                w,
                ex.getMessage());
          }
        }
      }
      long next = w.committable();
      if (next >= 0) {
        durable.put(e.getKey(), new OffsetAndMetadata(next));
        committed.put(e.getKey(), next);
      }
    }
    resumeWithinBudget();
    if (storageFailing && !failed) {
      LOG.info("Storage writes succeed again");
    }
    storageFailing = failed;
    return durable;
  }

  /**
   * Resumes paused partitions once the buffers are back under half the budget (and a partition's
   * own unwritten rows under {@code flush.size}).
   */
  private void resumeWithinBudget() {
    if (paused.isEmpty()) {
      return;
    }
    long buffered = writers.values().stream().mapToLong(PartitionWriter::bufferedBytes).sum();
    if (overBudget && buffered > config.getLong(LandingConfig.BUFFER_MAX_BYTES) / 2) {
      return;
    }
    overBudget = false;
    int flushSize = config.getInt(LandingConfig.FLUSH_SIZE);
    for (var it = paused.iterator(); it.hasNext(); ) {
      TopicPartition tp = it.next();
      PartitionWriter w = writers.get(tp);
      if (w == null || w.unwritten() <= flushSize) {
        context.resume(tp);
        it.remove();
      }
    }
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      PartitionWriter w = writers.remove(tp);
      committed.remove(tp);
      if (paused.remove(tp)) {
        // Connect re-pauses a partition its task paused when it is assigned again (to this task or
        // another of the same worker): resume it while it is still ours, or it stays paused for
        // good
        try {
          context.resume(tp);
        } catch (RuntimeException notAssignedAnyMore) {
          LOG.debug("{}: resume at close: {}", tp, notAssignedAnyMore.toString());
        }
      }
      awaitWrite(tp, w);
    }
    if (paused.isEmpty()) {
      overBudget = false;
    }
  }

  /**
   * Lets a partition's write in progress finish (its result no longer matters: the next owner
   * replays from the committed offset and rewrites the same objects), so it never races the next
   * owner's writes.
   */
  private static void awaitWrite(TopicPartition tp, PartitionWriter w) {
    try {
      if (w != null && !w.awaitWrite(60_000)) {
        LOG.warn("{}: a write still running after 60 s at close", tp);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop() {
    writers.forEach(LandingSinkTask::awaitWrite);
    writers.clear();
    if (writePool != null) {
      writePool.shutdownNow();
    }
  }
}
