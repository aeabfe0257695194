package io.heatlab.stack.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.stack.JavaCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in its own JVM, as the ./heatlab launcher runs it, with only the {@code HEATLAB_*}
 * environment a test gives it; its command line and output are echoed to the test's log.
 */
public final class CliProcess {
  /** How a run ended: its exit code and standard output (standard error goes to the log only). */
  public record Run(int exitCode, String output) {}

  private CliProcess() {}

  /** Runs {@code heatlab args…} with {@code env}; waits at most five minutes. */
  public static Run run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JavaCommand.javaBinary()));
    cmd.addAll(HeatlabConfig.jvmOptions(EmbeddedStackExtension.JVM_OPTIONS));
    cmd.addAll(
        List.of(
            "-Dheatlab.log.level=WARN",
            "-cp",
            JavaCommand.classpath(),
            "io.heatlab.cli.HeatlabCli"));
    cmd.addAll(List.of(args));
    Path stderr = Files.createTempFile("heatlab-cli-", ".err");
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(stderr.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("HEATLAB_"));
    builder.environment().putAll(env);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String errors = Files.readString(stderr);
    Files.delete(stderr);
    System.out.println("$ heatlab " + String.join(" ", args) + "\n" + output + errors);
    return new Run(p.exitValue(), output);
  }

  /**
   * The environment that points the CLI at {@code config}'s stack: its data directory and ports.
   */
  public static Map<String, String> envOf(HeatlabConfig config) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HEATLAB_DATA_DIR", config.dataDir().toString());
    for (String key : HeatlabConfig.PORTS) {
      env.put(ConfigLoader.envName(key), String.valueOf(config.getInt(key)));
    }
    return env;
  }
}
