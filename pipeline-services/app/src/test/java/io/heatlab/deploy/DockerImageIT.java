package io.heatlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image the Dockerfile builds, checked without a Docker engine from the files {@code mvn -Pdist
 * package} made (the test command builds them): it holds only the repo's own build, its entrypoint
 * runs the CLI from those jars alone, and its Spark jars and job jar are exactly the ones every
 * rollup test runs on. ({@code IngestServiceIT} runs the image's ingestion service against a real
 * broker.)
 */
class DockerImageIT {
  @TempDir static Path root;

  private static DockerImage image;

  @BeforeAll
  static void layOut() throws IOException {
    image = DockerImage.layOut(root);
  }

  @Test
  void theImageHoldsTheBuildsJarsSparkAndTheLandingPlugin() {
    assertThat(image.copied())
        .containsExactly(
            "/opt/spark/jars/",
            "/opt/heatlab/rollup-job.jar",
            "/opt/heatlab/lib/",
            "/opt/heatlab/plugins/");
    assertThat(image.path("/opt/heatlab/plugins/heatlab-landing")).isDirectory();
    assertThat(image.path("/opt/heatlab/lib").toFile().list())
        .anyMatch(n -> n.startsWith("heatlab-app-") && n.endsWith("-dist.jar"));
  }

  @Test
  void theEntrypointRunsTheCliFromTheImagesJarsAlone() throws Exception {
    String help = run(image.run()); // CMD: --help
    assertThat(help).contains("ingest", "rollup", "up", "status");
    ProcessBuilder compose = image.run("config", "--profile", "compose");
    compose
        .environment()
        .put("HEATLAB_STORAGE_SECRET_KEY", "s3cr3t-from-the-environment"); // as compose passes it
    String config = run(compose);
    assertThat(config)
        .contains("rollup.spark.home.jars=" + image.path("/opt/spark/jars"))
        .contains("rollup.spark.job.jar=" + image.path("/opt/heatlab/rollup-job.jar"))
        .contains("storage.secret.key=[hidden]")
        .doesNotContain("s3cr3t-from-the-environment");
  }

  @Test
  void theImagesSparkIsWhatTheRollupTestsRunOn() throws IOException {
    // the rollup tests' SPARK_HOME is built from this list (SparkHome, rollup.spark.home.jars
    // empty)
    String tested =
        Files.readString(DockerImage.REPO.resolve("rollup-job/target/spark-home.classpath"))
            .strip();
    TreeSet<String> testedJars =
        new TreeSet<>(
            Arrays.stream(tested.split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString())
                .toList());
    try (Stream<Path> files = Files.list(image.path("/opt/spark/jars"))) {
      assertThat(new TreeSet<>(files.map(p -> p.getFileName().toString()).toList()))
          .isEqualTo(testedJars);
    }
    assertThat(
            Files.mismatch(
                image.path("/opt/heatlab/rollup-job.jar"),
                DockerImage.REPO.resolve("rollup-job/target/heatlab-rollup-job.jar")))
        .isEqualTo(-1L);
  }

  private static String run(ProcessBuilder builder) throws Exception {
    Process p = builder.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s%n%s", List.copyOf(builder.command()), out).isZero();
    return out;
  }
}
