package io.heatlab.screens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.InMemoryObjectStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ScreenRegistryTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ScreenRegistry registry =
      new ScreenRegistry(store, Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC));

  @Test
  void aScreenshotPerViewportClassWithItsSizeAndSource() throws Exception {
    registry.putScreenshot(
        "acme", "pricing", ViewportClass.DESKTOP, image(1440, 2400, "png"), "upload: p.png", null);
    registry.putScreenshot(
        "acme",
        "pricing",
        ViewportClass.MOBILE,
        image(390, 3000, "jpeg"),
        "capture: u",
        "https://acme.com/pricing");

    ScreenRegistry.Screen s = registry.get("acme", "pricing").orElseThrow();
    assertThat(s.url()).isEqualTo("https://acme.com/pricing");
    assertThat(s.shot(ViewportClass.DESKTOP).orElseThrow())
        .isEqualTo(
            new ScreenRegistry.Shot(
                1440,
                2400,
                registry.screenshot("acme", "pricing", ViewportClass.DESKTOP).orElseThrow().length,
                "png",
                "2026-12-06T10:00:00Z",
                "upload: p.png"));
    assertThat(s.shot(ViewportClass.MOBILE).orElseThrow().type()).isEqualTo("jpeg");
    assertThat(s.shot(ViewportClass.TABLET)).isEmpty();
    assertThat(registry.screenshot("acme", "pricing", ViewportClass.TABLET)).isEmpty();
  }

  @Test
  void replacingAShotKeepsTheOthersAndTheUrl() throws Exception {
    registry.putScreenshot(
        "acme", "home", ViewportClass.DESKTOP, image(10, 10, "png"), "a", "https://acme.com/");
    registry.putScreenshot("acme", "home", ViewportClass.TABLET, image(8, 8, "png"), "b", null);
    registry.putScreenshot("acme", "home", ViewportClass.DESKTOP, image(20, 30, "png"), "c", null);
    ScreenRegistry.Screen s = registry.get("acme", "home").orElseThrow();
    assertThat(s.url()).isEqualTo("https://acme.com/");
    assertThat(s.shot(ViewportClass.DESKTOP).orElseThrow().height()).isEqualTo(30);
    assertThat(s.shot(ViewportClass.TABLET).orElseThrow().source()).isEqualTo("b");
  }

  @Test
  void listingIsPerClientOrOfEveryClientSorted() throws Exception {
    registry.putScreenshot("beta", "z", ViewportClass.DESKTOP, image(4, 4, "png"), "x", null);
    registry.putScreenshot("acme", "pricing", ViewportClass.DESKTOP, image(4, 4, "png"), "x", null);
    registry.setUrl("acme", "docs", "https://acme.com/docs");
    assertThat(registry.list(null))
        .extracting(s -> s.client() + "/" + s.screen())
        .containsExactly("acme/docs", "acme/pricing", "beta/z");
    assertThat(registry.list("acme"))
        .extracting(ScreenRegistry.Screen::screen)
        .containsExactly("docs", "pricing");
    assertThat(registry.list("nobody")).isEmpty();
    assertThat(registry.get("acme", "docs").orElseThrow().shots()).isEmpty();
  }

  @Test
  void whatIsNoImageOrNoIdIsRefusedAndNothingIsWritten() throws Exception {
    byte[] html = "<html>not an image</html>".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(
            () -> registry.putScreenshot("acme", "p", ViewportClass.DESKTOP, html, "x", null))
        .hasMessage("the screenshot is not a PNG or JPEG image");
    assertThatThrownBy(
            () ->
                registry.putScreenshot(
                    "acme", "../../etc", ViewportClass.DESKTOP, image(4, 4, "png"), "x", null))
        .hasMessageStartingWith("screen_id must be");
    assertThatThrownBy(
            () ->
                registry.putScreenshot(
                    "acme", "p", ViewportClass.UNKNOWN, image(4, 4, "png"), "x", null))
        .hasMessageContaining("desktop, tablet or mobile");
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void aScreenWithoutScreenshotGetsANeutralBackdropWithANote() throws Exception {
    Backdrop none = Backdrop.of(registry, "acme", "pricing", ViewportClass.DESKTOP);
    assertThat(none.image().getWidth()).isEqualTo(1440);
    assertThat(none.note())
        .contains("no desktop screenshot of acme/pricing")
        .contains("screens capture");
    registry.putScreenshot(
        "acme", "pricing", ViewportClass.DESKTOP, image(30, 20, "png"), "x", null);
    Backdrop shot = Backdrop.of(registry, "acme", "pricing", ViewportClass.DESKTOP);
    assertThat(shot.note()).isNull();
    assertThat(shot.image().getWidth()).isEqualTo(30);
  }

  @Test
  void anImageDeclaringTooManyPixelsIsRefusedBeforeItIsDecoded() throws Exception {
    byte[] bomb = declaring(image(4, 4, "png"), 100_000, 100_000); // 10 gigapixels, ~100 bytes
    assertThat(ScreenRegistry.dimensions(bomb).width).isEqualTo(100_000);
    assertThatThrownBy(
            () -> registry.putScreenshot("acme", "p", ViewportClass.DESKTOP, bomb, "x", null))
        .hasMessageContaining("100000×100000 pixels; at most 50 million");
    assertThat(store.keys()).isEmpty();
  }

  @Test
  void eachViewportClassIsPaintedOverItsOwnScreenshotAndUnknownOverTheDesktopOne()
      throws Exception {
    Backdrop mobile = Backdrop.of(registry, "acme", "pricing", ViewportClass.MOBILE);
    assertThat(mobile.image().getWidth()).isEqualTo(ViewportClass.MOBILE.captureWidth());
    assertThat(mobile.note()).contains("no mobile screenshot").contains("--viewport mobile");
    registry.putScreenshot(
        "acme", "pricing", ViewportClass.DESKTOP, image(30, 20, "png"), "x", null);
    registry.putScreenshot("acme", "pricing", ViewportClass.MOBILE, image(9, 40, "png"), "x", null);
    assertThat(Backdrop.of(registry, "acme", "pricing", ViewportClass.MOBILE).image().getWidth())
        .isEqualTo(9);
    assertThat(Backdrop.of(registry, "acme", "pricing", ViewportClass.UNKNOWN).image().getWidth())
        .isEqualTo(30);
    assertThat(Backdrop.of(registry, "acme", "pricing", ViewportClass.TABLET).note())
        .contains("no tablet screenshot");
  }

  /** {@code png} with its header (IHDR) saying {@code w × h}, its checksum recomputed. */
  private static byte[] declaring(byte[] png, int w, int h) {
    byte[] out = png.clone();
    ByteBuffer b = ByteBuffer.wrap(out); // signature 8, length 4, "IHDR" 4, then width, height
    b.putInt(16, w).putInt(20, h);
    CRC32 crc = new CRC32();
    crc.update(out, 12, 17); // "IHDR" + 13 bytes of data
    b.putInt(29, (int) crc.getValue());
    return out;
  }

  private static byte[] image(int w, int h, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), format, out);
    return out.toByteArray();
  }
}
