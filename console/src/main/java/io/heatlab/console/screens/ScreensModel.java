package io.heatlab.console.screens;

import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Background;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.FxImages;
import io.heatlab.contract.ViewportClass;
import io.heatlab.screens.KnownScreen;
import io.heatlab.screens.PageCapture;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.screens.ScreenTraffic;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.image.Image;
import javax.imageio.ImageIO;

/**
 * The Screens view's state and commands: every screen with traffic (events of the last 7 days, last
 * seen) or registered, with the screenshots it has or lacks per viewport class; a screenshot added
 * from a file or captured from a URL (headless Chromium, full page); the preview of a screenshot.
 * Everything blocking runs off the FX thread.
 */
public final class ScreensModel {
  /** A row of the table: a screen's traffic, URL and screenshots ("1440×2400" or "missing"). */
  public record Row(
      String client,
      String screen,
      long events,
      Instant lastSeen,
      String url,
      String desktop,
      String tablet,
      String mobile) {}

  /** What the view reads and writes: the rollups' traffic, the registry, the capture. */
  public interface Source {
    List<ScreenTraffic.Row> traffic() throws Exception;

    List<ScreenRegistry.Screen> registered() throws IOException;

    ScreenRegistry.Shot add(
        String client,
        String screen,
        ViewportClass viewport,
        byte[] image,
        String source,
        String url)
        throws IOException;

    /** A full-page PNG of {@code url} at {@code viewport}'s width. */
    byte[] capture(String url, ViewportClass viewport) throws IOException;

    Optional<byte[]> screenshot(String client, String screen, ViewportClass viewport)
        throws IOException;

    /** The stack's registry and ClickHouse, Debian's Chromium. */
    static Source of(ConsoleContext context) {
      return new Source() {
        @Override
        public List<ScreenTraffic.Row> traffic() throws Exception {
          return context.screenTraffic().list(null, Instant.now());
        }

        @Override
        public List<ScreenRegistry.Screen> registered() throws IOException {
          return context.screenRegistry().list(null);
        }

        @Override
        public ScreenRegistry.Shot add(
            String client,
            String screen,
            ViewportClass viewport,
            byte[] image,
            String source,
            String url)
            throws IOException {
          return context
              .screenRegistry()
              .putScreenshot(client, screen, viewport, image, source, url);
        }

        @Override
        public byte[] capture(String url, ViewportClass viewport) throws IOException {
          return PageCapture.defaults().capture(url, viewport).png();
        }

        @Override
        public Optional<byte[]> screenshot(String client, String screen, ViewportClass viewport)
            throws IOException {
          return context.screenRegistry().screenshot(client, screen, viewport);
        }
      };
    }
  }

  /** The viewport classes a screenshot can be of. */
  public static final List<ViewportClass> VIEWPORTS =
      List.of(ViewportClass.DESKTOP, ViewportClass.TABLET, ViewportClass.MOBILE);

  private final Source source;
  private final Executor background;
  private final ObservableList<Row> rows = FXCollections.observableArrayList();
  private final ReadOnlyObjectWrapper<Image> preview = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
  private final Failure failure = new Failure(this::refresh);

  public ScreensModel(ConsoleContext context) {
    this(Source.of(context), context.background());
  }

  ScreensModel(Source source, Executor background) {
    this.source = source;
    this.background = background;
  }

  /** Lists the screens again (traffic and registry). */
  public void refresh() {
    Background.run(background, failure, "listing screens", this::list, rows::setAll);
  }

  private List<Row> list() throws Exception {
    List<Row> out = new ArrayList<>();
    for (KnownScreen s : KnownScreen.join(source.traffic(), source.registered())) {
      out.add(
          new Row(
              s.client(),
              s.screen(),
              s.events(),
              s.lastSeen().orElse(null),
              s.url().orElse(null),
              shot(s, ViewportClass.DESKTOP),
              shot(s, ViewportClass.TABLET),
              shot(s, ViewportClass.MOBILE)));
    }
    return out;
  }

  private static String shot(KnownScreen s, ViewportClass v) {
    return s.shot(v).map(shot -> shot.width() + "×" + shot.height()).orElse("missing");
  }

  /** Shows the screenshot of a screen for a viewport class (or says it has none). */
  public void select(String client, String screen, ViewportClass viewport) {
    if (client == null || screen == null) {
      return;
    }
    Background.run(
        background,
        failure,
        "reading the screenshot of " + client + "/" + screen,
        () -> {
          Optional<byte[]> bytes = source.screenshot(client, screen, viewport);
          if (bytes.isEmpty()) {
            return Optional.<BufferedImage>empty();
          }
          return Optional.ofNullable(ImageIO.read(new ByteArrayInputStream(bytes.get())));
        },
        image -> {
          preview.set(image.map(i -> (Image) FxImages.toFx(i)).orElse(null));
          if (image.isEmpty()) { // a shot shown keeps the message (e.g. what was just registered)
            message.set(
                "no "
                    + viewport.id()
                    + " screenshot of "
                    + client
                    + "/"
                    + screen
                    + ": capture it from its URL or add a file");
          }
        });
  }

  /** Registers a screenshot file; a failure is reported in the banner. */
  public void addFile(String client, String screen, ViewportClass viewport, Path file, String url) {
    register(
        "adding " + file.getFileName(),
        client,
        screen,
        viewport,
        () -> Files.readAllBytes(file),
        "upload: " + file.getFileName(),
        blankToNull(url));
  }

  /**
   * Captures {@code url} with headless Chromium and registers it; progress in {@link #message()}.
   */
  public void capture(String client, String screen, ViewportClass viewport, String url) {
    if (url == null || url.isBlank()) {
      message.set("Not captured: give the page's URL");
      return;
    }
    String page = url.strip();
    message.set("capturing " + page + " at " + viewport.captureWidth() + " px wide…");
    register(
        "capturing " + page,
        client,
        screen,
        viewport,
        () -> source.capture(page, viewport),
        "capture: " + page,
        page);
  }

  /**
   * Reads {@code image} and registers it off the FX thread, then lists the screens again and shows
   * the new screenshot; a failure (no Chromium, a page that does not load, a file that is no image)
   * goes to the banner.
   */
  private void register(
      String what,
      String client,
      String screen,
      ViewportClass viewport,
      Callable<byte[]> image,
      String origin,
      String url) {
    busy.set(true);
    Background.run(
        background,
        failure,
        what,
        () -> {
          try {
            return source.add(client, screen, viewport, image.call(), origin, url);
          } finally {
            Platform.runLater(() -> busy.set(false));
          }
        },
        shot -> {
          message.set(
              String.format(
                  "%s/%s %s: %d×%d %s registered (%s)",
                  client,
                  screen,
                  viewport.id(),
                  shot.width(),
                  shot.height(),
                  shot.type(),
                  shot.source()));
          refresh();
          select(client, screen, viewport);
        });
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  public ObservableList<Row> rows() {
    return rows;
  }

  public ReadOnlyObjectProperty<Image> preview() {
    return preview.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty message() {
    return message.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty busy() {
    return busy.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }
}
