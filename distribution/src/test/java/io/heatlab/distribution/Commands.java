package io.heatlab.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Running what a release unpacks, as a user would: only the environment the test gives it. */
final class Commands {
  private Commands() {}

  record Result(int exit, String output) {}

  /**
   * Runs {@code cmd} with this environment minus heatlab's settings, JAVA_HOME and the display,
   * plus {@code env}; stdout and stderr together.
   */
  static Result run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("HEATLAB_")
                    || k.equals("JAVA_HOME")
                    || k.equals("DISPLAY")
                    || k.equals("WAYLAND_DISPLAY"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s ended", cmd).isTrue();
    return new Result(p.exitValue(), out);
  }

  /** Runs the unpacked {@code launcher} with {@code args}, as {@link #run}. */
  static Result heatlab(Path launcher, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    return run(cmd, env);
  }

  /**
   * What a release's launcher must do from where it was unpacked: say heatlab's version and the
   * Java it runs on ({@code javaHome}), describe every setting, and name itself ({@code command})
   * in the messages that say what to type (in {@code keys}' usage: no stack needed).
   */
  static void assertRunsAsTheCli(
      Path launcher, Map<String, String> env, Path javaHome, String command) throws Exception {
    Result version = heatlab(launcher, env, "--version");
    assertThat(version.exit()).as(version.output()).isZero();
    List<String> lines = version.output().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("heatlab " + System.getProperty("heatlab.version"));
    assertThat(lines.get(1))
        .as("the Java it runs on")
        .startsWith("Java ")
        .endsWith(" at " + javaHome);

    Result describe = heatlab(launcher, env, "config", "--describe");
    assertThat(describe.exit()).as(describe.output()).isZero();
    assertThat(describe.output()).contains("data.dir").contains("rollup.spark.job.jar");

    Result keys = heatlab(launcher, env, "keys");
    assertThat(keys.output())
        .as("its messages name the command as it was run")
        .startsWith("usage: " + command + " keys new");
  }

  /** The names of the jars in {@code dir}. */
  static List<String> jarsIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
    }
  }
}
