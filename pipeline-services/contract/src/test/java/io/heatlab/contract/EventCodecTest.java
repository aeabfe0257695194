package io.heatlab.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private static final long NOW = 1_764_237_600_000L;

  @Test
  void aBatchWrittenForTheWireParsesBackToTheSameRecord() throws Exception {
    EventBatch batch =
        new EventBatch(
            "acme",
            "s-1-7",
            "pricing",
            "s-1",
            new EventBatch.Viewport(1440, 900),
            List.of(
                new PointerEvent(NOW - 100, 0.1234, 0.5, EventType.MOVE),
                new PointerEvent(NOW - 50, 1.0, 0.0, EventType.CLICK)));

    byte[] json = EventCodec.requestJson(batch);
    BatchParser.Result back =
        new BatchParser(
                BatchParser.Limits.DEFAULT, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC))
            .parse(json, NOW + 7);

    assertThat(back.violations()).isEmpty();
    assertThat(back.batch().encode()).isEqualTo(BatchRecord.of(batch, NOW + 7).encode());
  }

  @Test
  void aBatchWithoutSessionOrViewportLeavesThemOut() {
    EventBatch batch =
        new EventBatch(
            "acme",
            "b",
            "pricing",
            null,
            null,
            List.of(new PointerEvent(NOW, 0.5, 0.5, EventType.MOVE)));
    assertThat(new String(EventCodec.requestJson(batch)))
        .isEqualTo(
            "{\"client_id\":\"acme\",\"batch_id\":\"b\",\"screen_id\":\"pricing\",\"events\":[{\"t\":"
                + NOW
                + ",\"x\":0.5,\"y\":0.5,\"type\":\"move\"}]}");
  }
}
