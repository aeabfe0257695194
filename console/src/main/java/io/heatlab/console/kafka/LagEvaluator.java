package io.heatlab.console.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Judges a consumer group's health partition by partition from sampled offsets, following LinkedIn
 * Burrow's consumer lag evaluation rules (its {@code core/internal/evaluator/caching.go}): no lag
 * threshold, only the shape of the last N commits. Plain Java: partitions are named by strings such
 * as {@code "heatmap-events-3"}; the caller samples committed and log end offsets and passes them
 * to {@link #observe}.
 *
 * <p>A partition's rules, in evaluation order; the first that applies decides:
 *
 * <ol>
 *   <li><b>OK</b> — no log end offset yet (lag -1): nothing to judge.
 *   <li><b>OK</b> — caught up now: the latest observation's lag is 0.
 *   <li><b>OK</b> — fewer than two commits seen happening (the first offset seen does not count,
 *       see below): not enough history to judge; the rule text still says how long the offset has
 *       not moved and what the lag is.
 *   <li><b>STOP</b> — the partition has made no progress for longer than its window of commits
 *       spans (Burrow: {@code now - latestCommit.at > latestCommit.at - oldestCommit.at}). Here the
 *       left side runs from the latest commit or, if later, the latest observation at which the
 *       partition was caught up: that is Burrow's "recent lag zero" exemption — an idle consumer
 *       that is caught up commits nothing new, and the clock only runs from the moment it fell
 *       behind. The right side is measured as explained below.
 *   <li><b>ERR</b> (Burrow's REWIND) — a commit went backwards and no later commit in the window
 *       has returned to the offset before the rewind.
 *   <li><b>OK</b> — the lag was 0 at some commit in the window.
 *   <li><b>STALL</b> — the committed offset has not moved, with lag, over at least the last N
 *       observations <em>and</em> for more than twice the longest gap between the window's commits
 *       (see below).
 *   <li><b>WARN</b> — a full window of N commits whose lag never decreased from one commit to the
 *       next.
 *   <li><b>OK</b> — otherwise: the consumer is making progress.
 * </ol>
 *
 * <p>As in Burrow, STOP and REWIND come before the "lag was 0 in the window" exemption: a consumer
 * that was caught up at every commit and then died keeps those zero-lag commits in its window
 * forever, and must still be reported as stopped.
 *
 * <p><b>Sampling instead of commits.</b> Burrow reads every commit from {@code __consumer_offsets},
 * so it sees a consumer re-committing the same offset. The console only samples the committed
 * offset every few seconds, so a commit is recorded only when the sampled offset differs from the
 * last recorded one (stamped with the time it was first seen, and the end offset seen then); a
 * sample with an unchanged offset only refreshes the partition's latest observation (time and end
 * offset, hence its current lag) and counts towards how long the offset has sat still.
 * Consequences:
 *
 * <ul>
 *   <li>The window is the last N <em>distinct</em> offsets, so it spans N - 1 commit intervals
 *       whatever the sampling rate: about (N - 1) × 3 s for a consumer committing faster than the
 *       console samples, (N - 1) × 60 s for a Kafka Connect sink flushing every minute. STOP
 *       thereby scales with each consumer's own rhythm, as in Burrow.
 *   <li>Burrow's STALL ("commits keep arriving with an unchanged offset") cannot be seen directly.
 *       It is approximated as "the offset sat still, with lag, over the last N samples and for more
 *       than twice the longest gap between the window's commits". Counting samples alone would flag
 *       every slow committer: a sink committing every 60 s repeats its offset in ~20 samples
 *       between commits. Measuring the stillness against the partition's own longest gap (doubled
 *       to absorb irregular flushes) does not. A stuck partition of a regular committer (N &ge; 4)
 *       therefore turns STALL first and STOP once the stillness outlasts the whole window; for a
 *       consumer committing at the sampling rate both thresholds are about equal and STOP, checked
 *       first, is what shows.
 *   <li>A commit's time is only known to within a sample: it happened after the observation before
 *       the one that first showed it. STOP therefore measures the window's span from that earlier
 *       observation (the longest the span can have been), so that the sampling grid alone does not
 *       trip STOP while a slow committer has only two or three commits in its window. The first
 *       offset seen for a partition was committed at some unknown time before the console looked:
 *       it counts as a commit for the lag rules (REWIND, caught up in the window, WARN) but not for
 *       the timing rules (STOP, STALL), and judging starts once two commits have been seen
 *       happening.
 * </ul>
 *
 * <p>Memory is bounded: per partition at most N commits plus a few fields. Samples older than a
 * partition's latest observation are ignored. Thread-safe.
 */
public final class LagEvaluator {
  /**
   * How many times the longest gap between a partition's recent commits its offset must sit still,
   * with lag, before it is STALL.
   */
  static final int STALL_GAP_FACTOR = 2;

  /**
   * Status of a partition or a group, ordered by severity (OK least). REWIND is reported as ERR.
   */
  public enum Status {
    OK,
    WARN,
    ERR,
    STALL,
    STOP
  }

  /**
   * One observed offset commit: when it was first seen, the committed offset, and the log end
   * offset at that time ({@code -1} when the broker's was not known yet).
   */
  public record Commit(Instant at, long offset, long endOffset) {
    public Commit {
      Objects.requireNonNull(at, "at");
    }

