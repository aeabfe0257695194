package io.heatlab.olap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class GranularityTest {
  @Test
  void windowsAndPartitionValues() {
    Instant t = Instant.parse("2026-11-26T10:42:17Z"); // a Thursday
    assertThat(Granularity.HOURLY.windowOf(t)).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(Granularity.DAILY.windowOf(t)).isEqualTo(Instant.parse("2026-11-26T00:00:00Z"));
    assertThat(Granularity.WEEKLY.windowOf(t)).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(Granularity.HOURLY.partition(Instant.parse("2026-11-26T10:00:00Z")))
        .isEqualTo(2026112610L);
    assertThat(Granularity.WEEKLY.partition(Instant.parse("2026-11-23T00:00:00Z")))
        .isEqualTo(20261123L);
    assertThat(Granularity.dateTime(t)).isEqualTo("2026-11-26 10:42:17");
  }

  @Test
  void rejectsAnInstantThatIsNotAWindowStart() {
    assertThatThrownBy(() -> Granularity.DAILY.partition(Instant.parse("2026-11-26T10:00:00Z")))
        .hasMessageContaining("not the start of a daily window");
  }

  @Test
  void aPartitionValueNamesItsWindow() {
    assertThat(Granularity.HOURLY.windowOfPartition(2026112610L))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(Granularity.DAILY.windowOfPartition(20261126L))
        .isEqualTo(Instant.parse("2026-11-26T00:00:00Z"));
    assertThat(Granularity.WEEKLY.windowOfPartition(20261123L))
        .isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    assertThatThrownBy(() -> Granularity.WEEKLY.windowOfPartition(20261126L))
        .as("a Thursday")
        .isInstanceOf(IllegalArgumentException.class);
  }
}
