package io.heatlab.screens;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.contract.ContractRules;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.ObjectStore;
import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The screens heatmaps are painted over, per client, kept in the stack's object storage (MinIO's
 * bucket, beside the landed events): each screen has an optional URL and one screenshot per
 * viewport class.
 *
 * <pre>
 *   screens/v1/client=&lt;client&gt;/screen=&lt;screen&gt;/screen.json      {url, shots: {desktop: {width, height, bytes, type, updated, source}}}
 *   screens/v1/client=&lt;client&gt;/screen=&lt;screen&gt;/&lt;viewport&gt;.png   the screenshot (PNG or JPEG as given)
 * </pre>
 *
 * A screenshot is written before the description that lists it, so a reader never finds a listed
 * shot missing; ids are checked against the contract's alphabet before they become keys. Images are
 * decoded once on the way in (a file that is no image is refused) and never re-encoded.
 */
public final class ScreenRegistry {
  /** Where the registry lives in the bucket. */
  public static final String PREFIX = "screens/v1/";

  /** The largest screenshot accepted, in bytes. */
  public static final int MAX_IMAGE_BYTES = 32 << 20;

  /** The most pixels a screenshot may have: checked from its header before it is decoded. */
  public static final long MAX_PIXELS = 50_000_000;

  private static final ObjectMapper JSON =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /**
   * One screenshot: its size in pixels and bytes, its type ({@code png}, {@code jpeg}), when
   * (ISO-8601) and from where it came.
   */
  public record Shot(
      int width, int height, long bytes, String type, String updated, String source) {}

  /** A registered screen: its URL (or null) and its screenshots by viewport class id. */
  public record Screen(String client, String screen, String url, Map<String, Shot> shots) {
    public Optional<Shot> shot(ViewportClass viewport) {
      return Optional.ofNullable(shots.get(viewport.id()));
    }
  }

  /** screen.json's body. */
  private record Description(String url, Map<String, Shot> shots) {}

  private final ObjectStore store;
  private final Clock clock;

