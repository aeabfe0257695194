package io.heatlab.stack.testing;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.rollup.PublishedWindowsCheck;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackException;
import io.heatlab.stack.StackPart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the real embedded stack — Kafka broker, Connect worker, S3 server, ClickHouse, Jetty —
 * once per test class, on free ports, with its data in a temp directory, and stops it after the
 * class. Test methods can take {@link Stack}, {@link StackEndpoints} or {@link HeatlabConfig}
 * parameters.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final EmbeddedStackExtension STACK = new EmbeddedStackExtension().with("kafka.topic.events.partitions", "3");
 * </pre>
 *
 * With {@code -Dheatlab.test.keep=true} the data directory (and each part's log) is kept for a
 * post-mortem.
 *
 * <p>The configuration is the embedded profile with every port set to 0 and no HEATLAB_*
 * environment variables applied, so a developer's shell cannot change what the tests see.
 */
public final class EmbeddedStackExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStackExtension.class);

  private final Map<String, String> overrides = new LinkedHashMap<>();
  private String profile = "embedded";
  private Path dataDir;
  private Stack stack;

  /**
   * The test stacks' {@code stack.jvm.options}: the parent POM's {@code test.jvm.options} (C1 only,
   * serial GC — short-lived JVMs on two cores), which the test JVM runs with too.
   */
  public static final String JVM_OPTIONS = System.getProperty("heatlab.test.jvm.options", "");

  public EmbeddedStackExtension() {
    for (String port : HeatlabConfig.PORTS) {
      overrides.put(port, "0");
    }
    overrides.put(HeatlabConfig.KAFKA_HEAP, "512m");
    overrides.put(HeatlabConfig.STACK_JVM_OPTIONS, JVM_OPTIONS);
    overrides.put(HeatlabConfig.CONNECT_HEAP, "512m");
    // the warm rollup driver is a JVM and a warm-up on two cores: the classes that test it turn
    // it on (RollupIT); the others roll up with one application per run, the fallback path
    overrides.put(HeatlabConfig.ROLLUP_DRIVER_WARM, "false");
    overrides.put(
        HeatlabConfig.ROLLUP_DRIVER_WARMUP_EVENTS, "20000"); // where it is on: test data is small
    // no deeper warm-up: tests run C1 only (stack.jvm.options), RollupServerTest covers its rounds
    overrides.put(HeatlabConfig.ROLLUP_DRIVER_WARMUP_ROUNDS, "0");
  }

  /**
   * Starts the stack of another profile that runs on this machine ({@code cluster}), from its real
   * profile file, with the same overrides (free ports, temp data).
   */
  public EmbeddedStackExtension profile(String name) {
    this.profile = name;
    return this;
  }

  /** Overrides one setting for this test class's stack. */
  public EmbeddedStackExtension with(String key, String value) {
    overrides.put(key, value);
    return this;
  }

  public Stack stack() {
    return stack;
  }

  public StackEndpoints endpoints() {
    return stack.endpoints();
  }

  public HeatlabConfig config() {
    return stack.config();
  }

  /**
   * The embedded profile's config for a fresh data directory, every port 0 (free), environment
   * ignored.
   */
  public static HeatlabConfig testConfig(Path dataDir, Map<String, String> overrides) {
    return testConfig("embedded", dataDir, overrides);
  }

  /** The same for {@code profile}. */
  public static HeatlabConfig testConfig(
      String profile, Path dataDir, Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>(overrides);
    values.put(HeatlabConfig.DATA_DIR, dataDir.toString());
    return ConfigLoader.load(profile, null, Map.of()).with(values);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException, StackException {
    dataDir = Files.createTempDirectory("heatlab-stack-");
    stack = Stack.create(testConfig(profile, dataDir, overrides));
    long t0 = System.nanoTime();
    stack.start(
        new Stack.StartListener() {
          @Override
          public void started(PartHealth health, Duration took) {
            LOG.info("{} healthy at {} in {} ms", health.name(), health.address(), took.toMillis());
          }

          @Override
          public void checked(PublishedWindowsCheck.Report report) {
            LOG.info("self-check: {}", report.summary());
          }
        });
    LOG.info(
        "Embedded stack for {} up in {} ms (data {})",
        context.getDisplayName(),
        (System.nanoTime() - t0) / 1_000_000,
        dataDir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (stack != null) {
      stack.stop();
    }
    if (Boolean.getBoolean("heatlab.test.keep")) {
      LOG.info("Keeping the stack's data and logs in {} (-Dheatlab.test.keep)", dataDir);
      return;
    }
    deleteRecursively(dataDir);
  }

  public static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Stack.class || type == StackEndpoints.class || type == HeatlabConfig.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == Stack.class) {
      return stack;
    }
    if (type == StackEndpoints.class) {
      return stack.endpoints();
    }
    return stack.config();
  }

  /** A part of the running stack, e.g. to kill it in a fault test. */
  public StackPart part(String name) {
    return stack.part(name);
  }
}
