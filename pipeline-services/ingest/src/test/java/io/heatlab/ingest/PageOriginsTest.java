package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageOriginsTest {
  private final PageOrigins origins =
      PageOrigins.parse(
          "demo=http://127.0.0.1:*,demo=http://localhost:*,acme=https://*.acme.com,acme=https://acme.com",
          "https://shared.example",
          List.of("http://127.0.0.1:18080"));

  @Test
  void aClientsOriginsAreItsAloneAndStarsStandForALabelOrThePort() {
    assertThat(origins.allows("demo", "http://127.0.0.1:5173")).isTrue();
    assertThat(origins.allows("demo", "http://localhost:3000")).isTrue();
    assertThat(origins.allows("acme", "http://127.0.0.1:5173")).as("demo's, not acme's").isFalse();
    assertThat(origins.allows("acme", "https://www.acme.com")).isTrue();
    assertThat(origins.allows("acme", "https://ACME.com"))
        .as("origins are case-insensitive")
        .isTrue();
    assertThat(origins.allows("acme", "https://evil.com")).isFalse();
    assertThat(origins.allows("acme", "https://www.acme.com.evil.com")).isFalse();
    assertThat(origins.allows("acme", "https://a.b.acme.com")).as("one label per star").isFalse();
    assertThat(origins.allows("acme", "http://www.acme.com")).as("the scheme counts").isFalse();
    assertThat(origins.allows("acme", "null")).as("sandboxed pages and files").isFalse();
  }

  @Test
  void theServersOwnOriginAndTheSharedOnesServeEveryClient() {
    assertThat(origins.allows("acme", "http://127.0.0.1:18080")).isTrue();
    assertThat(origins.allows("anyone", "https://shared.example")).isTrue();
    assertThat(origins.allows("acme", "http://127.0.0.1:18081")).isFalse();
  }

  @Test
  void theCorsPatternsCoverEveryAllowedOrigin() {
    assertThat(origins.corsPatterns()).hasSize(6);
    assertThat(origins.corsPatterns())
        .anySatisfy(p -> assertThat("https://www.acme.com").matches(p))
        .noneSatisfy(p -> assertThat("https://evil.com").matches(p));
  }

  @Test
  void whatIsNoOriginIsRefusedWithTheSettingsName() {
    assertThatThrownBy(() -> PageOrigins.parse("acme=https://acme.com/pricing", "", List.of()))
        .hasMessageStartingWith("ingest.origins: 'https://acme.com/pricing' is not an origin");
    assertThatThrownBy(() -> PageOrigins.parse("acme=acme.com", "", List.of()))
        .hasMessageContaining("is not an origin");
    assertThatThrownBy(() -> PageOrigins.parse("https://acme.com", "", List.of()))
        .hasMessageStartingWith("ingest.origins: expected client_id=origin");
    assertThatThrownBy(() -> PageOrigins.parse("", "http://x:port", List.of()))
        .hasMessageStartingWith("ingest.cors.origins:");
  }
}
