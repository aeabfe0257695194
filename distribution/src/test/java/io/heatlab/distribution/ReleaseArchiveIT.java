package io.heatlab.distribution;

import static io.heatlab.distribution.Commands.jarsIn;
import static io.heatlab.distribution.Commands.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.distribution.Commands.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as a server operator gets it: unpacked into a temporary directory (nothing
 * installed), its {@code bin/heatlab} run with a system Java 17 — the one running this test — and
 * no repository around it.
 */
class ReleaseArchiveIT {
  @TempDir static Path unpacked;
  private static Path home;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("heatlab.release.archive"));
    assertThat(archive).isRegularFile();
    System.out.printf(
        "release archive %s: %,d bytes%n", archive.getFileName(), Files.size(archive));
    Result tar =
        run(List.of("tar", "-xzf", archive.toString(), "-C", unpacked.toString()), Map.of());
    assertThat(tar.exit()).as(tar.output()).isZero();
    home = unpacked.resolve("heatlab-" + System.getProperty("heatlab.version"));
  }

  @Test
  void holdsTheCliItsServersJarsTheSparkJobTheLandingPluginAndCompose() throws IOException {
    assertThat(home.resolve("bin/heatlab")).isExecutable();
    assertThat(jarsIn(home.resolve("lib"))).anyMatch(n -> n.startsWith("heatlab-app-"));
    assertThat(home.resolve("stack/s3proxy.jar")).isRegularFile();
    assertThat(home.resolve("spark/heatlab-rollup-job.jar")).isRegularFile();
    assertThat(jarsIn(home.resolve("spark/jars"))).anyMatch(n -> n.startsWith("spark-core_"));
    assertThat(jarsIn(home.resolve("plugins/heatlab-landing")))
        .anyMatch(n -> n.startsWith("heatlab-landing-connector-"));
    assertThat(home.resolve("compose/docker-compose.yml")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("CHANGELOG.md")).isRegularFile();
  }

  @Test
  void itsHeatlabCommandRunsOnTheSystemJava() throws Exception {
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));
    Path launcher = home.resolve("bin/heatlab");
    Commands.assertRunsAsTheCli(
        launcher, withData(env), Path.of(System.getProperty("java.home")), launcher.toString());

    // the launcher points the settings at the archive's own files
    Result config = heatlab(env, "config");
    assertThat(config.exit()).as(config.output()).isZero();
    assertThat(config.output())
        .contains(home.resolve("spark/heatlab-rollup-job.jar").toString())
        .contains(home.resolve("stack/s3proxy.jar").toString());
  }

  @Test
  void withoutJavaItSaysWhatToInstall() throws Exception {
    Result none = heatlab(Map.of("JAVA_HOME", unpacked.resolve("no-jdk").toString()), "--version");
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.output()).contains("install a JDK 17 or newer");
  }

  private static Result heatlab(Map<String, String> env, String... args) throws Exception {
    return Commands.heatlab(home.resolve("bin/heatlab"), withData(env), args);
  }

  private static Map<String, String> withData(Map<String, String> env) {
    Map<String, String> withData = new HashMap<>(env);
    withData.put("HEATLAB_DATA_DIR", unpacked.resolve("data").toString());
    return withData;
  }
}