  public ScreenRegistry(ObjectStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public ScreenRegistry(ObjectStore store) {
    this(store, Clock.systemUTC());
  }

  /**
   * Every registered screen of {@code client} (every client's when null), by client then screen.
   */
  public List<Screen> list(String client) throws IOException {
    List<Screen> out = new ArrayList<>();
    List<String> clients =
        client == null ? store.children(PREFIX) : List.of(PREFIX + "client=" + client + "/");
    for (String clientPrefix : clients) {
      String c = value(clientPrefix, "client=");
      for (String screenPrefix : store.children(clientPrefix)) {
        get(c, value(screenPrefix, "screen=")).ifPresent(out::add);
      }
    }
    out.sort((a, b) -> (a.client() + "/" + a.screen()).compareTo(b.client() + "/" + b.screen()));
    return out;
  }

  /** A registered screen, if it is. */
  public Optional<Screen> get(String client, String screen) throws IOException {
    requireIds(client, screen);
    Optional<byte[]> json = store.get(dir(client, screen) + "screen.json");
    if (json.isEmpty()) {
      return Optional.empty();
    }
    Description d = JSON.readValue(json.get(), Description.class);
    return Optional.of(
        new Screen(
            client, screen, d.url(), d.shots() == null ? Map.of() : new TreeMap<>(d.shots())));
  }

  /**
   * Registers (or replaces) the screenshot of {@code screen} for {@code viewport}. {@code source}
   * says where it came from ({@code upload: file.png}, {@code capture: https://…}); {@code url},
   * when not null, becomes the screen's URL. Throws IllegalArgumentException for an id, size or
   * file that does not fit.
   */
  public Shot putScreenshot(
      String client, String screen, ViewportClass viewport, byte[] image, String source, String url)
      throws IOException {
    requireIds(client, screen);
    if (viewport == ViewportClass.UNKNOWN) {
      throw new IllegalArgumentException(
          "viewport: a screenshot is of desktop, tablet or mobile (unknown is no layout)");
    }
    if (image.length > MAX_IMAGE_BYTES) {
      throw new IllegalArgumentException(
          "the screenshot has " + image.length + " bytes; at most " + MAX_IMAGE_BYTES);
    }
    String type = imageType(image);
    Dimension size = type == null ? null : dimensions(image);
    if (size == null) {
      throw new IllegalArgumentException("the screenshot is not a PNG or JPEG image");
    }
    if ((long) size.width * size.height > MAX_PIXELS) {
      throw new IllegalArgumentException(
          "the screenshot is "
              + size.width
              + "×"
              + size.height
              + " pixels; at most "
              + MAX_PIXELS / 1_000_000
              + " million (e.g. 1440 × 30000)");
    }
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
    if (decoded == null) {
      throw new IllegalArgumentException("the screenshot is not a PNG or JPEG image");
    }
    Shot shot =
        new Shot(
            decoded.getWidth(),
            decoded.getHeight(),
            image.length,
            type,
            clock.instant().toString(),
            source);
    store.put(imageKey(client, screen, viewport), image, "image/" + type, Map.of());
    Optional<Screen> before = get(client, screen);
    Map<String, Shot> shots = new TreeMap<>(before.map(Screen::shots).orElse(Map.of()));
    shots.put(viewport.id(), shot);
    describe(client, screen, url != null ? url : before.map(Screen::url).orElse(null), shots);
    return shot;
  }

  /**
   * An image's size from its header, before anything is decoded (a small PNG can declare a
   * gigapixel image: decoding it first would take the heap); null when no reader knows it.
   */
  static Dimension dimensions(byte[] image) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new Dimension(reader.getWidth(0), reader.getHeight(0));
      } catch (IOException e) {
        return null;
      } finally {
        reader.dispose();
      }
    }
  }

  /** Registers {@code screen} with its URL, keeping its screenshots. */
  public void setUrl(String client, String screen, String url) throws IOException {
    requireIds(client, screen);
    describe(client, screen, url, get(client, screen).map(Screen::shots).orElse(Map.of()));
  }

  /**
   * The screenshot of {@code screen} for {@code viewport} (for {@code unknown}: the one it is shown
   * over, {@link ViewportClass#shownOver()}), if it has one.
   */
  public Optional<byte[]> screenshot(String client, String screen, ViewportClass viewport)
      throws IOException {
    requireIds(client, screen);
    return store.get(imageKey(client, screen, viewport.shownOver()));
  }

  private void describe(String client, String screen, String url, Map<String, Shot> shots)
      throws IOException {
    store.put(
        dir(client, screen) + "screen.json",
        JSON.writeValueAsBytes(new Description(url, shots)),
        "application/json",
        Map.of());
  }

  private static String imageKey(String client, String screen, ViewportClass viewport) {
    return dir(client, screen) + viewport.id() + ".img";
  }

  private static String dir(String client, String screen) {
    return PREFIX + "client=" + client + "/screen=" + screen + "/";
  }

  private static void requireIds(String client, String screen) {
    if (!ContractRules.Id.CLIENT.valid(client)) {
      throw new IllegalArgumentException(ContractRules.Id.CLIENT.rule());
    }
    if (!ContractRules.Id.SCREEN.valid(screen)) {
      throw new IllegalArgumentException(ContractRules.Id.SCREEN.rule());
    }
  }

  /** {@code png} or {@code jpeg} by the file's magic bytes, else null. */
  static String imageType(byte[] b) {
    if (b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "png";
    }
    if (b.length > 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
      return "jpeg";
    }
    return null;
  }

  private static String value(String prefix, String label) {
    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    String last = p.substring(p.lastIndexOf('/') + 1);
    return last.startsWith(label) ? last.substring(label.length()) : last;
  }
}
