package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the stack's child JVMs: same Java as this process, its classpath, UTC, markers,
 * and the configured {@code stack.jvm.options}.
 */
public final class JavaCommand {
  private JavaCommand() {}

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * This process's classpath: an explicit {@code heatlab.classpath}, else Surefire's real test
   * classpath (its own {@code java.class.path} is a manifest-only jar), else {@code
   * java.class.path}.
   */
  public static String classpath() {
    for (String key : List.of("heatlab.classpath", "surefire.test.class.path", "java.class.path")) {
      String value = System.getProperty(key);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    throw new IllegalStateException("No classpath to start child JVMs with");
  }

  /** {@code java <common flags> -cp <this classpath> mainClass args}. */
  static List<String> mainClass(
      HeatlabConfig config,
      String part,
      StackLayout layout,
      String heap,
      String mainClass,
      String... args) {
    return withClasspath(config, part, layout, heap, classpath(), mainClass, args);
  }

  /** {@code java <common flags> -cp classpath mainClass args}. */
  static List<String> withClasspath(
      HeatlabConfig config,
      String part,
      StackLayout layout,
      String heap,
      String classpath,
      String mainClass,
      String... args) {
    List<String> cmd = common(config, part, layout, heap);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** {@code java <common flags> -jar jar args}. */
  static List<String> jar(
      HeatlabConfig config,
      String part,
      StackLayout layout,
      String heap,
      Path jar,
      String... args) {
    List<String> cmd = common(config, part, layout, heap);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static List<String> common(
      HeatlabConfig config, String part, StackLayout layout, String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    cmd.addAll(config.jvmOptions());
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-Duser.timezone=UTC");
    cmd.add("-Dheatlab.part=" + part);
    cmd.add("-Dheatlab.data.dir=" + layout.root());
    return cmd;
  }
}
