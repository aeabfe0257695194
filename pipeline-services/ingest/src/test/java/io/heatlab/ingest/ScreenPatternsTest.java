package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScreenPatternsTest {
  @Test
  void aClientsPatternsComeInTheirOrder() {
    ScreenPatterns p =
        ScreenPatterns.parse("acme:/product/*=product, demo:/=home,acme:/docs/**=docs");
    assertThat(p.of("acme"))
        .containsExactly(
            Map.of("path", "/product/*", "screen", "product"),
            Map.of("path", "/docs/**", "screen", "docs"));
    assertThat(p.of("nobody")).isEqualTo(List.of());
  }

  @Test
  void aMalformedEntryOrScreenIdIsRefused() {
    assertThatThrownBy(() -> ScreenPatterns.parse("acme=/product/*=product"))
        .hasMessageStartingWith(
            "ingest.screen.patterns: expected client_id:/path/pattern=screen_id");
    assertThatThrownBy(() -> ScreenPatterns.parse("acme:/product/*=pro duct"))
        .hasMessageContaining("screen_id must be");
  }
}
