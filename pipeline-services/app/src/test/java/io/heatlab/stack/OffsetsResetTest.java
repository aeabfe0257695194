package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.landing.PartitionState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan of a landing offsets reset: rewinds land on remembered cycle starts only. */
class OffsetsResetTest {
  private static PartitionState state(int partition, Long... ends) {
    return new PartitionState("t", partition, List.of(ends), ends[ends.length - 1] + 1, 0, 0, 0, 0);
  }

  @Test
  void aRewindToEarliestStartsAtOffsetZeroWhileEveryCycleIsRemembered() {
    List<OffsetsReset.Move> moves =
        OffsetsReset.plan(
            "t",
            Map.of(0, 300L),
            Map.of(0, 0L),
            Map.of(0, 0L),
            Map.of(0, state(0, 99L, 199L, 299L)),
            200);
    assertThat(moves).containsExactly(new OffsetsReset.Move("t", 0, 300, 0, 0, ""));
    assertThat(moves.get(0).reread()).isEqualTo(300);
  }

  @Test
  void aRewindIntoACycleIsMovedDownToTheCycleStart() {
    List<OffsetsReset.Move> moves =
        OffsetsReset.plan(
            "t",
            Map.of(0, 300L),
            Map.of(0, 150L),
            Map.of(0, 0L),
            Map.of(0, state(0, 99L, 199L, 299L)),
            200);
    assertThat(moves).singleElement().extracting(OffsetsReset.Move::to).isEqualTo(100L);
    assertThat(moves.get(0).note()).contains("start of the write cycle holding 150");
  }

  @Test
  void forgottenCyclesAreNeverRereadAndForwardMovesSkip() {
    // only the last 3 ends are kept (kept=3): cycles before 100 are forgotten; offset 0 is unsafe
    List<OffsetsReset.Move> moves =
        OffsetsReset.plan(
            "t",
            Map.of(0, 300L, 1, 50L),
            Map.of(0, 0L, 1, 80L),
            Map.of(0, 0L, 1, 0L),
            Map.of(0, state(0, 99L, 199L, 299L), 1, state(1, 49L)),
            3);
    assertThat(moves).hasSize(2);
    assertThat(moves.get(0).to()).isEqualTo(100);
    assertThat(moves.get(0).note()).contains("no longer remembered");
    assertThat(moves.get(1)).isEqualTo(new OffsetsReset.Move("t", 1, 50, 80, 80, ""));
    assertThat(moves.get(1).reread()).isEqualTo(-30);
    String text = OffsetsReset.confirmation("connector landing on t", true, moves);
    assertThat(text)
        .startsWith("Reset connector landing on t: 200 offsets read again")
        .contains("30 skipped (never landed)")
        .contains("t-0: 300 → 100")
        .contains("t-1: 50 → 80 (30 offsets skipped: never landed)");
  }

  @Test
  void retentionDeletedTheFirstCycleSoTheRewindStopsAtTheNextStart() {
    List<OffsetsReset.Move> moves =
        OffsetsReset.plan(
            "t",
            Map.of(0, 300L),
            Map.of(0, 40L),
            Map.of(0, 40L),
            Map.of(0, state(0, 99L, 199L)),
            200);
    assertThat(moves).singleElement().extracting(OffsetsReset.Move::to).isEqualTo(100L);
  }

  @Test
  void targetsParseOrSayWhatIsExpected() {
    assertThat(OffsetsReset.Target.parse("earliest")).isEqualTo(new OffsetsReset.Earliest());
    assertThat(OffsetsReset.Target.parse(" LATEST")).isEqualTo(new OffsetsReset.Latest());
    assertThat(OffsetsReset.Target.parse("2026-12-07T06:00:00Z"))
        .isEqualTo(new OffsetsReset.At(Instant.parse("2026-12-07T06:00:00Z")));
    assertThatThrownBy(() -> OffsetsReset.Target.parse("yesterday"))
        .hasMessageContaining("use earliest, latest, or a time such as 2026-12-07T06:00:00Z");
  }
}
