package io.heatlab.stack.testing;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.stack.JavaCommand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code heatlab ingest} in its own JVM, from the build's classpath, against a running stack's
 * Kafka — as a server runs it: killed with SIGKILL, restarted, replaced by an instance of another
 * identity. Settings are passed as the environment ({@code HEATLAB_…}), nothing else of the test
 * JVM's environment leaks in.
 */
public final class IngestProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final Process process;
  private final Path log;
  private final String url;

  private IngestProcess(Process process, Path log, String url) {
    this.process = process;
    this.log = log;
    this.url = url;
  }

  /**
   * Starts the service on {@code port} against {@code stack}'s Kafka with {@code settings} (names
   * of HeatlabConfig settings) and the JVM options {@code jvm}; returns once {@code /healthz}
   * answers 200.
   */
  public static IngestProcess start(
      HeatlabConfig stack, int port, Map<String, String> settings, List<String> jvm)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.javaBinary());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-Dheatlab.log.level=WARN",
            "-cp",
            JavaCommand.classpath(),
            "io.heatlab.cli.HeatlabCli",
            "ingest"));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("HEATLAB_"));
    env.put(ConfigLoader.envName(HeatlabConfig.DATA_DIR), stack.dataDir().toString());
    env.put(
        ConfigLoader.envName(HeatlabConfig.KAFKA_PORT),
        String.valueOf(stack.getInt(HeatlabConfig.KAFKA_PORT)));
    env.put(ConfigLoader.envName(HeatlabConfig.HTTP_PORT), String.valueOf(port));
    settings.forEach((k, v) -> env.put(ConfigLoader.envName(k), v));
    Path log = Files.createTempFile("heatlab-ingest-", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    IngestProcess p = new IngestProcess(builder.start(), log, "http://127.0.0.1:" + port);
    p.awaitServing();
    return p;
  }

  public String url() {
    return url;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the service printed so far. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGKILL, as a crash or the OOM killer would; returns once the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  private void awaitServing() throws IOException, InterruptedException {
    awaitServing(url, process, log);
  }

  /**
   * Waits until the ingestion service {@code process} (logging to {@code log}) answers {@code GET
   * /healthz} at {@code url} with 200; fails with its log if it dies or takes over a minute.
   */
  public static void awaitServing(String url, Process process, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("heatlab ingest died:\n" + Files.readString(log));
      }
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "heatlab ingest did not become healthy:\n" + Files.readString(log));
  }

  /** SIGTERM (a graceful stop: requests in flight answered, logs flushed), SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
