package io.heatlab.console.screens;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.testing.FxTesting;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.InMemoryObjectStore;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.screens.ScreenTraffic;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Screens view's model over a real registry (in-memory object store) and scripted traffic and
 * capture: the rows join both, a file or a capture is registered and previewed, bad input is
 * reported.
 */
class ScreensModelTest {
  private static final Instant SEEN = Instant.parse("2026-12-06T10:00:00Z");

  @TempDir Path dir;
  private final ScreenRegistry registry = new ScreenRegistry(new InMemoryObjectStore());
  private final ExecutorService background = Executors.newCachedThreadPool();
  private volatile String captured;
  private ScreensModel model;

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @BeforeEach
  void model() throws Exception {
    registry.putScreenshot(
        "acme", "home", ViewportClass.DESKTOP, png(40, 30), "upload: h.png", null);
    model =
        new ScreensModel(
            new ScreensModel.Source() {
              @Override
              public List<ScreenTraffic.Row> traffic() {
                return List.of(
                    new ScreenTraffic.Row("acme", "pricing", 1200, SEEN),
                    new ScreenTraffic.Row("acme", "home", 30, SEEN));
              }

              @Override
              public List<ScreenRegistry.Screen> registered() throws IOException {
                return registry.list(null);
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
                return registry.putScreenshot(client, screen, viewport, image, source, url);
              }

              @Override
              public byte[] capture(String url, ViewportClass viewport) throws IOException {
                captured = url + "@" + viewport.captureWidth();
                return png(viewport.captureWidth(), 2400);
              }

              @Override
              public Optional<byte[]> screenshot(
                  String client, String screen, ViewportClass viewport) throws IOException {
                return registry.screenshot(client, screen, viewport);
              }
            },
            background);
  }

  @AfterEach
  void close() {
    background.shutdownNow();
  }

  @Test
  void rowsJoinTrafficAndTheRegistryWithWhatIsMissing() throws Exception {
    FxTesting.run(model::refresh);
    await(() -> model.rows().size() == 2);
    assertThat(model.rows())
        .containsExactly(
            new ScreensModel.Row("acme", "home", 30, SEEN, null, "40×30", "missing", "missing"),
            new ScreensModel.Row(
                "acme", "pricing", 1200, SEEN, null, "missing", "missing", "missing"));
  }

  @Test
  void aCaptureIsRegisteredListedAndPreviewed() throws Exception {
    FxTesting.run(
        () ->
            model.capture(
                "acme", "pricing", ViewportClass.MOBILE, " https://acme.example/pricing "));
    assertThat(model.message().get())
        .startsWith("capturing https://acme.example/pricing at 390 px");
    await(
        () ->
            model.message().get().contains("registered")
                || !model.failure().message().get().isEmpty());
    assertThat(model.failure().message().get()).isEmpty();
    assertThat(captured).isEqualTo("https://acme.example/pricing@390");
    assertThat(model.message().get())
        .isEqualTo(
            "acme/pricing mobile: 390×2400 png registered (capture: https://acme.example/pricing)");
    await(() -> model.preview().get() != null && model.rows().size() == 2);
    assertThat(model.preview().get().getHeight()).isEqualTo(2400);
    assertThat(model.rows().get(1).mobile()).isEqualTo("390×2400");
    assertThat(model.rows().get(1).url()).isEqualTo("https://acme.example/pricing");
    assertThat(model.busy().get()).isFalse();
  }

  @Test
  void aFileThatIsNoImageIsReportedAndNothingRegistered() throws Exception {
    Path file = dir.resolve("notes.png");
    Files.writeString(file, "not an image", StandardCharsets.UTF_8);
    FxTesting.run(() -> model.addFile("acme", "pricing", ViewportClass.DESKTOP, file, ""));
    await(() -> !model.failure().message().get().isEmpty());
    assertThat(model.failure().message().get())
        .isEqualTo("adding notes.png: the screenshot is not a PNG or JPEG image");
    await(() -> !model.busy().get());
    assertThat(registry.get("acme", "pricing")).isEmpty();
  }

  @Test
  void aScreenWithoutTheChosenScreenshotSaysHowToAddOne() throws Exception {
    FxTesting.run(() -> model.select("acme", "home", ViewportClass.TABLET));
    await(() -> model.message().get().startsWith("no tablet screenshot"));
    assertThat(model.preview().get()).isNull();
    FxTesting.run(() -> model.select("acme", "home", ViewportClass.DESKTOP));
    await(() -> model.preview().get() != null);
    assertThat(model.preview().get().getWidth()).isEqualTo(40);
  }

  @Test
  void aCaptureWithoutUrlIsNotStarted() throws Exception {
    FxTesting.run(() -> model.capture("acme", "pricing", ViewportClass.DESKTOP, " "));
    assertThat(model.message().get()).isEqualTo("Not captured: give the page's URL");
    assertThat(captured).isNull();
  }

  private static byte[] png(int w, int h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  /**
   * The Screens view on the headless toolkit: the rows on arrival with what is missing, choosing a
   * row fills the form and shows its screenshot, Capture from URL registers a screenshot at the
   * class's width and the row says so.
   */
  @Test
  void theViewListsTheScreensShowsOneAndCapturesAMissingOne() throws Exception {
    ScreensView[] view = new ScreensView[1];
    FxTesting.run(
        () -> {
          view[0] = new ScreensView(model);
          FxTesting.laidOut(view[0].root());
          view[0].shown();
        });
    Parent root = view[0].root();
    TableView<ScreensModel.Row> table =
        FxTesting.<TableView<ScreensModel.Row>>lookup(root, "#screens-table");
    await(() -> table.getItems().size() == 2);
    FxTesting.run(() -> table.getSelectionModel().select(0)); // acme/home: a desktop shot
    assertThat(((TextField) root.lookup("#screens-screen")).getText()).isEqualTo("home");
    ImageView preview = (ImageView) root.lookup("#screens-preview");
    await(() -> preview.getImage() != null && preview.getImage().getWidth() == 40);

    FxTesting.run(
        () -> {
          table.getSelectionModel().select(1); // acme/pricing: nothing registered
          ((TextField) root.lookup("#screens-url")).setText("https://acme.example/pricing/");
          ((Button) root.lookup("#screens-capture")).fire();
        });
    await(() -> "https://acme.example/pricing/@1440".equals(captured));
    await(
        () ->
            table.getItems().stream()
                .anyMatch(r -> r.screen().equals("pricing") && !r.desktop().equals("missing")));
  }
}
