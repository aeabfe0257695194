package io.heatlab.screens;

import io.heatlab.contract.ViewportClass;
import java.time.Instant;
import java.util.ArrayList;
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

  /** Every screen with traffic or registered, sorted by client, then screen. */
  public static List<KnownScreen> join(
      List<ScreenTraffic.Row> traffic, List<ScreenRegistry.Screen> registered) {
    Map<List<String>, ScreenTraffic.Row> byTraffic = new TreeMap<>(KnownScreen::compare);
    traffic.forEach(t -> byTraffic.put(List.of(t.client(), t.screen()), t));
    Map<List<String>, ScreenRegistry.Screen> byRegistry = new TreeMap<>(KnownScreen::compare);
    registered.forEach(s -> byRegistry.put(List.of(s.client(), s.screen()), s));
    Map<List<String>, Boolean> keys = new TreeMap<>(KnownScreen::compare);
    byTraffic.keySet().forEach(k -> keys.put(k, true));
    byRegistry.keySet().forEach(k -> keys.put(k, true));
    List<KnownScreen> out = new ArrayList<>();
    for (List<String> k : keys.keySet()) {
      out.add(new KnownScreen(k.get(0), k.get(1), byTraffic.get(k), byRegistry.get(k)));
    }
    return out;
  }

  private static int compare(List<String> a, List<String> b) {
    int c = a.get(0).compareTo(b.get(0));
    return c != 0 ? c : a.get(1).compareTo(b.get(1));
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
