package io.heatlab.ingest;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which batches may go to Kafka now, so that the work in flight stays bounded whatever Kafka does:
 * refused while the events in flight would pass {@code maxInflightEvents} ({@link
 * Refusal#AT_CAPACITY}), while the oldest batch in flight has waited longer than {@code shedAfter},
 * or after a failed batch — then one batch a second goes through as a probe ({@link
 * Refusal#KAFKA_UNAVAILABLE}). Admission resumes by itself as soon as Kafka acknowledges again.
 * Thread-safe; request threads call {@link #admit}, the producer {@link #enter} and {@link
 * Ticket#exit}.
 */
final class Admission {
  /** Why a batch was not admitted; a null reason means admitted. */
  enum Refusal {
    AT_CAPACITY,
    KAFKA_UNAVAILABLE
  }

  private static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

  private final int maxInflightEvents;
  private final long shedAfterNanos;
  private final AtomicInteger inflightEvents = new AtomicInteger();
  private final ConcurrentLinkedDeque<Ticket> inFlight = new ConcurrentLinkedDeque<>();
  private final AtomicLong lastProbeNanos = new AtomicLong();
  private volatile boolean lastBatchFailed;

  Admission(int maxInflightEvents, long shedAfterNanos) {
    this.maxInflightEvents = maxInflightEvents;
    this.shedAfterNanos = shedAfterNanos;
  }

  /** Null when a batch of {@code events} may be produced now, else why not. */
  Refusal admit(int events) {
    if (oldestInFlightNanos() > shedAfterNanos) {
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

  /** A batch of {@code events} goes to Kafka: in flight until its ticket exits. */
  Ticket enter(int events) {
    Ticket t = new Ticket(events);
    inFlight.addLast(t);
    inflightEvents.addAndGet(events);
    return t;
  }

  private long oldestInFlightNanos() {
    Ticket head;
    while ((head = inFlight.peekFirst()) != null && head.done) {
      inFlight.pollFirst();
    }
    return head == null ? 0 : System.nanoTime() - head.startNanos;
  }

  /** One batch in flight. */
  final class Ticket {
    private final long startNanos = System.nanoTime();
    private final int events;
    private volatile boolean done;

    private Ticket(int events) {
      this.events = events;
    }

    /**
     * The batch is settled: in Kafka, or failed (which makes admission probe until one succeeds).
     */
    void exit(boolean failed) {
      done = true;
      inflightEvents.addAndGet(-events);
      lastBatchFailed = failed;
    }
  }
}
