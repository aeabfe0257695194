package io.heatlab.console.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.console.kafka.LagEvaluator.Commit;
import io.heatlab.console.kafka.LagEvaluator.Status;
import io.heatlab.console.kafka.LagEvaluator.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LagEvaluatorTest {
  private static final String P = "heatmap-events-3";
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /**
   * Offsets seen at {@code from}, {@code from + 10}, … seconds with the given lags, no samples
   * between. The first is the partition's first sighting when nothing was observed before.
   */
  private static void commits(
      LagEvaluator ev, String partition, long from, long[] offsets, long[] lags) {
    for (int i = 0; i < offsets.length; i++) {
      ev.observe(partition, t(from + 10L * i), offsets[i], offsets[i] + lags[i]);
    }
  }

  /**
   * Window 4 holding commits of offsets 100..400 at 0..30 s with lags 50, 40, 60, 70 (one dip, so
   * never WARN); the first sighting at -10 s has aged out. Longest gap 10 s; span 40 s (the oldest
   * commit is only known to have happened after -10 s).
   */
  private static LagEvaluator fourLaggedCommits() {
    LagEvaluator ev = new LagEvaluator(4);
    commits(ev, P, -10, new long[] {0, 100, 200, 300, 400}, new long[] {30, 50, 40, 60, 70});
    return ev;
  }

  @Test
  void okWhenLagReachedZeroInWindow() {
    LagEvaluator ev = new LagEvaluator(5);
    commits(ev, P, 0, new long[] {100, 200, 300, 400, 500}, new long[] {50, 0, 30, 40, 60});

    Verdict verdict = ev.partition(P, t(41));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(
                Status.OK,
                "OK: " + P + " was caught up within the window (lag 0 at offset 200), lag now 60"));
  }

  @Test
  void okWhenCaughtUpNow() {
    LagEvaluator ev = fourLaggedCommits();
    ev.observe(P, t(33), 400, 400);

    Verdict verdict = ev.partition(P, t(34));

    assertThat(verdict)
        .isEqualTo(new Verdict(Status.OK, "OK: " + P + " is caught up at offset 400"));
  }

  @Test
  void warnWhenLagGrowsAtEveryCommit() {
    LagEvaluator ev = new LagEvaluator(5);
    commits(ev, P, 0, new long[] {100, 200, 300, 400, 500}, new long[] {50, 60, 60, 100, 150});

    Verdict verdict = ev.partition(P, t(41));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(
                Status.WARN,
                "WARN: "
                    + P
                    + "'s lag did not decrease across its last 5 commits (50 → 150): the consumer is falling behind"));
  }

  @Test
  void warnNeedsAFullWindow() {
    LagEvaluator ev = new LagEvaluator(5);
    commits(ev, P, 0, new long[] {100, 200, 300, 400}, new long[] {50, 60, 80, 100});

    Verdict verdict = ev.partition(P, t(31));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(Status.OK, "OK: " + P + " is making progress (offset 400, lag 100)"));
  }

  @Test
  void okWhenLagShrinksSomewhereInTheWindow() {
    LagEvaluator ev = new LagEvaluator(5);
    commits(ev, P, 0, new long[] {100, 200, 300, 400, 500}, new long[] {50, 60, 55, 100, 150});

    assertThat(ev.partition(P, t(41)).status()).isEqualTo(Status.OK);
  }

  @Test
  void stallWhenOffsetDoesNotMoveWhileLagged() {
    LagEvaluator ev = fourLaggedCommits();
    for (long s = 33; s <= 51; s += 3) {
      ev.observe(P, t(s), 400, 470 + 10 * s); // the producer keeps writing
    }

    Verdict verdict = ev.partition(P, t(51));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(
                Status.STALL,
                "STALL: "
                    + P
                    + "'s committed offset stayed at 400"
                    + " over the last 8 observations (21 s, more than 2 × its longest gap between commits, 10 s)"
                    + " while its lag is 580"));
  }

  @Test
  void notStalledBeforeTheOffsetSatStillForTwiceTheLongestGap() {
    LagEvaluator ev = fourLaggedCommits();
    for (long s = 33; s <= 48; s += 3) {
      ev.observe(P, t(s), 400, 470 + 10 * s);
    }

    assertThat(ev.partition(P, t(48)).status())
        .as("still for 18 s, not more than 2 × 10 s")
        .isEqualTo(Status.OK);
  }

  @Test
  void notStalledWithFewerObservationsThanTheWindow() {
    LagEvaluator ev = fourLaggedCommits();
    ev.observe(P, t(40), 400, 600);
    ev.observe(P, t(52), 400, 700); // still for 22 s, but seen only 3 times

    assertThat(ev.partition(P, t(52)).status()).isEqualTo(Status.OK);
  }

  @Test
  void stopWhenCommitsCeaseForLongerThanTheWindowSpans() {
    LagEvaluator ev = fourLaggedCommits(); // span 40 s, last commit at 30 s

    Verdict atSpan = ev.partition(P, t(70));
    Verdict pastSpan = ev.partition(P, t(71));

    assertThat(atSpan.status()).isEqualTo(Status.OK);
    assertThat(pastSpan)
        .isEqualTo(
            new Verdict(
                Status.STOP,
                "STOP: "
                    + P
                    + " has not committed past offset 400"
                    + " for 41 s while its lag is 70, longer than its last 4 commits took (40 s)"));
  }

  @Test
  void stuckConsumerTurnsStallThenStop() {
    LagEvaluator ev = fourLaggedCommits();
    for (long s = 33; s <= 51; s += 3) {
      ev.observe(P, t(s), 400, 500);
    }
    assertThat(ev.partition(P, t(51)).status()).isEqualTo(Status.STALL);

    for (long s = 54; s <= 72; s += 3) {
      ev.observe(P, t(s), 400, 500);
    }
    assertThat(ev.partition(P, t(72)).status()).isEqualTo(Status.STOP);
  }

  @Test
  void okWhenStoppedButCaughtUp() {
    LagEvaluator ev = fourLaggedCommits();
    ev.observe(
        P, t(35), 400,
        400); // the producer went quiet, the consumer caught up: nothing more to commit

    Verdict verdict = ev.partition(P, t(3600));

    assertThat(verdict)
        .isEqualTo(new Verdict(Status.OK, "OK: " + P + " is caught up at offset 400"));
  }

  @Test
  void idleConsumerIsNotStoppedByTheFirstNewRecords() {
    LagEvaluator ev = fourLaggedCommits();
    for (long s = 33; s <= 3600; s += 3) {
      ev.observe(P, t(s), 400, 400); // idle and caught up for an hour
    }
    ev.observe(P, t(3603), 400, 450); // new records; the consumer commits them at its next flush

    Verdict soon = ev.partition(P, t(3610));
    Verdict later = ev.partition(P, t(3641));

    assertThat(soon.status()).as(soon.rule()).isEqualTo(Status.OK);
    assertThat(later.status()).as("no commit for 41 s since it fell behind").isEqualTo(Status.STOP);
  }

  @Test
  void deadConsumerThatWasCaughtUpAtEveryCommitIsStillStopped() {
    LagEvaluator ev = new LagEvaluator(4);
    commits(ev, P, -10, new long[] {0, 100, 200, 300, 400}, new long[] {0, 0, 0, 0, 0});
    ev.observe(P, t(33), 400, 900);

    Verdict verdict = ev.partition(P, t(71));

    assertThat(verdict.status())
        .as("STOP is checked before the zero-lag-in-window exemption, as in Burrow")
        .isEqualTo(Status.STOP);
  }

  @Test
  void samplingGridAloneDoesNotStopASlowCommitter() {
    // Commits seen at 60 s and 117 s (a gap of 57 s on the 3 s sampling grid), the next one due at
    // 180 s.
    LagEvaluator ev = new LagEvaluator(10);
    for (long s = 0; s <= 177; s += 3) {
      long committed = s < 60 ? 0 : s < 117 ? 5_000 : 10_700;
      ev.observe(P, t(s), committed, 100 * s + 500);
    }

    Verdict verdict = ev.partition(P, t(177));

    assertThat(verdict.status())
        .as("still 60 s; the 57 s gap may have been up to 60 s: " + verdict.rule())
        .isEqualTo(Status.OK);
    assertThat(ev.partition(P, t(178)).status()).isEqualTo(Status.STOP);
  }

  @Test
  void slowCommitterSampledOftenIsNotStalled() {
    // A Connect sink flushing every 57..63 s, sampled every 3 s for 15 minutes, 100 records/s
    // arriving.
    LagEvaluator ev = new LagEvaluator(5);
    long committed = 0;
    long nextCommit = 60;
    int commitNo = 0;
    for (long s = 1; s <= 900; s += 3) {
      if (s >= nextCommit) {
        committed = 100 * s - (commitNo % 2 == 0 ? 120 : 80);
        commitNo++;
        nextCommit = s + 60 + (commitNo % 3 - 1) * 3;
      }
      ev.observe(P, t(s), committed, 100 * s);

      Verdict verdict = ev.partition(P, t(s));

      assertThat(verdict.status()).as("at %d s: %s", s, verdict.rule()).isEqualTo(Status.OK);
    }
    assertThat(ev.commits(P)).hasSize(5);
  }

  @Test
  void errWhenOffsetsRewind() {
    LagEvaluator ev = new LagEvaluator(5);
    commits(ev, P, 0, new long[] {100, 200, 300, 150}, new long[] {50, 60, 55, 300});

    Verdict verdict = ev.partition(P, t(31));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(
                Status.ERR,
                "ERR (REWIND): "
                    + P
                    + "'s committed offset went back from 300 to 150 and has not returned there since"));
  }

  @Test
  void rewindIsForgivenOnceTheConsumerIsBackPastIt() {
    LagEvaluator ev = new LagEvaluator(5);
    commits(ev, P, 0, new long[] {100, 200, 300, 150, 320}, new long[] {50, 60, 55, 300, 40});

    assertThat(ev.partition(P, t(41)).status()).isEqualTo(Status.OK);
  }

  @Test
  void okWithoutBrokerOffset() {
    LagEvaluator ev = new LagEvaluator(3);
    ev.observe(P, t(0), 100, 500);
    ev.observe(P, t(10), 200, 600);
    ev.observe(P, t(20), 200, -1);

    Verdict verdict = ev.partition(P, t(3600));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(
                Status.OK, "OK: " + P + " has no log end offset yet (committed offset 200)"));
  }

  @Test
  void commitLagIsClampedAtZeroAndMinusOneWithoutEndOffset() {
    assertThat(new Commit(T0, 100, 150).lag()).isEqualTo(50);
    assertThat(new Commit(T0, 100, 90).lag()).isZero();
    assertThat(new Commit(T0, 100, -1).lag()).isEqualTo(-1);
  }

  @Test
  void okUntilTwoCommitsHaveBeenSeenHappening() {
    LagEvaluator ev = new LagEvaluator(3);
    ev.observe(P, t(0), 100, 500); // committed at some time before the console looked
    for (long s = 3; s <= 300; s += 3) {
      ev.observe(P, t(s), 200, 500);
    }

    Verdict verdict = ev.partition(P, t(300));

    assertThat(verdict)
        .isEqualTo(
            new Verdict(
                Status.OK,
                "OK: not enough commits yet to judge "
                    + P
                    + " (offset 200 unchanged for 4 min, lag 300)"));
  }

  @Test
  void groupReportsTheWorstPartitionAndNamesIt() {
    LagEvaluator ev = new LagEvaluator(4);
    commits(
        ev,
        "heatmap-events-0",
        -10,
        new long[] {0, 100, 200, 300, 400},
        new long[] {0, 0, 0, 0, 0});
    ev.observe("heatmap-events-0", t(40), 400, 400);
    commits(
        ev,
        "heatmap-events-1",
        -10,
        new long[] {0, 100, 200, 300, 400},
        new long[] {5, 10, 20, 30, 40});
    commits(
        ev,
        "heatmap-events-3",
        -60,
        new long[] {0, 100, 200, 300, 400},
        new long[] {30, 50, 40, 60, 70});
    commits(
        ev,
        "heatmap-events-2",
        -60,
        new long[] {0, 100, 200, 300, 400},
        new long[] {30, 50, 40, 60, 70});

    Verdict group = ev.group(t(41));

    assertThat(ev.partitions(t(41)))
        .extractingFromEntries(e -> e.getKey() + "=" + e.getValue().status())
        .containsExactly(
            "heatmap-events-0=OK",
            "heatmap-events-1=WARN",
            "heatmap-events-2=STOP",
            "heatmap-events-3=STOP");
    assertThat(group).isEqualTo(ev.partition("heatmap-events-2", t(41)));
    assertThat(group.rule()).startsWith("STOP: heatmap-events-2 ");
  }

  @Test
  void groupIsOkWhenNothingWasObserved() {
    assertThat(new LagEvaluator(10).group(T0))
        .isEqualTo(new Verdict(Status.OK, "no partitions observed yet"));
  }

  @Test
  void rejectsWindowBelowTwo() {
    assertThatThrownBy(() -> new LagEvaluator(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2");
    assertThat(new LagEvaluator(2).window()).isEqualTo(2);
  }

  @Test
  void keepsOnlyTheLastNCommits() {
    LagEvaluator ev = new LagEvaluator(3);
    commits(ev, P, 0, new long[] {100, 200, 300, 400}, new long[] {0, 10, 20, 30});

    assertThat(ev.commits(P)).extracting(Commit::offset).containsExactly(200L, 300L, 400L);
    assertThat(ev.partition(P, t(31)).status())
        .as("the zero-lag commit aged out")
        .isEqualTo(Status.WARN);
  }

  @Test
  void repeatedSamplesOfTheSameOffsetAreNotNewCommits() {
    LagEvaluator ev = new LagEvaluator(3);
    ev.observe(P, t(0), 100, 150);
    ev.observe(P, t(3), 100, 180);
    ev.observe(P, t(6), 100, 210);

    assertThat(ev.commits(P)).containsExactly(new Commit(t(0), 100, 150));
  }

  @Test
  void ignoresSamplesOlderThanTheLatest() {
    LagEvaluator ev = new LagEvaluator(3);
    ev.observe(P, t(10), 200, 250);
    ev.observe(P, t(5), 100, 250);

    assertThat(ev.commits(P)).containsExactly(new Commit(t(10), 200, 250));
  }

  @Test
  void forgetDropsAPartition() {
    LagEvaluator ev = fourLaggedCommits();

    ev.forget(P);

    assertThat(ev.commits(P)).isEmpty();
    assertThat(ev.partitions(t(100))).isEmpty();
    assertThat(ev.partition(P, t(100)).rule()).isEqualTo("OK: " + P + " has not been observed yet");
  }
}
