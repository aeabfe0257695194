package io.heatlab.ingest;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.ContractRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How heatlab.js names the screens of a client's pages, from {@code ingest.screen.patterns}: {@code
 * client:/path/pattern=screen_id,…} in order, the first match wins; {@code *} is one path segment,
 * {@code **} the rest of the path. Served to the snippet by {@code GET /v1/snippet/<client>}; pages
 * no pattern matches get the snippet's default mapping (docs/sdk.md).
 */
public final class ScreenPatterns {
  /** One pattern of a client. */
  public record Pattern(String client, String path, String screen) {}

  private final List<Pattern> patterns;

  private ScreenPatterns(List<Pattern> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  public static ScreenPatterns parse(String spec) {
    List<Pattern> out = new ArrayList<>();
    for (String entry : spec.split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int colon = e.indexOf(':');
      int eq = e.lastIndexOf('=');
      if (colon <= 0 || eq < colon || e.charAt(colon + 1) != '/') {
        throw new IllegalArgumentException(
            HeatlabConfig.INGEST_SCREEN_PATTERNS
                + ": expected client_id:/path/pattern=screen_id, got '"
                + e
                + "'");
      }
      String client = e.substring(0, colon).strip();
      String path = e.substring(colon + 1, eq).strip();
      String screen = e.substring(eq + 1).strip();
      if (!ContractRules.Id.SCREEN.valid(screen)) {
        throw new IllegalArgumentException(
            HeatlabConfig.INGEST_SCREEN_PATTERNS
                + ": '"
                + e
                + "': "
                + ContractRules.Id.SCREEN.rule());
      }
      out.add(new Pattern(client, path, screen));
    }
    return new ScreenPatterns(out);
  }

  /** A client's patterns, in order, as the snippet reads them ({@code path}, {@code screen}). */
  public List<Map<String, String>> of(String client) {
    return patterns.stream()
        .filter(p -> p.client().equals(client))
        .map(p -> Map.of("path", p.path(), "screen", p.screen()))
        .toList();
  }
}
