package io.heatlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * compose/docker-compose.yml, compose/.env and the Dockerfile, checked without a Docker engine:
 * every image tag pinned, healthchecks and memory limits where they belong, every variable defined
 * in .env, no secret written into the compose file, named volumes declared, the Dockerfile copying
 * only what the build's dist profile makes; and, where Debian's docker-compose is installed
 * (./heatlab test installs it), {@code docker-compose config}.
 */
class ComposeFilesTest {
  private static final Path ROOT = DockerImage.REPO;
  private static final Path COMPOSE = ROOT.resolve("compose");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)[^}]*}");

  private static JsonNode compose() throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readTree(COMPOSE.resolve("docker-compose.yml").toFile());
  }

  @Test
  void everyImageIsPinnedAndEveryServiceIsBounded() throws Exception {
    JsonNode services = compose().get("services");
    assertThat(services.fieldNames())
        .toIterable()
        .contains(
            "kafka",
            "connect",
            "minio",
            "minio-init",
            "clickhouse",
            "spark-master",
            "spark-worker",
            "heatlab",
            "ingest");
    services
        .fields()
        .forEachRemaining(
            e -> {
              String image = e.getValue().path("image").asText();
              assertThat(image).as("%s has an image", e.getKey()).isNotEmpty();
              String tag = image.substring(image.lastIndexOf(':') + 1);
              assertThat(image).as("%s: a pinned tag", e.getKey()).contains(":");
              assertThat(tag)
                  .as("%s: not a moving tag", e.getKey())
                  .isNotEqualTo("latest")
                  .matches(".*\\d+\\.\\d+.*|RELEASE\\..*");
              if (!e.getKey().equals("minio-init")) {
                assertThat(e.getValue().has("mem_limit"))
                    .as("%s has a memory limit", e.getKey())
                    .isTrue();
                assertThat(e.getValue().path("restart").asText())
                    .as("%s restarts", e.getKey())
                    .isEqualTo("unless-stopped");
              }
            });
    for (String s : List.of("kafka", "connect", "minio", "clickhouse", "spark-master", "heatlab")) {
      assertThat(services.get(s).has("healthcheck")).as("%s has a healthcheck", s).isTrue();
    }
  }

  @Test
  void variablesComeFromDotEnvAndNoSecretIsWrittenDown() throws Exception {
    String yaml = Files.readString(COMPOSE.resolve("docker-compose.yml"));
    Properties env = new Properties();
    try (var in = Files.newBufferedReader(COMPOSE.resolve(".env"))) {
      env.load(in);
    }
    Matcher m = VARIABLE.matcher(yaml);
    Set<String> used = new HashSet<>();
    while (m.find()) {
      used.add(m.group(1));
    }
    assertThat(used).isNotEmpty();
    assertThat(env.stringPropertyNames())
        .as("every ${VAR} of the compose file is in .env")
        .containsAll(used);
    for (String line : yaml.split("\n")) {
      String l = line.strip();
      if (l.matches("[A-Z_]*(PASSWORD|SECRET|WRITE_KEYS)[A-Z_]*:.*")) {
        assertThat(l.substring(l.indexOf(':') + 1).strip()).as(l).startsWith("${");
      }
    }
    JsonNode doc = compose();
    Set<String> volumes = new HashSet<>();
    doc.get("volumes").fieldNames().forEachRemaining(volumes::add);
    doc.get("services")
        .forEach(
            s ->
                s.path("volumes")
                    .forEach(
                        v -> {
                          String source = v.asText().split(":")[0];
                          if (!source.startsWith(".") && !source.startsWith("/")) {
                            assertThat(volumes)
                                .as("named volume %s declared", source)
                                .contains(source);
                          } else if (!source.contains("/target/")) {
                            assertThat(COMPOSE.resolve(source).normalize())
                                .as("bind mount source")
                                .exists();
                          }
                        }));
  }

  @Test
  void theDockerfileCopiesWhatTheBuildMakes() throws Exception {
    List<String> sources = new ArrayList<>();
    for (String line : DockerImage.instructions(Files.readAllLines(ROOT.resolve("Dockerfile")))) {
      if (line.startsWith("COPY ")) {
        sources.add(line.split("\\s+")[1]);
      }
      if (line.startsWith("FROM ")) {
        assertThat(line).as("pinned base image").matches("FROM [^:]+:\\d+\\.\\d+\\.\\d+.*");
      }
    }
    assertThat(sources).isNotEmpty();
    for (String src : sources) {
      assertThat(src).as("COPY from a module's target/").matches("[a-z-]+(/[a-z-]+)?/target/.+");
      String module = src.substring(0, src.indexOf("/target/"));
      String produced =
          src.substring(src.indexOf("target/") + "target/".length()).replaceAll("/$", "");
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
      String first =
          produced.contains("/") ? produced.substring(0, produced.indexOf('/')) : produced;
      assertThat(
              pom.contains("${project.build.directory}/" + first)
                  || pom.contains("<finalName>" + first.replace(".jar", "")))
          .as("%s is made by %s/pom.xml", src, module)
          .isTrue();
    }
  }

  @Test
  void dockerComposeAcceptsTheFile() throws Exception {
    String binary =
        List.of("/usr/bin/docker-compose", "/usr/local/bin/docker-compose").stream()
            .filter(p -> new File(p).canExecute())
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        binary != null || System.getenv("CI") != null,
        "docker-compose is installed by ./heatlab test");
    assertThat(binary)
        .as("docker-compose (Debian package docker-compose; ./heatlab test installs it)")
        .isNotNull();
    Process p =
        new ProcessBuilder(binary, "-f", "docker-compose.yml", "config", "-q")
            .directory(COMPOSE.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
  }
}
