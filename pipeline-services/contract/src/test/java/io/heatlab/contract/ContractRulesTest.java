package io.heatlab.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ingestion and landing apply the same rules: a value one refuses, the other refuses too. */
class ContractRulesTest {
  private static final long NOW = 1_764_237_600_000L;
  private static final BatchParser INGESTION =
      new BatchParser(
          BatchParser.Limits.DEFAULT, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private static boolean ingestionAccepts(String client, int viewportW, double x) throws Exception {
    byte[] body =
        ("{\"client_id\":\""
                + client
                + "\",\"batch_id\":\"b\",\"screen_id\":\"s\","
                + "\"viewport\":{\"w\":"
                + viewportW
                + ",\"h\":900},\"events\":[{\"t\":"
                + NOW
                + ",\"x\":"
                + x
                + ",\"y\":0.5,"
                + "\"type\":\"move\"}]}")
            .getBytes();
    return INGESTION.parse(body, NOW).valid();
  }

  private static boolean landingAccepts(String client, int viewportW, double x) {
    return LandedEventValidator.violation(
            new LandedEvent(client, "s", null, "b", "move", NOW, x, 0.5, viewportW, 900, NOW))
        == null;
  }

  @Test
  void ingestionAndLandingAgreeOnIdsViewportsAndCoordinates() throws Exception {
    String longest = "c".repeat(ContractRules.Id.CLIENT.maxLength());
    for (String client : List.of("acme", longest, longest + "c", "a b", "ä")) {
      for (int w : List.of(1, ContractRules.VIEWPORT_MAX, ContractRules.VIEWPORT_MAX + 1, 0)) {
        for (double x : List.of(0.0, 1.0, 1.0001, -0.1)) {
          assertThat(landingAccepts(client, w, x))
              .as("%s %d %s", client, w, x)
              .isEqualTo(ingestionAccepts(client, w, x));
        }
      }
    }
  }

  @Test
  void anIdRuleSaysItself() {
    assertThat(ContractRules.Id.SCREEN.rule())
        .isEqualTo("screen_id must be 1-128 characters of [A-Za-z0-9._:-]");
    assertThat(ContractRules.Id.SCREEN.valid("x".repeat(128))).isTrue();
    assertThat(ContractRules.Id.SCREEN.valid("x".repeat(129))).isFalse();
  }
}
