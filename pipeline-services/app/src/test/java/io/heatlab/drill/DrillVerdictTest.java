package io.heatlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrillVerdictTest {
  private static DrillVerdict verdict(
      long acknowledged,
      long landedNew,
      long landedTotal,
      long hourly,
      long daily,
      long hourlyOfDays) {
    return new DrillVerdict(
        "kafka-2",
        acknowledged,
        0,
        landedNew,
        landedTotal,
        0,
        0,
        hourly,
        daily,
        hourlyOfDays,
        Duration.ofSeconds(4),
        Duration.ofSeconds(20));
  }

  @Test
  void passesWhenEverythingAcknowledgedLandedAndIsCountedOnce() {
    DrillVerdict v = verdict(1_000, 1_000, 5_000, 5_000, 7_000, 7_000);
    assertThat(v.passed()).isTrue();
    assertThat(v.lines()).last().isEqualTo("verdict: PASS");
    assertThat(v.lines().get(0))
        .contains("acknowledged 1,000 = landed 1,000")
        .contains("Σ hourly 5,000");
    assertThat(v.lines().get(1)).contains("kafka-2 back healthy after 4.0 s").contains("20.0 s");
  }

  @Test
  void namesEachWayItFails() {
    assertThat(verdict(1_000, 990, 5_000, 5_000, 7_000, 7_000).failures())
        .containsExactly("lost: 10 acknowledged event(s) never landed");
    assertThat(verdict(1_000, 1_000, 5_000, 5_050, 7_000, 7_000).failures())
        .containsExactly("Σ heatmap_hourly 5,050 ≠ landed 5,000");
    assertThat(verdict(1_000, 1_000, 5_000, 5_000, 7_100, 7_000).failures())
        .containsExactly("Σ heatmap_daily 7,100 ≠ Σ heatmap_hourly of the same days 7,000");
    assertThat(verdict(1_000, 1_020, 5_000, 5_000, 7_000, 7_000).failures())
        .singleElement()
        .asString()
        .contains("20 event(s) landed that the drill never sent");
    // a batch the sender gave up on may have landed (its commit hidden by the kill): not a failure
    DrillVerdict gaveUp =
        new DrillVerdict(
            "ingest-2",
            1_000,
            50,
            1_050,
            5_050,
            0,
            0,
            5_050,
            7_000,
            7_000,
            Duration.ofSeconds(3),
            Duration.ofSeconds(9));
    assertThat(gaveUp.failures()).isEmpty();
    assertThat(gaveUp.lines().get(0)).contains("50 sent without an answer");
    assertThat(
            new DrillVerdict(
                    "ingest-2",
                    1_000,
                    50,
                    1_060,
                    5_060,
                    0,
                    0,
                    5_060,
                    7_000,
                    7_000,
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(9))
                .failures())
        .singleElement()
        .asString()
        .contains("10 event(s) landed that the drill never sent");
    DrillVerdict neverBack =
        new DrillVerdict("connect-1", 10, 0, 10, 10, 1, 2, 10, 10, 10, null, null);
    assertThat(neverBack.failures())
        .containsExactly(
            "connect-1 did not come back healthy",
            "landing did not catch up",
            "1 batch(es) landed in part");
    assertThat(neverBack.lines().get(1)).contains("after never");
    assertThat(neverBack.lines()).last().asString().startsWith("verdict: FAIL — connect-1 did not");
  }
}
