package io.heatlab.assets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The screens of {@code assets/}, as packaged on the classpath under {@code heatlab/web/assets/}
 * (simulator-web's jar): {@code screens.json} lists the ids, {@code <id>.json} describes each,
 * {@code <id>.png} is its screenshot.
 */
public final class ScreenCatalog {
  static final String ROOT = "heatlab/web/assets/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Screen> screens;

  private ScreenCatalog(List<Screen> screens) {
    this.screens = List.copyOf(screens);
  }

  public static ScreenCatalog load() {
    try {
      JsonNode index = JSON.readTree(resource("screens.json"));
      List<Screen> screens = new ArrayList<>();
      for (JsonNode id : index.get("screens")) {
        Screen s = JSON.readValue(resource(id.asText() + ".json"), Screen.class);
        if (s.hotspots() == null || s.hotspots().isEmpty()) {
          throw new IllegalStateException("assets/" + id.asText() + ".json has no hotspots");
        }
        screens.add(s);
      }
      return new ScreenCatalog(screens);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read the screen catalog (assets/screens.json): " + e.getMessage(), e);
    }
  }

  public List<Screen> screens() {
    return screens;
  }

  public Screen screen(String id) {
    return screens.stream()
        .filter(s -> s.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("No screen '" + id + "'; known: " + ids()));
  }

  public List<String> ids() {
    return screens.stream().map(Screen::id).toList();
  }

  /** The screenshot's bytes (PNG). */
  public byte[] image(Screen screen) throws IOException {
    try (InputStream in = resource(screen.image())) {
      return in.readAllBytes();
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = ScreenCatalog.class.getClassLoader().getResourceAsStream(ROOT + name);
    if (in == null) {
      throw new IOException(
          "missing classpath resource " + ROOT + name + " (is simulator-web on the classpath?)");
    }
    return in;
  }
}
