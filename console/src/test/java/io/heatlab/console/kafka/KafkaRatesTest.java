package io.heatlab.console.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaRatesTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

  private static KafkaSnapshot snapshot(
      int second, long end0, long end1, long committed0, long committed1) {
    return new KafkaSnapshot(
        T0.plusSeconds(second),
        Map.of("events-0", end0, "events-1", end1, "connect-offsets-0", 5L + second),
        Map.of("connect-landing", Map.of("events-0", committed0, "events-1", committed1)),
        Map.of("connect-landing", "STABLE"),
        Map.of(
            "connect-landing",
            Map.of("events-0", end0 - committed0, "events-1", end1 - committed1)),
        Map.of(),
        Map.of());
  }

  @Test
  void firstSnapshotOnlySetsTheBaseline() {
    assertThat(new KafkaRates(Duration.ofMinutes(15)).add(snapshot(0, 10, 10, 0, 0))).isNull();
  }

  @Test
  void producedConsumedAndLagPerIntervalIgnoringConnectBookkeeping() {
    KafkaRates rates = new KafkaRates(Duration.ofMinutes(15));
    rates.add(snapshot(0, 100, 100, 100, 100));
    KafkaRates.Point p = rates.add(snapshot(2, 300, 200, 250, 100));
    assertThat(p.producedPerSecond())
        .isCloseTo(150.0, within(1e-9)); // (200 + 100) / 2 s; connect-offsets not counted
    assertThat(p.consumedPerSecond()).containsEntry("connect-landing", 75.0);
    assertThat(p.lag()).containsEntry("connect-landing", 150L);
    assertThat(rates.rate("events-0")).isEqualTo(100.0);
  }

  @Test
  void keepsOnlyTheWindow() {
    KafkaRates rates = new KafkaRates(Duration.ofSeconds(10));
    for (int s = 0; s <= 30; s += 3) {
      rates.add(snapshot(s, s * 10L, 0, 0, 0));
    }
    assertThat(rates.points()).allMatch(p -> !p.at().isBefore(T0.plusSeconds(20)));
    assertThat(rates.groups()).containsExactly("connect-landing");
  }

  @Test
  void snapshotKeysSplitIntoTopicAndPartition() {
    assertThat(KafkaSnapshot.topicOf("heatmap.events-11")).isEqualTo("heatmap.events");
    assertThat(KafkaSnapshot.partitionOf("heatmap.events-11")).isEqualTo(11);
    assertThat(snapshot(0, 10, 20, 4, 20).lag("connect-landing")).isEqualTo(6);
  }
}
