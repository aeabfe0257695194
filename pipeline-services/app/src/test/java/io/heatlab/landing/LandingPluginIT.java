package io.heatlab.landing;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.contract.LandedEvent;
import io.heatlab.stack.FreePorts;
import io.heatlab.stack.JavaCommand;
import io.heatlab.stack.LandingDeployment;
import io.heatlab.stack.Stack;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged plugin directory (target/landing-plugin/heatlab-landing) works on its own: a second
 * Connect worker whose classpath has neither heatlab's classes nor the connector's own libraries
 * (Parquet, Hadoop, MinIO SDK, OkHttp…) loads the connector from {@code plugin.path} and lands
 * events with it.
 */
class LandingPluginIT {

  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static final List<String> CONNECTOR_ONLY_JARS =
      List.of(
          "parquet-",
          "hadoop-",
          "minio-",
          "okhttp-",
          "okio",
          "kotlin-",
          "aircompressor-",
          "woodstox-",
          "stax2-",
          "commons-collections4-",
          "simple-xml-safe-",
          "bcprov-");

  @Test
  void aPlainWorkerLoadsThePluginDirectoryAndLands(Stack stack) throws Exception {
    Path pluginPath =
        Path.of("..", "landing-connector", "target", "landing-plugin").toAbsolutePath().normalize();
    assertThat(pluginPath.resolve("heatlab-landing")).as("built by mvn package").isDirectory();
    String workerClasspath =
        Arrays.stream(JavaCommand.classpath().split(File.pathSeparator))
            .filter( // heatlab's own classes: module folders in a reactor build, jars from ~/.m2
                // alone
                entry ->
                    !entry.contains("pipeline-services")
                        && !entry.contains("simulator-web")
                        && !entry.contains("/io/heatlab/"))
            .filter(
                entry ->
                    CONNECTOR_ONLY_JARS.stream()
                        .noneMatch(
                            prefix -> Path.of(entry).getFileName().toString().startsWith(prefix)))
            .collect(Collectors.joining(File.pathSeparator));
    int port = FreePorts.next();
    Path dir = Files.createTempDirectory("heatlab-plugin-worker-");
    Path props = dir.resolve("worker.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "bootstrap.servers=" + stack.endpoints().kafkaBootstrap(),
            "group.id=plugin-it",
            "config.storage.topic=plugin-it-configs",
            "offset.storage.topic=plugin-it-offsets",
            "status.storage.topic=plugin-it-status",
            "config.storage.replication.factor=1",
            "offset.storage.replication.factor=1",
            "status.storage.replication.factor=1",
            "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
            "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
            "listeners=http://127.0.0.1:" + port,
            "plugin.path=" + pluginPath,
            "plugin.discovery=service_load",
            "offset.flush.interval.ms=1000",
            "config.providers=file",
            "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
            ""));
    Process worker =
        new ProcessBuilder(
                JavaCommand.javaBinary(),
                "-Xmx512m",
                "-cp",
                workerClasspath,
                "org.apache.kafka.connect.cli.ConnectDistributed",
                props.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("worker.log").toFile())
            .start();
    try (LandingFixture fixture = new LandingFixture(stack)) {
      String url = "http://127.0.0.1:" + port;
      awaitRest(url, worker, dir);
      Map<String, String> config =
          new HashMap<>(
              LandingDeployment.connectorConfig(
                  stack.config(),
                  stack.endpoints(),
                  stack.layout().confDir().resolve(LandingDeployment.SECRETS_FILE)));
      config.put(LandingConfig.PREFIX, "plugin-it/events/v1");
      config.put(LandingConfig.FORMAT, "parquet");
      config.put(LandingConfig.ROTATE_SCHEDULE_INTERVAL_MS, "1000");
      LandingDeployment.deploy(url, "landing-plugin-it", config);

      long now = System.currentTimeMillis();
      List<String> produced = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        LandedEvent e = LandingFixture.event("plugin", i, now - i);
        produced.add(LandingFixture.identity(e));
        fixture.produce(e);
      }
      fixture.flush();
      fixture.awaitLanded("landing-plugin-it", Duration.ofSeconds(90));

      List<String> landed = new ArrayList<>();
      ParquetFormat parquet = new ParquetFormat("zstd");
      for (ObjectStore.Entry o : fixture.store.list("plugin-it/events/v1/format=parquet/")) {
        parquet
            .decode(fixture.store.get(o.key()).orElseThrow())
            .forEach(e -> landed.add(LandingFixture.identity(e)));
      }
      assertThat(landed).containsExactlyInAnyOrderElementsOf(produced);
    } finally {
      worker.destroy();
      worker.waitFor(30, TimeUnit.SECONDS);
      worker.destroyForcibly();
      EmbeddedStackExtension.deleteRecursively(dir);
    }
  }

  private static void awaitRest(String url, Process worker, Path dir) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(worker.isAlive())
          .as("plugin worker died; log: %s", Files.readString(dir.resolve("worker.log")))
          .isTrue();
      try {
        if (http.send(
                HttpRequest.newBuilder(URI.create(url + "/connector-plugins")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body()
            .contains(LandingSinkConnector.class.getName())) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(300);
    }
    throw new AssertionError(
        "plugin worker did not list the landing connector; log: "
            + Files.readString(dir.resolve("worker.log")));
  }
}
