package io.heatlab.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class LandedEventReaderTest {
  private static final LandedEvent EVENT =
      new LandedEvent(
          "demo",
          "pricing",
          "s-1",
          "b-1",
          "move",
          1_763_891_234_567L,
          0.25,
          0.75,
          1440,
          900,
          1_763_891_235_000L);

  @Test
  void readsWhatTheCodecWritesAndCallsItClean() throws Exception {
    LandedEventReader.Parsed parsed = LandedEventReader.read(EventCodec.toJson(EVENT));
    assertThat(parsed.event()).isEqualTo(EVENT);
    assertThat(parsed.clean()).isTrue();
  }

  @Test
  void unknownFieldsOrLineBreaksMakeItUnclean() throws Exception {
    String json = new String(EventCodec.toJson(EVENT));
    LandedEventReader.Parsed extra =
        LandedEventReader.read(json.replace("{", "{\"ip\":{\"a\":[1,2]},").getBytes());
    assertThat(extra.event()).isEqualTo(EVENT);
    assertThat(extra.clean()).isFalse();
    assertThat(LandedEventReader.read(json.replace(",", ",\n").getBytes()).clean()).isFalse();
  }

  @Test
  void nullableFieldsMayBeNullOrAbsent() throws Exception {
    LandedEvent bare =
        new LandedEvent("demo", "pricing", null, "b-1", "click", 1L, 0, 1, null, null, 2L);
    assertThat(LandedEventReader.read(EventCodec.toJson(bare)).event()).isEqualTo(bare);
    assertThat(
            LandedEventReader.read(
                    "{\"event_time\":1,\"received_at\":2,\"x_norm\":0,\"y_norm\":1}".getBytes())
                .event()
                .clientId())
        .isNull();
  }

  @Test
  void rejectsWhatIsNotTheContract() {
    assertThatThrownBy(() -> LandedEventReader.read("not json".getBytes()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> LandedEventReader.read("[1]".getBytes()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> LandedEventReader.read("{\"event_time\":\"x\"}".getBytes()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> LandedEventReader.read("{\"x_norm\":0.5}".getBytes()))
        .hasMessageContaining("missing");
    assertThatThrownBy(
            () ->
                LandedEventReader.read(
                    "{\"event_time\":1,\"received_at\":2,\"x_norm\":0,\"y_norm\":1} {}".getBytes()))
        .isInstanceOf(IOException.class);
  }
}
