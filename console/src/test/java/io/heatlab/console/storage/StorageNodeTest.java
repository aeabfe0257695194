package io.heatlab.console.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.landing.HourPartition;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class StorageNodeTest {
  private static final Instant RUN = Instant.parse("2026-11-25T11:10:00Z");

  @Test
  void anHourNeverRolledUpIsStale() {
    assertThat(StorageNode.judge(RUN, null)).isEqualTo(StorageNode.Rollup.NOT_ROLLED_UP);
    assertThat(StorageNode.Rollup.NOT_ROLLED_UP.stale()).isTrue();
  }

  @Test
  void anObjectWrittenAfterTheLastRunStartedMarksTheHourChanged() {
    assertThat(StorageNode.judge(RUN.plusSeconds(1), RUN))
        .isEqualTo(StorageNode.Rollup.CHANGED_SINCE);
    assertThat(StorageNode.judge(RUN, RUN)).isEqualTo(StorageNode.Rollup.CHANGED_SINCE);
    assertThat(StorageNode.judge(RUN.minusSeconds(1), RUN)).isEqualTo(StorageNode.Rollup.ROLLED_UP);
    assertThat(StorageNode.Rollup.ROLLED_UP.stale()).isFalse();
  }

  @Test
  void hourLabelShowsItsSummaryAndMark() {
    StorageNode hour =
        new StorageNode(
            StorageNode.Kind.HOUR,
            "hour=10",
            "events/v1/format=jsonl/dt=2026-11-25/hour=10/",
            "jsonl",
            new HourPartition(LocalDate.parse("2026-11-25"), 10),
            12,
            3 * 1024 * 1024,
            RUN,
            StorageNode.Rollup.CHANGED_SINCE);
    assertThat(hour.toString())
        .isEqualTo("hour=10   12 objects · 3.0 MiB · ⚠ new objects since its rollup");
    assertThat(StorageNode.bytes(999)).isEqualTo("999 B");
    assertThat(StorageNode.bytes(1536)).isEqualTo("1.5 KiB");
  }
}
