package io.heatlab.screens;

import io.heatlab.assets.Screen;
import io.heatlab.assets.ScreenCatalog;
import io.heatlab.contract.ViewportClass;
import java.io.IOException;

/**
 * The demo client's screens in the registry: the screenshots of {@code assets/} (the pages the
 * simulator and the traffic generator send events for), registered once for client {@code demo}
 * through the same registry as any site's — so the viewer, the console and {@code render} read
 * every screenshot from one place.
 */
public final class DemoScreens {
  /** The client the embedded profile's demo keys belong to. */
  public static final String CLIENT = "demo";

  private DemoScreens() {}

  /** Registers each demo screen the registry lacks; returns how many were added. */
  public static int seed(ScreenRegistry registry) throws IOException {
    ScreenCatalog catalog = ScreenCatalog.load();
    int added = 0;
    for (Screen s : catalog.screens()) {
      if (registry.get(CLIENT, s.id()).flatMap(r -> r.shot(ViewportClass.DESKTOP)).isEmpty()) {
        registry.putScreenshot(
            CLIENT,
            s.id(),
            ViewportClass.DESKTOP,
            catalog.image(s),
            "demo asset: assets/" + s.image(),
            null);
        added++;
      }
    }
    return added;
  }
}
