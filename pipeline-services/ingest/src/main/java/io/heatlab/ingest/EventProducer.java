package io.heatlab.ingest;

import io.heatlab.contract.BatchRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces accepted batches to Kafka — one record per event, key {@code client_id|screen_id},
 * record timestamp = event time, value = {@link io.heatlab.contract.LandedEvent} JSON —
 * <b>atomically per batch</b>, and knows when to say no.
 *
 * <p>Atomic batches: a broker crash in the middle of a plain produce can leave part of a batch in
 * the log while the request is answered 503 (docs/ingestion.md); its retry then lands the batch
 * twice, once partly. So batches go through Kafka transactions: {@code ingest.producer.lanes} lanes
 * (2), each a transactional producer ({@code transactional.id} = {@code <prefix>-<lane>}) on its
 * own thread, take the batches queued for them, send them in one transaction and commit — a group
 * commit (a few ms on loopback) shared by every batch queued meanwhile. The batches' futures
 * complete only after the commit; if anything fails, the transaction is aborted (or, when the
 * producer cannot abort, it is closed and the next one's {@code initTransactions} fences it and
 * aborts what it left open) and every batch of the group is answered 503. Consumers reading with
 * {@code isolation.level=read_committed} — the landing connector, the console's tail — see each
 * batch whole or not at all.
 *
 * <p>Commits in doubt: a commit that times out (the broker crashed or paused after it may have
 * received the commit) has an unknown outcome, and the producer may not abort it. Its batches are
 * answered at once with {@link OutcomeUnknown} (503: the page retries with the same batch_id, and
 * ingestion keeps the batch_id claimed), while the lane keeps retrying the commit until Kafka gives
 * a definite answer — committed, or aborted — and completes {@link OutcomeUnknown#outcome()} with
 * it: a committed batch is then answered {@code 202 duplicate} on its retry instead of landing
 * twice; an aborted one is produced again. Meanwhile the lane takes no work (its queue is answered
 * 503).
 *
 * <p>Producer: acks=all, idempotent (transactional), lz4, linger 5 ms, 128 KiB batches, one
 * in-flight request per connection (KAFKA-15591: an idempotent producer on a new topic can lose
 * records otherwise, docs/FACTS.md). Request threads never touch the producer: they enqueue.
 *
 * <p>Admission ({@link #admit}, {@link Admission}): a batch is refused — and its request answered
 * 503 with Retry-After — when the work in flight would pass its bound or Kafka stopped acking.
 */
public final class EventProducer implements AutoCloseable {
  /**
   * A batch's transaction commit timed out: it may still commit. {@link #outcome()} completes with
   * {@code true} (committed) or {@code false} (aborted) once Kafka answers; it never completes if
   * ingestion stops before that.
   */
  public static final class OutcomeUnknown extends RuntimeException {
    private final transient CompletableFuture<Boolean> outcome;

    OutcomeUnknown(CompletableFuture<Boolean> outcome, Throwable cause) {
      super(
          "Kafka did not confirm the commit in time ("
              + cause.getMessage()
              + "); its outcome is settled when Kafka answers",
          cause);
      this.outcome = outcome;
    }

    public CompletableFuture<Boolean> outcome() {
      return outcome;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);

  private final Properties settings;
  private final ProducerLane[] lanes;
  private final AtomicInteger nextLane = new AtomicInteger();
  private volatile boolean closing;
  private final Admission admission;
  private final AtomicLong doubtsCommitted = new AtomicLong();
  private final AtomicLong doubtsAborted = new AtomicLong();

  /**
   * {@code transactionalIdPrefix} must be unique among running ingestion processes (host and port).
   */
  public EventProducer(
      String bootstrapServers,
      String topic,
      int maxInflightEvents,
      Duration shedAfter,
      Duration deliveryTimeout,
      String transactionalIdPrefix,
      int laneCount) {
    this.settings = settings(bootstrapServers, deliveryTimeout);
    // lanes block on their own threads: a commit unanswered after a third of the delivery timeout
    // is in doubt
    settings.put(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.max(1_000, deliveryTimeout.toMillis() / 3));
    this.admission = new Admission(maxInflightEvents, shedAfter.toNanos());
    this.lanes = new ProducerLane[laneCount];
    ProducerLane.Doubts doubts = new ProducerLane.Doubts(doubtsCommitted, doubtsAborted);
    for (int i = 0; i < laneCount; i++) {
      lanes[i] =
          new ProducerLane(transactionalIdPrefix + "-" + i, settings, topic, () -> closing, doubts);
    }
  }

  /**
   * The producer settings of ingestion (also used by {@code bench ingest} for its raw-producer
   * baseline).
   */
  public static Properties settings(String bootstrapServers, Duration deliveryTimeout) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "heatlab-ingest");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 131_072);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
    p.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Math.min(5_000, deliveryTimeout.toMillis() / 2));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return p;
  }

  /**
   * The Kafka record of one accepted batch (contract v2): key {@code client_id|batch_id}, timestamp
   * = received_at, value = {@link BatchRecord#encode()}, header {@value BatchRecord#EVENTS_HEADER}
   * = its event count. What ingestion produces, and the benchmarks' raw producers send.
   */
  public static ProducerRecord<byte[], byte[]> record(String topic, BatchRecord batch) {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            null,
            batch.receivedAt(),
            batch.kafkaKey().getBytes(StandardCharsets.UTF_8),
            batch.encode());
    record
        .headers()
        .add(
            BatchRecord.EVENTS_HEADER,
            String.valueOf(batch.size()).getBytes(StandardCharsets.US_ASCII));
    return record;
  }

  /** Null when a batch of {@code events} may be produced now, else why not ({@link Admission}). */
  Admission.Refusal admit(int events) {
    return admission.admit(events);
  }

  /**
   * Queues the batch for a lane's next transaction; the future completes when that transaction
   * committed (every event of the batch is in Kafka, visible to read_committed consumers), or fails
   * when it was aborted (none is).
   */
  public CompletableFuture<Void> send(BatchRecord batch) {
    int n = batch.size();
    ProducerLane.Job job = new ProducerLane.Job(batch, new CompletableFuture<>());
    Admission.Ticket ticket = admission.enter(n);
    job.result().whenComplete((ok, error) -> ticket.exit(error != null));
    if (closing) {
      job.result().completeExceptionally(new IllegalStateException("ingestion is shutting down"));
      return job.result();
    }
    ProducerLane lane = nextLane();
    if (lane == null) {
      job.result()
          .completeExceptionally(
              new IllegalStateException("every producer lane waits for Kafka to settle a commit"));
    } else {
      lane.queue.add(job);
    }
    return job.result();
  }

  /**
   * The next lane round-robin that is not waiting for a commit in doubt; null when none is free.
   */
  private ProducerLane nextLane() {
    for (int i = 0; i < lanes.length; i++) {
      ProducerLane lane = lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)];
      if (!lane.inDoubt && lane.up()) {
        return lane;
      }
    }
    return null;
  }

  /**
   * Groups whose commit was in doubt and then turned out committed / aborted (for {@code
   * /healthz}).
   */
  public long doubtsCommitted() {
    return doubtsCommitted.get();
  }

  public long doubtsAborted() {
    return doubtsAborted.get();
  }

  /**
   * The lanes not taking batches now: resting after an unexpected failure, or stopped (none while
   * ingestion runs normally). Empty when every lane is up.
   */
  public List<String> lanesDown() {
    List<String> down = new ArrayList<>();
    for (ProducerLane lane : lanes) {
      if (!lane.up()) {
        down.add(lane.transactionalId + (lane.restarting ? " (restarting)" : " (stopped)"));
      }
    }
    return down;
  }

  /** Unexpected failures the lanes recovered from. */
  public long laneRestarts() {
    long n = 0;
    for (ProducerLane lane : lanes) {
      n += lane.restarts.get();
    }
    return n;
  }

  /** Commits what is queued (the lanes drain their queues), then closes the producers. */
  @Override
  public void close() {
    closing = true;
    for (ProducerLane lane : lanes) {
      try {
        lane.thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
