package io.heatlab.traffic;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the generator saw, thread-safe: events sent and accepted, answers by status, retries,
 * failures, and request latency (HdrHistogram, microseconds) per interval and in total.
 */
public final class TrafficStats {
  private final LongAdder eventsSent = new LongAdder();
  private final LongAdder eventsAccepted = new LongAdder();
  private final LongAdder batchesAccepted = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();
  private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final Recorder latency = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private final long startNanos = System.nanoTime();

  /**
   * One interval (or the whole run): rates, latency percentiles in ms, answers by status (-1 = no
   * answer).
   */
  public record Snapshot(
      double seconds,
      long eventsSent,
      long eventsAccepted,
      long batchesAccepted,
      long retries,
      long failedBatches,
      Map<Integer, Long> byStatus,
      double p50Ms,
      double p99Ms,
      double maxMs) {

    public double acceptedPerSecond() {
      return seconds <= 0 ? 0 : eventsAccepted / seconds;
    }

    public double sentPerSecond() {
      return seconds <= 0 ? 0 : eventsSent / seconds;
    }
  }

  void sent(int events) {
    eventsSent.add(events);
  }

  void answered(int status, long latencyNanos, int events) {
    byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    latency.recordValue(Math.max(1, latencyNanos / 1000));
    if (status == 202) {
      eventsAccepted.add(events);
      batchesAccepted.increment();
    }
  }

  void retried() {
    retries.increment();
  }

  void failed() {
    failedBatches.increment();
  }

  public long eventsAccepted() {
    return eventsAccepted.sum();
  }

  private long lastSent;
  private long lastAccepted;
  private long lastBatches;
  private long lastRetries;
  private long lastFailed;
  private long lastNanos = startNanos;
  private final Map<Integer, Long> lastByStatus = new TreeMap<>();

  /** The interval since the previous call (call from one thread, e.g. a once-a-second reporter). */
  public synchronized Snapshot interval() {
    long now = System.nanoTime();
    Histogram h = latency.getIntervalHistogram();
    total.add(h);
    Map<Integer, Long> statuses = new TreeMap<>();
    byStatus.forEach(
        (s, n) -> {
          long v = n.sum();
          long d = v - lastByStatus.getOrDefault(s, 0L);
          lastByStatus.put(s, v);
          if (d > 0) {
            statuses.put(s, d);
          }
        });
    long sent = eventsSent.sum();
    long accepted = eventsAccepted.sum();
    long batches = batchesAccepted.sum();
    long r = retries.sum();
    long f = failedBatches.sum();
    Snapshot s =
        new Snapshot(
            (now - lastNanos) / 1e9,
            sent - lastSent,
            accepted - lastAccepted,
            batches - lastBatches,
            r - lastRetries,
            f - lastFailed,
            statuses,
            ms(h, 50),
            ms(h, 99),
            h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0);
    lastSent = sent;
    lastAccepted = accepted;
    lastBatches = batches;
    lastRetries = r;
    lastFailed = f;
    lastNanos = now;
    return s;
  }

  /** The whole run up to the last {@link #interval()} for latency, up to now for counts. */
  public synchronized Snapshot total() {
    Map<Integer, Long> statuses = new TreeMap<>();
    byStatus.forEach((s, n) -> statuses.put(s, n.sum()));
    return new Snapshot(
        (System.nanoTime() - startNanos) / 1e9,
        eventsSent.sum(),
        eventsAccepted.sum(),
        batchesAccepted.sum(),
        retries.sum(),
        failedBatches.sum(),
        statuses,
        ms(total, 50),
        ms(total, 99),
        total.getTotalCount() == 0 ? 0 : total.getMaxValue() / 1000.0);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
