package io.heatlab.stack;

import io.heatlab.config.HeatlabCommand;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the embedded stack's child processes when they die, as systemd's {@code
 * Restart=on-failure} with {@code StartLimitBurst} would: a dead part is started again after a
 * back-off (1 s, doubling per restart up to 1 min, back to 1 s once it has run {@link #STABLE}), at
 * most {@link #LIMIT} times in {@link #LIMIT_WINDOW} — then the watchdog gives up on it and says so
 * in its health, so a part that cannot run does not restart in a loop. Parts are checked in the
 * stack's order (Kafka before Connect). Restarts show in {@code status}, {@code /healthz} and the
 * console ({@link PartHealth#restarts()}).
 *
 * <p>Only the stack's owner runs one ({@link Stack#superviseRestarts()}: {@code heatlab up}, the
 * console when it starts the stack); the fault tests, which kill and start parts themselves, do
 * not. The warm Spark driver has its own ({@link SparkDriverPart}).
 */
final class PartWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartWatchdog.class);

  static final Duration CHECK_EVERY = Duration.ofSeconds(2);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  static final Duration STABLE = Duration.ofMinutes(10);
  static final int LIMIT = 5;
  static final Duration LIMIT_WINDOW = Duration.ofMinutes(10);

  /** What the watchdog knows of one part's deaths. */
  private static final class Record {
    final Deque<Instant> restarts = new ArrayDeque<>();
    Duration backoff = FIRST_BACKOFF;
    Instant diedAt;
    Instant backSince;
    boolean gaveUp;
  }

  private final List<ProcessPart> parts;
  private final Map<String, Record> records = new HashMap<>();
  private final ScheduledExecutorService timer;

  PartWatchdog(List<ProcessPart> parts) {
    this.parts = List.copyOf(parts);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heatlab-part-watchdog");
              t.setDaemon(true);
              return t;
            });
    parts.forEach(p -> records.put(p.name(), new Record()));
  }

  PartWatchdog start() {
    timer.scheduleWithFixedDelay(
        this::check, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One look at every part (the timer's thread; also called directly by tests). */
  void check() {
    for (ProcessPart part : parts) {
      try {
        check(part, Instant.now());
      } catch (RuntimeException e) {
        LOG.warn("watchdog: checking {} failed: {}", part.name(), e.toString());
      }
    }
  }

  private void check(ProcessPart part, Instant now) {
    Record r = records.get(part.name());
    if (!part.crashed()) {
      r.diedAt = null;
      if (r.backSince != null && Duration.between(r.backSince, now).compareTo(STABLE) > 0) {
        r.backoff = FIRST_BACKOFF; // ran long enough: the next death starts the back-off anew
        r.backSince = null;
      }
      return;
    }
    if (r.gaveUp) {
      return;
    }
    if (r.diedAt == null) {
      r.diedAt = now;
      LOG.warn(
          "{} died{}; restarting it in {} s",
          part.name(),
          part.exitCode().map(c -> " (exit code " + c + ")").orElse(""),
          r.backoff.toSeconds());
    }
    if (now.isBefore(r.diedAt.plus(r.backoff))) {
      return;
    }
    while (!r.restarts.isEmpty() && r.restarts.peekFirst().isBefore(now.minus(LIMIT_WINDOW))) {
      r.restarts.removeFirst();
    }
    if (r.restarts.size() >= LIMIT) {
      r.gaveUp = true;
      String note =
          "died again after "
              + LIMIT
              + " restarts in "
              + LIMIT_WINDOW.toMinutes()
              + " min: the supervisor gave up (see its log; "
              + HeatlabCommand.name()
              + " down && "
              + HeatlabCommand.name()
              + " up)";
      part.noteRestarts(note);
      LOG.error("{} {}", part.name(), note);
      return;
    }
    r.restarts.addLast(now);
    String exit = part.exitCode().map(c -> " after exit code " + c).orElse("");
    try {
      part.restart(
          "restarted by the supervisor, last at " + now.truncatedTo(ChronoUnit.SECONDS) + exit);
      LOG.warn("{} restarted ({} restart(s) so far)", part.name(), part.restarts());
      r.backSince = Instant.now();
      r.diedAt = null;
    } catch (StackException e) {
      LOG.warn("{} did not come back: {}", part.name(), e.getMessage());
      r.diedAt = Instant.now();
    }
    r.backoff =
        r.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
            ? MAX_BACKOFF
            : r.backoff.multipliedBy(2);
  }

  /** Stops watching; a restart in progress is interrupted. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
