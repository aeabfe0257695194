package io.heatlab.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchRecordTest {
  private static final long RECEIVED = 1_764_000_000_123L;

  private static EventBatch batch(String session, EventBatch.Viewport viewport, int n) {
    Random random = new Random(n);
    List<PointerEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(
          new PointerEvent(
              RECEIVED - 5_000 + i,
              i == 0 ? 0.0 : i == 1 ? 1.0 : random.nextDouble(), // the edges and any double
              Math.round(random.nextDouble() * 10_000) / 10_000.0,
              i % 7 == 0 ? EventType.CLICK : EventType.MOVE));
    }
    return new EventBatch("acme", "b-7f3a", "pricing", session, viewport, events);
  }

  @Test
  void eachEventDecodesToTheLandedRowOfAV1RecordExactly() throws Exception {
    for (EventBatch b :
        List.of(
            batch("s-1", new EventBatch.Viewport(1440, 900), 50),
            batch(null, null, 1),
            batch("s-2", null, BatchRecord.MAX_EVENTS))) {
      byte[] value = BatchRecord.of(b, RECEIVED).encode();
      assertThat(BatchRecord.isBatch(value)).isTrue();
      BatchRecord r = BatchRecord.decode(value);
      assertThat(r.size()).isEqualTo(b.events().size());
      assertThat(r.violation()).isNull();
      for (int i = 0; i < r.size(); i++) {
        LandedEvent v1 = b.landed(i, RECEIVED);
        assertThat(r.landed(i)).isEqualTo(v1);
        assertThat(EventCodec.toJson(r.landed(i)))
            .as("the landed JSON, byte for byte")
            .isEqualTo(EventCodec.toJson(v1));
      }
    }
  }

  @Test
  void aRecordIsSmallerThanItsEventsAsJson() {
    EventBatch b = batch("s-1", new EventBatch.Viewport(1440, 900), 50);
    int json = 0;
    for (int i = 0; i < 50; i++) {
      json += EventCodec.toJson(b.landed(i, RECEIVED)).length;
    }
    assertThat(BatchRecord.of(b, RECEIVED).encode().length).isLessThan(json / 5);
  }

  @Test
  void whatIsNotARecordOrBreaksTheContractIsNamed() {
    assertThat(BatchRecord.isBatch("{\"client_id\":\"a\"}".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThatThrownBy(() -> BatchRecord.decode("{}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("not a v2 batch record (first byte 123)");
    assertThatThrownBy(() -> BatchRecord.decode(new byte[0])).hasMessage("empty record value");
    byte[] whole = BatchRecord.of(batch("s", null, 3), RECEIVED).encode();
    assertThatThrownBy(() -> BatchRecord.decode(Arrays.copyOf(whole, whole.length - 1)))
        .hasMessage("3 events take 75 bytes, the record has 74");
    assertThatThrownBy(() -> BatchRecord.decode(Arrays.copyOf(whole, 12)))
        .hasMessage("truncated batch record");

    byte[] unknownFlag = whole.clone();
    unknownFlag[1] |= 4;
    assertThatThrownBy(() -> BatchRecord.decode(unknownFlag))
        .hasMessage("unknown flags 5 in a batch record"); // session (1) + an unknown bit (4)

    byte[] badType = whole.clone();
    badType[badType.length - 1] = 9;
    assertThat(BatchRecord.decode(badType).violation())
        .isEqualTo("event_type must be move or click");
    EventBatch offGrid =
        new EventBatch(
            "acme",
            "b-1",
            "pricing",
            null,
            null,
            List.of(new PointerEvent(RECEIVED, 1.5, 0.5, EventType.MOVE)));
    assertThat(BatchRecord.decode(BatchRecord.of(offGrid, RECEIVED).encode()).violation())
        .isEqualTo("x_norm and y_norm must be within [0,1]");
    EventBatch badId =
        new EventBatch(
            "ac me",
            "b-1",
            "pricing",
            null,
            null,
            List.of(new PointerEvent(RECEIVED, 0.5, 0.5, EventType.MOVE)));
    assertThat(BatchRecord.decode(BatchRecord.of(badId, RECEIVED).encode()).violation())
        .isEqualTo(ContractRules.Id.CLIENT.rule());
  }
}
