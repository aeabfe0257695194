package io.heatlab.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {
  private static final long NOW = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
  private final BatchValidator validator =
      new BatchValidator(
          BatchValidator.Limits.DEFAULT, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private BatchValidator.Result validate(String json) throws Exception {
    return validator.validate(EventCodec.parseTree(json.getBytes()));
  }

  @Test
  void acceptsEdgesOfTheUnitSquareAndIgnoresUnknownFields() throws Exception {
    BatchValidator.Result r =
        validate(
            """
        {"client_id":"acme-web","batch_id":"01JD3W6V7R2Q9X8Y5Z4T3S2R1P","screen_id":"pricing","utm":"x",
         "events":[{"t":%d,"x":0,"y":1,"type":"move","pressure":0.5},{"t":%d,"x":1,"y":0.0,"type":"click"}]}"""
                .formatted(NOW, NOW - 1000));
    assertThat(r.valid()).isTrue();
    assertThat(r.batch().sessionId()).isNull();
    assertThat(r.batch().viewport()).isNull();
    assertThat(r.batch().events())
        .extracting(PointerEvent::type)
        .containsExactly(EventType.MOVE, EventType.CLICK);
  }

  @Test
  void reportsEveryViolationWithItsPath() throws Exception {
    BatchValidator.Result r =
        validate(
            """
        {"client_id":"bad id","batch_id":"b","screen_id":"s","viewport":{"w":0,"h":900},
         "events":[{"t":%d,"x":2,"y":0.5,"type":"hover"}]}"""
                .formatted(NOW));
    assertThat(r.valid()).isFalse();
    assertThat(r.violations())
        .extracting(Violation::path)
        .containsExactly("client_id", "viewport.w", "events[0].x", "events[0].type");
  }

  @Test
  void rejectsEventsOutsideTheTimeWindow() throws Exception {
    long eightDaysAgo = NOW - 8L * 24 * 3600 * 1000;
    long sixMinutesAhead = NOW + 6 * 60 * 1000;
    BatchValidator.Result r =
        validate(
            """
        {"client_id":"a","batch_id":"b","screen_id":"s","events":[{"t":%d,"x":0.5,"y":0.5,"type":"move"},
         {"t":%d,"x":0.5,"y":0.5,"type":"move"}]}"""
                .formatted(eightDaysAgo, sixMinutesAhead));
    assertThat(r.violations())
        .extracting(Violation::path)
        .containsExactly("events[0].t", "events[1].t");
  }

  @Test
  void capsTheNumberOfReportedViolations() throws Exception {
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < 500; i++) {
      events
          .append(i == 0 ? "" : ",")
          .append("{\"t\":")
          .append(NOW)
          .append(",\"x\":5,\"y\":5,\"type\":\"move\"}");
    }
    BatchValidator.Result r =
        validate(
            "{\"client_id\":\"a\",\"batch_id\":\"b\",\"screen_id\":\"s\",\"events\":"
                + events
                + "]}");
    assertThat(r.violations()).hasSize(BatchValidator.MAX_REPORTED);
  }

  @Test
  void landedEventRoundTripsWithTheContractFieldNames() throws Exception {
    LandedEvent e =
        new LandedEvent(
            "demo", "pricing", null, "b-1", "move", NOW, 0.25, 0.75, null, null, NOW + 5);
    String json = new String(EventCodec.toJson(e));
    assertThat(json)
        .startsWith(
            "{\"client_id\":\"demo\",\"screen_id\":\"pricing\",\"session_id\":null,\"batch_id\":\"b-1\"");
    assertThat(EventCodec.fromJson(json.getBytes())).isEqualTo(e);
  }
}