    /** {@code max(0, endOffset - offset)}, or -1 when there was no end offset yet. */
    public long lag() {
      return endOffset < 0 ? -1 : Math.max(0, endOffset - offset);
    }
  }

  /**
   * A status with the rule that decided it, in words fit for a tooltip, e.g. "STALL:
   * heatmap-events-2's committed offset stayed at 1200 over the last 10 observations (…) while its
   * lag is 340".
   */
  public record Verdict(Status status, String rule) {
    public Verdict {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(rule, "rule");
    }
  }

  /**
   * A kept commit and the observation before it ({@code null} for the first offset ever seen of a
   * partition, committed at some unknown time before): the commit happened in {@code (seenAfter,
   * at]}.
   */
  record Entry(Commit commit, Instant seenAfter) {
    boolean timed() {
      return seenAfter != null;
    }
  }

  /** What is kept per partition. */
  static final class Track {
    final ArrayDeque<Entry> entries;
    Instant latestAt;
    long latestEnd;

    /**
     * Since when the offset has not moved while lagging: last commit or last caught-up observation.
     */
    Instant quietSince;

    /** Observations at the current offset since {@link #quietSince}, that one included. */
    long quietObservations;

    Track(int window) {
      entries = new ArrayDeque<>(window);
    }
  }

  private final int window;
  private final Map<String, Track> tracks = new HashMap<>();

  /**
   * @param window N, the number of commits kept and judged per partition (Burrow's {@code
   *     intervals}); at least 2
   */
  public LagEvaluator(int window) {
    if (window < 2) {
      throw new IllegalArgumentException("window must be at least 2 commits, was " + window);
    }
    this.window = window;
  }

  /** N, the number of commits kept per partition. */
  public int window() {
    return window;
  }

  /**
   * Records a sample of a partition's committed offset and log end offset ({@code -1} when
   * unknown). A committed offset different from the last recorded one (higher or lower) is a new
   * commit, the oldest commit dropping out once N are kept. An unchanged one is not a commit: it
   * only updates the partition's latest observation — time and end offset, from which the current
   * lag is taken — and, while the partition lags, extends the stretch over which its offset has
   * stood still (STOP and STALL measure that stretch; a caught-up observation restarts it). A
   * sample older than the partition's latest observation is ignored.
   */
  public synchronized void observe(
      String partition, Instant at, long committedOffset, long endOffset) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(at, "at");
    Track track = tracks.computeIfAbsent(partition, p -> new Track(window));
    if (track.latestAt != null && at.isBefore(track.latestAt)) {
      return;
    }
    Entry last = track.entries.peekLast();
    if (last == null || last.commit().offset() != committedOffset) {
      if (track.entries.size() == window) {
        track.entries.removeFirst();
      }
      track.entries.addLast(new Entry(new Commit(at, committedOffset, endOffset), track.latestAt));
      track.quietSince = at;
      track.quietObservations = 1;
    } else if (endOffset >= 0 && endOffset <= committedOffset) {
      track.quietSince = at;
      track.quietObservations = 1;
    } else {
      track.quietObservations++;
    }
    track.latestAt = at;
    track.latestEnd = endOffset;
  }

  /** Drops everything known about a partition (e.g. it was revoked or the topic deleted). */
  public synchronized void forget(String partition) {
    tracks.remove(partition);
  }

  /**
   * The commits kept for a partition, oldest first (at most N), each stamped with the time its
   * offset was first seen; empty when the partition was never observed.
   */
  public synchronized List<Commit> commits(String partition) {
    Track track = tracks.get(partition);
    return track == null ? List.of() : track.entries.stream().map(Entry::commit).toList();
  }

  /** A partition's status at {@code now}, with the rule that decided it. */
  public synchronized Verdict partition(String partition, Instant now) {
    Objects.requireNonNull(now, "now");
    Track track = tracks.get(partition);
    if (track == null) {
      return new Verdict(Status.OK, "OK: " + partition + " has not been observed yet");
    }
    return LagRules.evaluate(partition, track, window, now);
  }

  /**
   * The worst partition verdict, as is (its rule names the partition); on a tie the first partition
   * in sorted order. OK with rule "no partitions observed yet" when there are none.
   */
  public synchronized Verdict group(Instant now) {
    Verdict worst = null;
    for (Verdict verdict : partitions(now).values()) {
      if (worst == null || verdict.status().compareTo(worst.status()) > 0) {
        worst = verdict;
      }
    }
    return worst != null ? worst : new Verdict(Status.OK, "no partitions observed yet");
  }

  /** Every observed partition's verdict, sorted by partition name; an unmodifiable snapshot. */
  public synchronized Map<String, Verdict> partitions(Instant now) {
    Objects.requireNonNull(now, "now");
    TreeMap<String, Verdict> verdicts = new TreeMap<>();
    tracks.forEach(
        (partition, track) ->
            verdicts.put(partition, LagRules.evaluate(partition, track, window, now)));
    return Collections.unmodifiableSortedMap(verdicts);
  }

  /** "45 s", "12 min", "3 h 5 min". */
  static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 2 * 3600) {
      return s / 60 + " min";
    }
    return s / 3600 + " h " + (s % 3600) / 60 + " min";
  }
}
