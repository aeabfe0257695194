package io.heatlab.ingest;

import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
 * <p>Admission ({@link #admit}): a batch is refused — and its request answered 503 with Retry-After
 * — when the events in flight would pass {@code maxInflightEvents}, when the oldest unacked batch
 * is older than {@code shedAfter} (Kafka slow or down), or while the last batch failed: then one
 * batch a second is let through as a probe. Work in flight is therefore bounded whatever Kafka
 * does, and admission resumes by itself as soon as Kafka acks again.
 */
public final class EventProducer implements AutoCloseable {
  /** Why a batch was not admitted; null reason = admitted. */
  public enum Refusal {
    AT_CAPACITY,
    KAFKA_UNAVAILABLE
  }

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

  /**
   * Most events one transaction carries; more queued batches wait for the lane's next transaction.
   */
  private static final int MAX_GROUP_EVENTS = 20_000;

  private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);

  private final Properties settings;
  private final String topic;
  private final Lane[] lanes;
  private final AtomicInteger nextLane = new AtomicInteger();
  private volatile boolean closing;
  private final int maxInflightEvents;
  private final long shedAfterNanos;
  private final AtomicInteger inflightEvents = new AtomicInteger();
  private final ConcurrentLinkedDeque<Pending> pending = new ConcurrentLinkedDeque<>();
  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;
  private volatile boolean lastBatchFailed;
  private final AtomicLong lastProbeNanos = new AtomicLong();
  private final AtomicLong doubtsCommitted = new AtomicLong();
  private final AtomicLong doubtsAborted = new AtomicLong();

  private static final class Pending {
    final long startNanos = System.nanoTime();
    volatile boolean done;
  }

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
    this.topic = topic;
    this.maxInflightEvents = maxInflightEvents;
    this.shedAfterNanos = shedAfter.toNanos();
    this.lanes = new Lane[laneCount];
    for (int i = 0; i < laneCount; i++) {
      lanes[i] = new Lane(transactionalIdPrefix + "-" + i);
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

  /** Null when a batch of {@code events} may be produced now, else why not. */
  public Refusal admit(int events) {
    if (oldestPendingNanos() > shedAfterNanos) {
      return Refusal.KAFKA_UNAVAILABLE;
    }
    if (lastBatchFailed) {
      long now = System.nanoTime();
      long last = lastProbeNanos.get();
      if (now - last < PROBE_INTERVAL_NANOS || !lastProbeNanos.compareAndSet(last, now)) {
        return Refusal.KAFKA_UNAVAILABLE;
      }
    }
    if (inflightEvents.get() + events > maxInflightEvents) {
      return Refusal.AT_CAPACITY;
    }
    return null;
  }

  private long oldestPendingNanos() {
    Pending head;
    while ((head = pending.peekFirst()) != null && head.done) {
      pending.pollFirst();
    }
    return head == null ? 0 : System.nanoTime() - head.startNanos;
  }

  /**
   * Queues the batch for a lane's next transaction; the future completes when that transaction
   * committed (every event of the batch is in Kafka, visible to read_committed consumers), or fails
   * when it was aborted (none is).
   */
  public CompletableFuture<Void> send(EventBatch batch, long receivedAt) {
    int n = batch.events().size();
    Job job = new Job(batch, receivedAt, new Pending());
    pending.addLast(job.marker);
    inflightEvents.addAndGet(n);
    job.result.whenComplete(
        (ok, error) -> {
          job.marker.done = true;
          inflightEvents.addAndGet(-n);
          lastBatchFailed = error != null;
        });
    if (closing) {
      job.result.completeExceptionally(new IllegalStateException("ingestion is shutting down"));
      return job.result;
    }
    Lane lane = nextLane();
    if (lane == null) {
      job.result.completeExceptionally(
          new IllegalStateException("every producer lane waits for Kafka to settle a commit"));
    } else {
      lane.queue.add(job);
    }
    return job.result;
  }

  /**
   * The next lane round-robin that is not waiting for a commit in doubt; null when none is free.
   */
  private Lane nextLane() {
    for (int i = 0; i < lanes.length; i++) {
      Lane lane = lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)];
      if (!lane.inDoubt) {
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

  /** One batch waiting for its transaction. */
  private final class Job {
    final EventBatch batch;
    final long receivedAt;
    final Pending marker;
    final CompletableFuture<Void> result = new CompletableFuture<>();

    Job(EventBatch batch, long receivedAt, Pending marker) {
      this.batch = batch;
      this.receivedAt = receivedAt;
      this.marker = marker;
    }

    void sendWith(KafkaProducer<byte[], byte[]> producer) {
      byte[] key = batch.kafkaKey().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < batch.events().size(); i++) {
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                batch.events().get(i).t(),
                key,
                EventCodec.toJson(batch.landed(i, receivedAt))));
      }
    }
  }

  /**
   * A transactional producer and its thread: take what is queued (up to {@link #MAX_GROUP_EVENTS}),
   * one transaction, commit, answer. The producer is created (and {@code initTransactions} called)
   * lazily, again after any failure it cannot recover from by aborting.
   */
  private final class Lane implements Runnable {
    final String transactionalId;
    final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    final Thread thread;
    volatile boolean inDoubt;
    private KafkaProducer<byte[], byte[]> producer;

    Lane(String transactionalId) {
      this.transactionalId = transactionalId;
      this.thread = new Thread(this, "heatlab-ingest-" + transactionalId);
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void run() {
      List<Job> group = new ArrayList<>();
      while (!closing || !queue.isEmpty()) {
        try {
          Job first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          group.add(first);
          int events = first.batch.events().size();
          Job more;
          while (events < MAX_GROUP_EVENTS && (more = queue.poll()) != null) {
            group.add(more);
            events += more.batch.events().size();
          }
          commit(group);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } finally {
          group.clear();
        }
      }
      closeProducer(Duration.ofSeconds(5));
    }

    private void commit(List<Job> group) {
      try {
        if (producer == null) {
          KafkaProducer<byte[], byte[]> p =
              new KafkaProducer<>(
                  withTransactionalId(), new ByteArraySerializer(), new ByteArraySerializer());
          try {
            p.initTransactions(); // fences an earlier producer of this id and aborts what it
            // left open
          } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
          }
          producer = p;
        }
        producer.beginTransaction();
        for (Job j : group) {
          j.sendWith(producer);
        }
      } catch (RuntimeException e) { // nothing was committed: a definite failure
        abortOrReset(e);
        group.forEach(j -> j.result.completeExceptionally(e));
        return;
      }
      try {
        producer.commitTransaction(); // flushes the records first; throws if any failed
        group.forEach(j -> j.result.complete(null));
      } catch (TimeoutException e) {
        settleInDoubt(group, e);
      } catch (RuntimeException e) {
        abortOrReset(e);
        group.forEach(j -> j.result.completeExceptionally(e));
      }
    }

    /**
     * The commit timed out, so it may still complete and may not be aborted (the producer's
     * contract): answer the group now with {@link OutcomeUnknown}, then retry the commit until
     * Kafka answers for sure — success means committed; any other error means the transaction was
     * not committed (a failed record, or the coordinator aborted it on its timeout) and it is
     * aborted. Stops, outcome unknown, when ingestion closes.
     */
    private void settleInDoubt(List<Job> group, RuntimeException timeout) {
      inDoubt = true;
      CompletableFuture<Boolean> outcome = new CompletableFuture<>();
      OutcomeUnknown unknown = new OutcomeUnknown(outcome, timeout);
      group.forEach(j -> j.result.completeExceptionally(unknown));
      LOG.warn(
          "{}: the commit of {} batch(es) timed out; retrying it until Kafka settles their outcome",
          transactionalId,
          group.size());
      try {
        while (true) {
          answerQueued();
          if (closing) {
            LOG.warn(
                "{}: shutting down with {} batch(es) of unknown outcome: a retry of them may land twice",
                transactionalId,
                group.size());
            return;
          }
          try {
            producer.commitTransaction();
            doubtsCommitted.incrementAndGet();
            outcome.complete(true);
            LOG.info(
                "{}: the commit in doubt went through: its {} batch(es) are in Kafka",
                transactionalId,
                group.size());
            return;
          } catch (TimeoutException again) {
            LOG.debug("{}: the commit in doubt is still unanswered", transactionalId);
          } catch (RuntimeException definite) {
            abortOrReset(definite);
            doubtsAborted.incrementAndGet();
            outcome.complete(false);
            LOG.info(
                "{}: the commit in doubt failed ({}): its {} batch(es) were not written",
                transactionalId,
                definite.toString(),
                group.size());
            return;
          }
        }
      } finally {
        inDoubt = false;
      }
    }

    /**
     * Answers what was queued for this lane before it went into doubt: Kafka is not acknowledging.
     */
    private void answerQueued() {
      Job j;
      while ((j = queue.poll()) != null) {
        j.result.completeExceptionally(
            new IllegalStateException("Kafka is not confirming commits at the moment"));
      }
    }

    private void abortOrReset(RuntimeException cause) {
      if (producer == null) {
        return;
      }
      boolean fatal =
          cause instanceof ProducerFencedException
              || cause instanceof OutOfOrderSequenceException
              || cause instanceof AuthorizationException
              || cause instanceof IllegalStateException;
      if (!fatal) {
        try {
          producer.abortTransaction();
          return;
        } catch (RuntimeException abortFailed) {
          LOG.debug(
              "{}: abort failed ({}), recreating the producer",
              transactionalId,
              abortFailed.toString());
        }
      }
      closeProducer(
          Duration.ZERO); // the next producer's initTransactions aborts the open transaction
    }

    private void closeProducer(Duration timeout) {
      if (producer != null) {
        try {
          producer.close(timeout);
        } catch (RuntimeException e) {
          LOG.debug("{}: close: {}", transactionalId, e.toString());
        }
        producer = null;
      }
    }

    private Properties withTransactionalId() {
      Properties p = new Properties();
      p.putAll(settings);
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
      p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
      return p;
    }
  }

  /** Commits what is queued (the lanes drain their queues), then closes the producers. */
  @Override
  public void close() {
    closing = true;
    for (Lane lane : lanes) {
      try {
        lane.thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
