package io.heatlab.console.traffic;

import io.heatlab.assets.Screen;
import io.heatlab.traffic.TrafficPlan;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Traffic view's form: client, virtual page sessions, events/s, burst ({@code 3x10s/60s}),
 * screens and backfill hours — checked and turned into a {@link TrafficPlan} with the client's
 * write key, or a message saying what to fix. Pure.
 */
public record TrafficSettings(
    String client,
    int sessions,
    int eventsPerSecond,
    String burst,
    double backfillHours,
    Set<String> screens) {

  /**
   * The plan over the chosen screens of {@code catalog} (in the catalog's order); the write key
   * comes from the settings' {@code ingest.write.keys}.
   */
  public TrafficPlan plan(
      String baseUrl, Optional<String> writeKey, List<Screen> catalog, long seed) {
    if (client == null || client.isBlank()) {
      throw new IllegalArgumentException("name a client");
    }
    List<Screen> chosen = catalog.stream().filter(s -> screens.contains(s.id())).toList();
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("pick at least one screen");
    }
    String key =
        writeKey.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "client '"
                        + client
                        + "' has no write key in ingest.write.keys (set HEATLAB_INGEST_WRITE_KEYS or pick another client)"));
    if (eventsPerSecond < 1) {
      throw new IllegalArgumentException("events/s must be at least 1");
    }
    TrafficPlan.Burst b = burst == null || burst.isBlank() ? null : TrafficPlan.Burst.parse(burst);
    return TrafficPlan.of(baseUrl, client, key, chosen)
        .withClients(sessions)
        .withRate(eventsPerSecond)
        .withBurst(b)
        .withBackfillHours(backfillHours)
        .withSeed(seed);
  }
}
