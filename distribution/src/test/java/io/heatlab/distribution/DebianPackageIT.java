package io.heatlab.distribution;

import static io.heatlab.distribution.Commands.jarsIn;
import static io.heatlab.distribution.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.distribution.Commands.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package as a workstation gets it, unpacked into a temporary root with {@code dpkg-deb
 * -x} (nothing installed, no root needed): its own runtime runs {@code heatlab}, with no Java on
 * the PATH and no JAVA_HOME; data goes to the user's XDG data directory; the desktop entry, icon,
 * {@code /usr/bin/heatlab} and the declared dependencies are there.
 */
class DebianPackageIT {
  @TempDir static Path root;
  @TempDir static Path userData;
  private static Path deb;
  private static Path opt;

  @BeforeAll
  static void unpack() throws Exception {
    String version = System.getProperty("heatlab.version");
    deb =
        Path.of(
            System.getProperty("heatlab.deb.dir"),
            "heatlab_" + version.replace('-', '~') + "_amd64.deb");
    assertThat(deb).isRegularFile();
    System.out.printf("debian package %s: %,d bytes%n", deb.getFileName(), Files.size(deb));
    Result x = run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), Map.of());
    assertThat(x.exit()).as(x.output()).isZero();
    opt = root.resolve("opt/heatlab");
  }

  @Test
  void itsControlFileNamesTheVersionAndWhatTheStackNeedsFromDebian() throws Exception {
    Result control = run(List.of("dpkg-deb", "-f", deb.toString()), Map.of());
    assertThat(control.exit()).as(control.output()).isZero();
    assertThat(control.output())
        .contains("Package: heatlab")
        .contains("Version: " + System.getProperty("heatlab.version").replace('-', '~'))
        .contains("Architecture: amd64")
        .containsPattern("Depends: .*clickhouse-server")
        .containsPattern("Depends: .*libgtk-3-0");
    assertThat(control.output()).containsPattern("Installed-Size: [1-9][0-9]{5,}");
  }

  @Test
  void itHoldsItsRuntimeTheConsoleTheServersTheSparkJobAndADesktopEntry() throws IOException {
    assertThat(opt.resolve("bin/heatlab")).isExecutable();
    assertThat(opt.resolve("lib/runtime/bin/java")).isExecutable();
    assertThat(opt.resolve("lib/runtime/jmods")).as("a runtime, not a JDK").doesNotExist();
    assertThat(jarsIn(opt.resolve("lib/app")))
        .anyMatch(n -> n.startsWith("heatlab-app-"))
        .anyMatch(n -> n.startsWith("console-"))
        .anyMatch(n -> n.startsWith("javafx-controls-"));
    assertThat(opt.resolve("stack/s3proxy.jar")).isRegularFile();
    assertThat(opt.resolve("spark/heatlab-rollup-job.jar")).isRegularFile();
    assertThat(jarsIn(opt.resolve("spark/jars"))).anyMatch(n -> n.startsWith("spark-core_"));
    assertThat(jarsIn(opt.resolve("plugins/heatlab-landing")))
        .anyMatch(n -> n.startsWith("heatlab-landing-connector-"));
    assertThat(opt.resolve("compose/docker-compose.yml")).isRegularFile();

    Path onPath = root.resolve("usr/bin/heatlab");
    assertThat(Files.isSymbolicLink(onPath)).isTrue();
    assertThat(Files.readSymbolicLink(onPath)).isEqualTo(Path.of("/opt/heatlab/bin/heatlab"));
    String desktop = Files.readString(root.resolve("usr/share/applications/heatlab.desktop"));
    assertThat(desktop)
        .contains("Exec=/opt/heatlab/bin/heatlab console")
        .contains("Icon=heatlab")
        .contains("Type=Application");
    assertThat(root.resolve("usr/share/icons/hicolor/256x256/apps/heatlab.png")).isRegularFile();
  }

  @Test
  void itsHeatlabCommandRunsOnItsOwnRuntime() throws Exception {
    Map<String, String> env = Map.of("PATH", "/nonexistent", "XDG_DATA_HOME", userData.toString());
    Commands.assertRunsAsTheCli(
        opt.resolve("bin/heatlab"), env, opt.resolve("lib/runtime"), "heatlab");

    Result paths = heatlab(env, "config");
    assertThat(paths.exit()).as(paths.output()).isZero();
    assertThat(paths.output())
        .as("data under the user's data directory; the servers and Spark job inside the package")
        .contains(userData.resolve("heatlab").toString())
        .contains(opt.resolve("spark/heatlab-rollup-job.jar").toString())
        .contains(opt.resolve("stack/s3proxy.jar").toString());
  }

  @Test
  void itsRuntimeStartsJvmsWithTheModuleOptionsSparkLaunchesEveryDriverWith() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(opt.resolve("lib/runtime/bin/java").toString()));
    cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray())); // e.g. jdk.incubator.vector
    cmd.add("-version");
    Result java = run(cmd, Map.of());
    assertThat(java.exit()).as(java.output()).isZero();
  }

  @Test
  void theConsoleWithoutADisplaySaysHowToRunIt() throws Exception {
    Result console =
        heatlab(Map.of("PATH", "/nonexistent", "XDG_DATA_HOME", userData.toString()), "console");
    assertThat(console.exit()).isEqualTo(2);
    assertThat(console.output()).contains("needs a display");
  }

  private static Result heatlab(Map<String, String> env, String... args) throws Exception {
    return Commands.heatlab(opt.resolve("bin/heatlab"), env, args);
  }
}
