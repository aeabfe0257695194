package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StartStampTest {
  @Test
  void startTicksAreCountedFromTheLastParenthesisOfTheCommandName() {
    String line =
        "4242 (java (my) app) S 1 4242 4242 0 -1 4194560 1000 0 0 0 10 5 0 0 20 0 30 0 987654 "
            + "5000000 1000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    assertThat(StartStamp.parseStartTicks(line)).isEqualTo(OptionalLong.of(987654));
  }

  @Test
  void aTruncatedOrForeignLineHasNoStartTicks() {
    assertThat(StartStamp.parseStartTicks("4242 (java) S 1 2 3")).isEmpty();
    assertThat(StartStamp.parseStartTicks("no parenthesis here")).isEmpty();
  }

  @Test
  void theCurrentProcessMatchesItsOwnStampAndNotAnotherStart() {
    ProcessHandle self = ProcessHandle.current();
    String stamp = StartStamp.of(self);
    assertThat(StartStamp.matches(self, stamp)).isTrue();
    if (stamp.startsWith("t")) {
      long ticks = Long.parseLong(stamp.substring(1));
      assertThat(StartStamp.matches(self, "t" + (ticks + 1))).isFalse();
    } else {
      long millis = Long.parseLong(stamp);
      assertThat(StartStamp.matches(self, String.valueOf(millis - 60_000))).isFalse();
    }
  }

  @Test
  void aPidFileOfAnEarlierVersionWithStartMillisStillMatches() {
    ProcessHandle self = ProcessHandle.current();
    long millis = self.info().startInstant().orElseThrow().toEpochMilli();
    assertThat(StartStamp.matches(self, String.valueOf(millis))).isTrue();
    assertThat(StartStamp.matches(self, "0")).isTrue();
    assertThat(StartStamp.matches(self, "garbage")).isFalse();
  }
}
