package io.heatlab.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The names of the jars in {@code dir}. */
  static List<String> jarsIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
    }
  }
}
