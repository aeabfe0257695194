package io.heatlab.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchParserTest {
  private static final long NOW = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
  private static final long RECEIVED = NOW + 3;
  private final BatchParser parser =
      new BatchParser(
          BatchParser.Limits.DEFAULT, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private BatchParser.Result parse(String json) throws Exception {
    return parser.parse(json.getBytes(), RECEIVED);
  }

  private static List<String> paths(BatchParser.Result r) {
    return r.violations().stream().map(Violation::path).toList();
  }

  private static String events(int n, String event) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : ",").append(event);
    }
    return s.append(']').toString();
  }

  private static String move() {
    return "{\"t\":" + NOW + ",\"x\":0.5,\"y\":0.5,\"type\":\"move\"}";
  }

  @Test
  void readsEveryFieldIntoTheRecordsColumnsAndIgnoresUnknownFields() throws Exception {
    BatchParser.Result r =
        parse(
            """
        {"client_id":"acme-web","batch_id":"01JD3W6V7R2Q9X8Y5Z4T3S2R1P","screen_id":"pricing","utm":{"a":[1,{"b":2}]},
         "session_id":"s-1","viewport":{"w":1440,"h":900,"dpr":2},
         "events":[{"t":%d,"x":0,"y":1,"type":"move","pressure":0.5},{"type":"click","t":%d,"y":0.0,"x":1}]}"""
                .formatted(NOW, NOW - 1000));
    assertThat(r.violations()).isEmpty();
    BatchRecord b = r.batch();
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.clientId()).isEqualTo("acme-web");
    assertThat(b.sessionId()).isEqualTo("s-1");
    assertThat(b.viewportW()).isEqualTo(1440);
    assertThat(b.viewportH()).isEqualTo(900);
    assertThat(b.receivedAt()).isEqualTo(RECEIVED);
    assertThat(b.eventTime(1)).isEqualTo(NOW - 1000);
    assertThat(b.x(1)).isEqualTo(1.0);
    assertThat(b.y(0)).isEqualTo(1.0);
    assertThat(List.of(b.type(0), b.type(1))).containsExactly(EventType.MOVE, EventType.CLICK);
    // the same record the objects make: every value exact
    assertThat(b.encode())
        .isEqualTo(
            BatchRecord.of(
                    new EventBatch(
                        "acme-web",
                        "01JD3W6V7R2Q9X8Y5Z4T3S2R1P",
                        "pricing",
                        "s-1",
                        new EventBatch.Viewport(1440, 900),
                        List.of(
                            new PointerEvent(NOW, 0, 1, EventType.MOVE),
                            new PointerEvent(NOW - 1000, 1, 0, EventType.CLICK))),
                    RECEIVED)
                .encode());
  }

  @Test
  void aBatchWithoutSessionOrViewportHasNone() throws Exception {
    BatchParser.Result r =
        parse(
            "{\"client_id\":\"a\",\"batch_id\":\"b\",\"screen_id\":\"s\",\"session_id\":null,"
                + "\"viewport\":null,\"events\":"
                + events(1, move())
                + "}");
    assertThat(r.valid()).isTrue();
    assertThat(r.batch().sessionId()).isNull();
    assertThat(r.batch().viewportW()).isNull();
  }

  @Test
  void reportsEveryViolationWithItsPathInTheContractsOrder() throws Exception {
    // the body's order is not the contract's: the answer lists violations in the contract's
    BatchParser.Result r =
        parse(
            """
        {"events":[{"type":"hover","y":0.5,"x":2,"t":%d}],"viewport":{"w":0,"h":900},
         "screen_id":"s","batch_id":"b","client_id":"bad id"}"""
                .formatted(NOW));
    assertThat(r.valid()).isFalse();
    assertThat(paths(r))
        .containsExactly("client_id", "viewport.w", "events[0].x", "events[0].type");
    assertThat(r.violations().get(0).reason())
        .isEqualTo("may contain only letters, digits and . _ : -");
  }

  @Test
  void missingAndMistypedFieldsAreNamed() throws Exception {
    BatchParser.Result r =
        parse(
            "{\"batch_id\":7,\"screen_id\":\"s\",\"viewport\":[1],"
                + "\"events\":[{\"x\":\"0.5\",\"y\":null},3,{\"t\":1e3,\"x\":0.1,\"y\":0.1,\"type\":1}]}");
    assertThat(paths(r))
        .containsExactly(
            "client_id",
            "batch_id",
            "viewport",
            "events[0].t",
            "events[0].x",
            "events[0].y",
            "events[0].type",
            "events[1]",
            "events[2].t",
            "events[2].type");
    assertThat(r.violations().get(1).reason()).isEqualTo("must be a string");
  }

  @Test
  void rejectsEventsOutsideTheTimeWindowAndTimesBeyondALong() throws Exception {
    long eightDaysAgo = NOW - 8L * 24 * 3600 * 1000;
    long sixMinutesAhead = NOW + 6 * 60 * 1000;
    BatchParser.Result r =
        parse(
            """
        {"client_id":"a","batch_id":"b","screen_id":"s","events":[{"t":%d,"x":0.5,"y":0.5,"type":"move"},
         {"t":%d,"x":0.5,"y":0.5,"type":"move"},{"t":99999999999999999999,"x":0.5,"y":0.5,"type":"move"}]}"""
                .formatted(eightDaysAgo, sixMinutesAhead));
    assertThat(paths(r)).containsExactly("events[0].t", "events[1].t", "events[2].t");
    assertThat(r.violations().get(2).reason()).isEqualTo("must be an integer (epoch milliseconds)");
  }

  @Test
  void eventCountIsCheckedWhileReading() throws Exception {
    String head = "{\"client_id\":\"a\",\"batch_id\":\"b\",\"screen_id\":\"s\",\"events\":";
    assertThat(parse(head + "[]}").violations())
        .containsExactly(new Violation("events", "must hold 1 to 1000 events, not 0"));
    assertThat(parse(head + events(1000, move()) + "}").valid()).isTrue();
    // the 1001st event ends the parse: the rest of the body is never read (not even for syntax)
    BatchParser.Result tooMany = parse(head + events(1001, move()) + ",{{{ garbage");
    assertThat(tooMany.violations())
        .containsExactly(new Violation("events", "must hold 1 to 1000 events, not more"));
    assertThat(parse(head + "{\"t\":1}}").violations())
        .containsExactly(new Violation("events", "must be an array"));
  }

  @Test
  void capsTheNumberOfReportedViolations() throws Exception {
    String bad = "{\"t\":" + NOW + ",\"x\":5,\"y\":5,\"type\":\"move\"}";
    BatchParser.Result r =
        parse(
            "{\"client_id\":\"a\",\"batch_id\":\"b\",\"screen_id\":\"s\",\"events\":"
                + events(500, bad)
                + "}");
    assertThat(r.violations()).hasSize(BatchParser.MAX_REPORTED);
  }

  @Test
  void unknownFieldsAreBounded() throws Exception {
    StringBuilder many = new StringBuilder("{\"client_id\":\"a\"");
    for (int i = 0; i <= BatchParser.MAX_UNKNOWN_FIELDS; i++) {
      many.append(",\"u").append(i).append("\":").append(i);
    }
    BatchParser.Result r = parse(many.append(",\"x\":[[[[").toString());
    assertThat(r.violations())
        .containsExactly(
            new Violation(
                "$",
                "more than " + BatchParser.MAX_UNKNOWN_FIELDS + " unknown fields in the batch"));

    StringBuilder event = new StringBuilder("{\"t\":" + NOW);
    for (int i = 0; i <= BatchParser.MAX_UNKNOWN_FIELDS; i++) {
      event.append(",\"u").append(i).append("\":true");
    }
    BatchParser.Result e =
        parse(
            "{\"client_id\":\"a\",\"batch_id\":\"b\",\"screen_id\":\"s\",\"events\":["
                + event
                + "}]}");
    assertThat(paths(e)).containsExactly("events[0]");
  }

  @Test
  void malformedOrHostileJsonIsRefusedAsSuch() {
    String ok =
        "{\"client_id\":\"a\",\"batch_id\":\"b\",\"screen_id\":\"s\",\"events\":"
            + events(1, move());
    for (String body :
        List.of(
            "",
            "{\"client_id\":\"a\",",
            ok + "} {}",
            ok + ",\"client_id\":\"b\"}",
            "{\"client_id\":\"a\",\"u\":" + "[".repeat(50_000),
            "{\"events\":[{\"t\":1,\"x\":NaN}]}",
            "{\"client_id\":\"" + "x".repeat(BatchParser.MAX_STRING + 1) + "\"}")) {
      assertThatThrownBy(() -> parse(body))
          .as(body.length() > 60 ? body.substring(0, 60) : body)
          .isInstanceOf(JsonProcessingException.class);
    }
  }

  @Test
  void aBodyThatIsNotAnObjectSaysSo() throws Exception {
    assertThat(parse("[1,2]").violations())
        .containsExactly(new Violation("$", "must be a JSON object"));
  }
}
