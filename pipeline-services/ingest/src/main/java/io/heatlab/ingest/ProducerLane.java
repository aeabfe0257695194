package io.heatlab.ingest;

import io.heatlab.contract.BatchRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transactional producer of ingestion and its thread: takes what is queued for it (up to 20,000
 * events), sends it in one transaction, commits, answers every batch of the group (a group commit).
 * The producer is created — and {@code initTransactions} called — lazily, again after any failure
 * it cannot recover from by aborting. A commit that times out is in doubt: the group is answered
 * {@link EventProducer.OutcomeUnknown} at once and the lane retries the commit until Kafka settles
 * it, taking no work meanwhile ({@link #inDoubt}).
 */
final class ProducerLane implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ProducerLane.class);

  /**
   * Most events one transaction carries; more queued batches wait for the lane's next transaction.
   */
  private static final int MAX_GROUP_EVENTS = 20_000;

  /** One batch waiting for its transaction; {@code result} completes when it is settled. */
  record Job(BatchRecord batch, CompletableFuture<Void> result) {}

  /** Commits in doubt that turned out committed, or aborted (for {@code /healthz}). */
  record Doubts(AtomicLong committed, AtomicLong aborted) {}

  /** How long a lane rests after an unexpected failure before it takes batches again. */
  static final Duration RESTART_AFTER = Duration.ofSeconds(1);

  final String transactionalId;
  final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
  final Thread thread;
  volatile boolean inDoubt;

  /** True from an unexpected failure (an Error) until the lane takes batches again. */
  volatile boolean restarting;

  /** Unexpected failures the lane recovered from (for {@code /healthz}). */
  final AtomicLong restarts = new AtomicLong();

  private final Properties settings;
  private final Function<Properties, Producer<byte[], byte[]>> producers;
  private final Duration restartAfter;
  private final String topic;
  private final BooleanSupplier closing;
  private final Doubts doubts;
  private Producer<byte[], byte[]> producer;

  ProducerLane(
      String transactionalId,
      Properties settings,
      String topic,
      BooleanSupplier closing,
      Doubts doubts) {
    this(
        transactionalId,
        settings,
        topic,
        closing,
        doubts,
        p -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()),
        RESTART_AFTER);
  }

  /**
   * With the producers made by {@code producers} (tests: Kafka's {@code MockProducer}), resting
   * {@code restartAfter} after an unexpected failure.
   */
  ProducerLane(
      String transactionalId,
      Properties settings,
      String topic,
      BooleanSupplier closing,
      Doubts doubts,
      Function<Properties, Producer<byte[], byte[]>> producers,
      Duration restartAfter) {
    this.transactionalId = transactionalId;
    this.settings = settings;
    this.producers = producers;
    this.restartAfter = restartAfter;
    this.topic = topic;
    this.closing = closing;
    this.doubts = doubts;
    this.thread = new Thread(this, "heatlab-ingest-" + transactionalId);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Takes groups of queued batches and commits each in one transaction until ingestion closes. An
   * unexpected failure (an {@link Error} from the client, a bug) does not end the lane: the group
   * and what is queued are answered as failed (503, retried by the page), the producer is dropped
   * (the next one's {@code initTransactions} aborts what it left open), and after {@link
   * #RESTART_AFTER} — reported unhealthy meanwhile — the lane takes batches again.
   */
  @Override
  public void run() {
    List<Job> group = new ArrayList<>();
    while (!closing.getAsBoolean() || !queue.isEmpty()) {
      try {
        Job first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        int events = first.batch().size();
        Job more;
        while (events < MAX_GROUP_EVENTS && (more = queue.poll()) != null) {
          group.add(more);
          events += more.batch().size();
        }
        commit(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Throwable unexpected) { // NOPMD: the lane must outlive what its client throws
        if (!recover(group, unexpected)) {
          break;
        }
      } finally {
        group.clear();
      }
    }
    closeProducer(Duration.ofSeconds(5));
  }

  /**
   * Answers {@code group} and the queue as failed, drops the producer, rests; false if interrupted.
   */
  private boolean recover(List<Job> group, Throwable unexpected) {
    restarting = true;
    restarts.incrementAndGet();
    LOG.error(
        "{}: unexpected failure; its batches are answered 503 and the lane restarts in {} ms",
        transactionalId,
        restartAfter.toMillis(),
        unexpected);
    IllegalStateException failed =
        new IllegalStateException("the producer failed unexpectedly: " + unexpected);
    group.forEach(j -> j.result().completeExceptionally(failed));
    try {
      closeProducer(Duration.ZERO);
    } catch (Throwable ignored) { // NOPMD: already failing
      producer = null;
    }
    try {
      Thread.sleep(restartAfter.toMillis());
      Job j;
      while ((j = queue.poll()) != null) { // queued while it failed: answered, the page retries
        j.result().completeExceptionally(failed);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      restarting = false;
    }
  }

  /** Whether the lane takes batches: its thread runs and it is not resting after a failure. */
  boolean up() {
    return thread.isAlive() && !restarting;
  }

  private void commit(List<Job> group) {
    try {
      if (producer == null) {
        Producer<byte[], byte[]> p = producers.apply(withTransactionalId());
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
        send(j);
      }
    } catch (RuntimeException e) { // nothing was committed: a definite failure
      abortOrReset(e);
      group.forEach(j -> j.result().completeExceptionally(e));
      return;
    }
    try {
      producer.commitTransaction(); // flushes the records first; throws if any failed
      group.forEach(j -> j.result().complete(null));
    } catch (TimeoutException e) {
      settleInDoubt(group, e);
    } catch (RuntimeException e) {
      abortOrReset(e);
      group.forEach(j -> j.result().completeExceptionally(e));
    }
  }

  /**
   * The commit timed out, so it may still complete and may not be aborted (the producer's
   * contract): answer the group now with {@link OutcomeUnknown}, then retry the commit until Kafka
   * answers for sure — success means committed; any other error means the transaction was not
   * committed (a failed record, or the coordinator aborted it on its timeout) and it is aborted.
   * Stops, outcome unknown, when ingestion closes.
   */
  private void settleInDoubt(List<Job> group, RuntimeException timeout) {
    inDoubt = true;
    CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    EventProducer.OutcomeUnknown unknown = new EventProducer.OutcomeUnknown(outcome, timeout);
    group.forEach(j -> j.result().completeExceptionally(unknown));
    LOG.warn(
        "{}: the commit of {} batch(es) timed out; retrying it until Kafka settles their outcome",
        transactionalId,
        group.size());
    try {
      while (true) {
        answerQueued();
        if (closing.getAsBoolean()) {
          LOG.warn(
              "{}: shutting down with {} batch(es) of unknown outcome: a retry of them may land twice",
              transactionalId,
              group.size());
          return;
        }
        try {
          producer.commitTransaction();
          doubts.committed().incrementAndGet();
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
          doubts.aborted().incrementAndGet();
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
      j.result()
          .completeExceptionally(
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

  private void send(Job job) {
    producer.send(EventProducer.record(topic, job.batch()));
  }

  private Properties withTransactionalId() {
    Properties p = new Properties();
    p.putAll(settings);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    return p;
  }
}
