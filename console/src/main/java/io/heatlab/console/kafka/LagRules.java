package io.heatlab.console.kafka;

import io.heatlab.console.kafka.LagEvaluator.Commit;
import io.heatlab.console.kafka.LagEvaluator.Entry;
import io.heatlab.console.kafka.LagEvaluator.Status;
import io.heatlab.console.kafka.LagEvaluator.Track;
import io.heatlab.console.kafka.LagEvaluator.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Burrow's rules applied to one partition's track, in the order {@link LagEvaluator} documents: the
 * first that applies decides. Pure functions of the track, the window and the time.
 */
final class LagRules {
  private LagRules() {}

  static Verdict evaluate(String p, Track track, int window, Instant now) {
    List<Commit> commits = track.entries.stream().map(Entry::commit).toList();
    List<Entry> timed = track.entries.stream().filter(Entry::timed).toList();
    Commit last = commits.get(commits.size() - 1);
    long offset = last.offset();
    long lag = track.latestEnd < 0 ? -1 : Math.max(0, track.latestEnd - offset);

    if (lag < 0) {
      return new Verdict(
          Status.OK, "OK: " + p + " has no log end offset yet (committed offset " + offset + ")");
    }
    if (lag == 0) {
      return new Verdict(Status.OK, "OK: " + p + " is caught up at offset " + offset);
    }
    Duration stillFor = Duration.between(track.quietSince, track.latestAt);
    if (timed.size() < 2) {
      return new Verdict(
          Status.OK,
          "OK: not enough commits yet to judge "
              + p
              + " (offset "
              + offset
              + " unchanged for "
              + human(stillFor)
              + ", lag "
              + lag
              + ")");
    }

    Duration span = Duration.between(timed.get(0).seenAfter(), last.at());
    Duration quiet = Duration.between(track.quietSince, now);
    if (quiet.compareTo(span) > 0) {
      return new Verdict(
          Status.STOP,
          "STOP: "
              + p
              + " has not committed past offset "
              + offset
              + " for "
              + human(quiet)
              + " while its lag is "
              + lag
              + ", longer than its last "
              + timed.size()
              + " commits took ("
              + human(span)
              + ")");
    }

    int rewind = unrecoveredRewind(commits);
    if (rewind > 0) {
      return new Verdict(
          Status.ERR,
          "ERR (REWIND): "
              + p
              + "'s committed offset went back from "
              + commits.get(rewind - 1).offset()
              + " to "
              + commits.get(rewind).offset()
              + " and has not returned there since");
    }

    for (Commit c : commits) {
      if (c.lag() == 0) {
        return new Verdict(
            Status.OK,
            "OK: "
                + p
                + " was caught up within the window (lag 0 at offset "
                + c.offset()
                + "), lag now "
                + lag);
      }
    }

    if (track.quietObservations >= window) {
      Duration longestGap = longestGap(timed);
      if (stillFor.compareTo(longestGap.multipliedBy(LagEvaluator.STALL_GAP_FACTOR)) > 0) {
        return new Verdict(
            Status.STALL,
            "STALL: "
                + p
                + "'s committed offset stayed at "
                + offset
                + " over the last "
                + track.quietObservations
                + " observations ("
                + human(stillFor)
                + ", more than "
                + LagEvaluator.STALL_GAP_FACTOR
                + " × its longest gap between commits, "
                + human(longestGap)
                + ") while its lag is "
                + lag);
      }
    }

    if (commits.size() == window && lagNeverDecreased(commits)) {
      return new Verdict(
          Status.WARN,
          "WARN: "
              + p
              + "'s lag did not decrease across its last "
              + window
              + " commits ("
              + firstKnownLag(commits)
              + " → "
              + last.lag()
              + "): the consumer is falling behind");
    }

    return new Verdict(
        Status.OK, "OK: " + p + " is making progress (offset " + offset + ", lag " + lag + ")");
  }

  /**
   * The index of the first commit lower than its predecessor, if no later commit has come back to
   * that predecessor's offset; -1 otherwise (Burrow checks only the first rewind in the window).
   */
  private static int unrecoveredRewind(List<Commit> commits) {
    for (int i = 1; i < commits.size(); i++) {
      long before = commits.get(i - 1).offset();
      if (commits.get(i).offset() < before) {
        for (int j = i; j < commits.size(); j++) {
          if (commits.get(j).offset() >= before) {
            return -1;
          }
        }
        return i;
      }
    }
    return -1;
  }

  /** No commit's lag below the previous known one; commits without an end offset are skipped. */
  private static boolean lagNeverDecreased(List<Commit> commits) {
    long previous = -1;
    for (Commit c : commits) {
      long lag = c.lag();
      if (lag < 0) {
        continue;
      }
      if (previous >= 0 && lag < previous) {
        return false;
      }
      previous = lag;
    }
    return true;
  }

  private static long firstKnownLag(List<Commit> commits) {
    return commits.stream().mapToLong(Commit::lag).filter(l -> l >= 0).findFirst().orElse(-1);
  }

  /** The longest time between two consecutive timed commits' first sightings. */
  private static Duration longestGap(List<Entry> timed) {
    Duration longest = Duration.ZERO;
    for (int i = 1; i < timed.size(); i++) {
      Duration gap = Duration.between(timed.get(i - 1).commit().at(), timed.get(i).commit().at());
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
    }
    return longest;
  }

  private static String human(Duration d) {
    return LagEvaluator.human(d);
  }
}
