package io.heatlab.screens;

import io.heatlab.contract.ViewportClass;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A screen as every reader lists it — the CLI, the HTTP API, the console's Screens and Heatmaps
 * views: one that has traffic in the rollups ({@link ScreenTraffic}), is registered ({@link
 * ScreenRegistry}), or both. {@code traffic} or {@code registered} may be null, never both.
 */
public record KnownScreen(
    String client, String screen, ScreenTraffic.Row traffic, ScreenRegistry.Screen registered) {

  private record Key(String client, String screen) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparing(Key::client).thenComparing(Key::screen);

  /** Every screen with traffic or registered, sorted by client, then screen. */
  public static List<KnownScreen> join(
      List<ScreenTraffic.Row> traffic, List<ScreenRegistry.Screen> registered) {
    Map<Key, KnownScreen> all = new TreeMap<>(ORDER);
    traffic.forEach(
        t ->
            all.put(
                new Key(t.client(), t.screen()), new KnownScreen(t.client(), t.screen(), t, null)));
    registered.forEach(
        s ->
            all.merge(
                new Key(s.client(), s.screen()),
                new KnownScreen(s.client(), s.screen(), null, s),
                (had, added) -> new KnownScreen(s.client(), s.screen(), had.traffic(), s)));
    return List.copyOf(all.values());
  }

  /** Its events of the last {@link ScreenTraffic#RECENT} (0 without traffic). */
  public long events() {
    return traffic == null ? 0 : traffic.events();
  }

  /** The end of its newest rolled-up window, if it has traffic. */
  public Optional<Instant> lastSeen() {
    return traffic == null ? Optional.empty() : Optional.of(traffic.lastSeen());
  }

  /** Its registered URL, if any. */
  public Optional<String> url() {
    return registered == null ? Optional.empty() : Optional.ofNullable(registered.url());
  }

  /** Its screenshot of {@code viewport}, if registered. */
  public Optional<ScreenRegistry.Shot> shot(ViewportClass viewport) {
    return registered == null ? Optional.empty() : registered.shot(viewport);
  }

  /** Its screenshots by viewport class id (none when not registered). */
  public Map<String, ScreenRegistry.Shot> shots() {
    return registered == null ? Map.of() : registered.shots();
  }
}
