package io.heatlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heatlab demo} on a real embedded stack: traffic over backdated hours → Kafka → landing →
 * Spark rollups (a scheduler pass, then the open hour) → one PNG per screen, and the reconciliation
 * holds: accepted = landed = Σ heatmap_hourly, Σ heatmap_daily = Σ hourly over the closed day.
 */
class DemoIT {

  /**
   * As ./heatlab demo runs: with the warm rollup driver. Landing closes its objects every 2 s
   * instead of 30 (the demo waits for it; what it proves does not depend on the cadence:
   * LandingIT's).
   */
  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(HeatlabConfig.ROLLUP_DRIVER_WARM, "true")
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "2000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "2000");

  @Test
  void theDemoReconciles(@TempDir Path out) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    boolean ok = DemoCommand.run(STACK.config(), STACK.stack(), 60_000, 20_000, out, print);
    String text = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    assertThat(ok).as(text).isTrue();
    assertThat(text).contains("accepted (this run) = landed (this run)").doesNotContain("MISMATCH");
    for (String screen : new String[] {"landing", "pricing", "checkout"}) {
      Path png = out.resolve(screen + ".png");
      assertThat(png).exists();
      assertThat(ImageIO.read(png.toFile()).getWidth()).isGreaterThan(100);
    }
    assertThat(Files.list(out).count()).isEqualTo(3);
  }
}
