package io.heatlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

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

  /** The compose file as docker compose reads it: anchors and merge keys ({@code <<:}) resolved. */
  private static JsonNode compose() throws Exception {
    Object doc = new Yaml().load(Files.readString(COMPOSE.resolve("docker-compose.yml")));
    return new ObjectMapper().valueToTree(doc);
  }

  @Test
  void everyImageIsPinnedAndEveryServiceIsBounded() throws Exception {
    JsonNode services = compose().get("services");
    assertThat(services.fieldNames())
        .toIterable()
        .contains(
            "kafka-1",
            "kafka-2",
            "kafka-3",
            "connect-1",
            "connect-2",
            "minio",
            "minio-init",
            "clickhouse",
            "spark-master",
            "spark-worker-1",
            "spark-worker-2",
            "heatlab",
            "ingest",
            "redis",
            "balancer");
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
    services
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("minio-init")) { // a one-shot job
                assertThat(e.getValue().has("healthcheck"))
                    .as("%s has a healthcheck", e.getKey())
                    .isTrue();
              }
            });
  }

  /** The balancer is the only service published on every interface; operator ports on loopback. */
  /**
   * The cluster profile's topology (docs/cluster.md): 3 Kafka nodes of one quorum, every topic
   * replicated 3 times with min.insync.replicas 2; 2 Connect workers of one group, each advertising
   * its own address; 2 Spark workers; 2 ingestion replicas.
   */
  @Test
  void theTopologyIsTheClusterProfiles() throws Exception {
    JsonNode services = compose().get("services");
    Set<String> nodeIds = new HashSet<>();
    for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
      Map<String, String> env = environment(services.path(broker));
      nodeIds.add(env.get("KAFKA_NODE_ID"));
      assertThat(env)
          .containsEntry(
              "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
          .containsEntry("CLUSTER_ID", "${KAFKA_CLUSTER_ID}");
      assertThat(env.get("KAFKA_ADVERTISED_LISTENERS"))
          .startsWith("INTERNAL://" + broker + ":19092,");
    }
    assertThat(nodeIds).containsExactlyInAnyOrder("1", "2", "3");
    assertThat(environment(services.path("heatlab")))
        .containsEntry(
            "HEATLAB_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:19092,kafka-2:19092,kafka-3:19092")
        .containsEntry("HEATLAB_KAFKA_REPLICATION_FACTOR", "3");
    Properties connect = new Properties();
    try (var in =
        Files.newBufferedReader(COMPOSE.resolve("connect/connect-distributed.properties"))) {
      connect.load(in);
    }
    assertThat(connect)
        .containsEntry("config.storage.replication.factor", "3")
        .containsEntry("offset.storage.replication.factor", "3")
        .containsEntry("status.storage.replication.factor", "3")
        .containsEntry("listeners", "http://:8083")
        .doesNotContainKey("rest.advertised.host.name");
    assertThat(services.has("connect-1") && services.has("connect-2")).isTrue();
    assertThat(services.path("spark-worker-2").path("entrypoint"))
        .isEqualTo(services.path("spark-worker-1").path("entrypoint"));
    assertThat(services.path("ingest").path("deploy").path("replicas").asInt()).isEqualTo(2);
  }

  @Test
  void onlyTheBalancerIsPublicAndOperatorPortsAreOnLoopback() throws Exception {
    JsonNode services = compose().get("services");
    List<String> published = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e ->
                e.getValue()
                    .path("ports")
                    .forEach(
                        port -> {
                          String mapping = port.asText();
                          if (e.getKey().equals("balancer")) {
                            assertThat(mapping).isEqualTo("${HTTP_PORT}:8080");
                          } else {
                            assertThat(mapping)
                                .as("%s publishes %s on loopback only", e.getKey(), mapping)
                                .startsWith("127.0.0.1:");
                          }
                          published.add(e.getKey());
                        }));
    assertThat(published)
        .as("Connect's REST API, heatlab, the ingest replicas and Redis publish nothing")
        .doesNotContain(
            "connect-1",
            "connect-2",
            "heatlab",
            "ingest",
            "redis",
            "spark-worker-1",
            "spark-worker-2")
        .contains("balancer");
    assertThat(services.path("ingest").has("container_name"))
        .as("ingest scales: no fixed container name")
        .isFalse();
    String haproxy = Files.readString(COMPOSE.resolve("haproxy/haproxy.cfg"));
    assertThat(haproxy)
        .contains("use_backend ingest if ingest_path")
        .contains("acl ingest_path path /v1/batches")
        .containsPattern("server-template \\S+ \\d+ ingest:8080 check")
        .contains("resolvers docker");
    String haproxyBinary = "/usr/sbin/haproxy";
    if (new File(haproxyBinary).canExecute()) { // Debian's haproxy (./heatlab test installs it)
      Process p =
          new ProcessBuilder(haproxyBinary, "-c", "-f", "haproxy/haproxy.cfg")
              .directory(COMPOSE.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
    }
  }

  /** Every ingestion instance and the heatlab service share one de-duplication store. */
  @Test
  void everyInstanceThatAcceptsBatchesSharesRedis() throws Exception {
    JsonNode services = compose().get("services");
    for (String s : List.of("ingest", "heatlab")) {
      assertThat(
              services.path(s).path("environment").path("HEATLAB_INGEST_DEDUP_REDIS_URL").asText())
          .as("%s uses the shared Redis", s)
          .startsWith("redis://:${REDIS_PASSWORD")
          .endsWith("@redis:6379");
    }
    assertThat(services.path("redis").path("entrypoint").toString())
        .contains("requirepass")
        .contains("--appendonly yes")
        .contains("noeviction");
  }

  /**
   * Secrets ship empty and compose refuses to start without them; each role has its own identity;
   * nothing but MinIO and its init job sees MinIO's root account.
   */
  @Test
  void secretsAreRequiredAndEachRoleHasItsOwnCredentials() throws Exception {
    Properties env = dotEnv();
    String yaml = Files.readString(COMPOSE.resolve("docker-compose.yml"));
    List<String> secrets =
        env.stringPropertyNames().stream()
            .filter(k -> k.matches(".*(PASSWORD|SECRET|READ_KEYS|WRITE_KEYS).*"))
            .sorted()
            .toList();
    assertThat(secrets)
        .contains(
            "MINIO_ROOT_PASSWORD",
            "MINIO_LANDING_SECRET",
            "MINIO_SPARK_SECRET",
            "MINIO_APP_SECRET",
            "CLICKHOUSE_WRITER_PASSWORD",
            "CLICKHOUSE_READER_PASSWORD",
            "REDIS_PASSWORD",
            "HEATLAB_READ_KEYS",
            "HEATLAB_WRITE_KEYS");
    for (String secret : secrets) {
      assertThat(env.getProperty(secret)).as("%s ships empty in .env", secret).isEmpty();
      Matcher uses = Pattern.compile("\\$\\{" + secret + "([^}]*)}").matcher(yaml);
      int n = 0;
      while (uses.find()) {
        assertThat(uses.group(1))
            .as("every use of %s is required (${%s:?…})", secret, secret)
            .startsWith(":?");
        n++;
      }
      assertThat(n).as("%s is used", secret).isPositive();
    }
    JsonNode services = compose().get("services");
    services
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().startsWith("minio")) {
                assertThat(e.getValue().toString())
                    .as("%s never sees MinIO's root account", e.getKey())
                    .doesNotContain("MINIO_ROOT");
              }
            });
    Map<String, String> heatlab = environment(services.path("heatlab"));
    assertThat(heatlab)
        .containsEntry("HEATLAB_STORAGE_ACCESS_KEY", "heatlab-app")
        .containsEntry("HEATLAB_LANDING_STORAGE_ACCESS_KEY", "heatlab-landing")
        .containsEntry("HEATLAB_ROLLUP_SPARK_STORAGE_ACCESS_KEY", "heatlab-spark")
        .containsEntry("HEATLAB_CLICKHOUSE_USER", "heatlab_writer")
        .containsEntry("HEATLAB_QUERY_CLICKHOUSE_USER", "heatlab_reader");
    for (String worker : List.of("spark-worker-1", "spark-worker-2")) {
      assertThat(services.path(worker).path("environment").path("AWS_ACCESS_KEY_ID").asText())
          .isEqualTo("heatlab-spark");
    }
    assertThat(environment(services.path("ingest")).keySet().toString())
        .as("ingest holds no storage, ClickHouse or read credential")
        .doesNotContain("STORAGE", "CLICKHOUSE", "READ_KEYS");
    String init = Files.readString(COMPOSE.resolve("minio/init.sh"));
    for (String role : List.of("heatlab-landing", "heatlab-spark", "heatlab-app")) {
      assertThat(COMPOSE.resolve("minio/policies/" + role + ".json")).exists();
      assertThat(init).containsPattern("role " + role + " \"\\$MINIO_[A-Z]+_SECRET\"");
    }
    JsonNode app =
        new ObjectMapper().readTree(COMPOSE.resolve("minio/policies/heatlab-app.json").toFile());
    app.path("Statement")
        .forEach(
            st -> {
              if (st.toString().contains("s3:PutObject")) {
                assertThat(st.path("Resource").toString())
                    .as("heatlab-app writes only aggregates/ pointers and screens/")
                    .doesNotContain("events/", "_landing/", "heatlab-raw/*");
              }
            });
    assertThat(services.path("clickhouse").path("environment").toString())
        .doesNotContain("ACCESS_MANAGEMENT")
        .contains("CLICKHOUSE_SKIP_USER_SETUP");
    String users = Files.readString(COMPOSE.resolve("clickhouse/users.d/heatlab.xml"));
    assertThat(users)
        .contains("<heatlab_writer>", "<heatlab_reader>", "GRANT SELECT ON heatlab.*")
        .doesNotContain("<access_management>1")
        .doesNotContainPattern("GRANT [^<]* ON \\*\\.\\*");
  }

  /**
   * Connect's config providers: only the env provider, and it reads only the landing secret — a
   * connector config asking for another variable gets nothing (checked with Kafka's own provider).
   */
  @Test
  void connectsConfigProviderReadsOnlyTheLandingSecret() throws Exception {
    Properties worker = new Properties();
    try (var in =
        Files.newBufferedReader(COMPOSE.resolve("connect/connect-distributed.properties"))) {
      worker.load(in);
    }
    assertThat(worker.getProperty("config.providers")).isEqualTo("env");
    String prefix = "config.providers.env.param.";
    Map<String, Object> params = new HashMap<>();
    worker.stringPropertyNames().stream()
        .filter(k -> k.startsWith(prefix))
        .forEach(k -> params.put(k.substring(prefix.length()), worker.getProperty(k)));
    try (EnvVarConfigProvider provider =
        new EnvVarConfigProvider(
            Map.of(
                "HEATLAB_LANDING_STORAGE_SECRET_KEY", "landing-secret",
                "MINIO_ROOT_PASSWORD", "root-secret",
                "AWS_SECRET_ACCESS_KEY", "other-secret"))) {
      provider.configure(params);
      assertThat(provider.get("", Set.of("HEATLAB_LANDING_STORAGE_SECRET_KEY")).data())
          .containsEntry("HEATLAB_LANDING_STORAGE_SECRET_KEY", "landing-secret");
      assertThat(provider.get("", Set.of("MINIO_ROOT_PASSWORD", "AWS_SECRET_ACCESS_KEY")).data())
          .isEmpty();
      assertThat(provider.get("").data()).containsOnlyKeys("HEATLAB_LANDING_STORAGE_SECRET_KEY");
    }
    for (String connectWorker : List.of("connect-1", "connect-2")) {
      assertThat(
              compose()
                  .path("services")
                  .path(connectWorker)
                  .path("environment")
                  .path("KAFKA_OPTS")
                  .asText())
          .contains(
              "-Dorg.apache.kafka.automatic.config.providers=org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    }
  }

  /** A service's environment (merge keys such as {@code <<: *ingest-env} applied). */
  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    JsonNode e = service.path("environment");
    e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
    return env;
  }

  private static Properties dotEnv() throws Exception {
    Properties env = new Properties();
    try (var in = Files.newBufferedReader(COMPOSE.resolve(".env"))) {
      env.load(in);
    }
    return env;
  }

  @Test
  void variablesComeFromDotEnvAndNoSecretIsWrittenDown() throws Exception {
    String yaml = Files.readString(COMPOSE.resolve("docker-compose.yml"));
    Properties env = dotEnv();
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
  void dockerComposeRefusesEmptySecretsAndAcceptsTheFileWithThem(@TempDir Path tmp)
      throws Exception {
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
    String shipped = dockerComposeConfig(binary, COMPOSE.resolve(".env"));
    assertThat(shipped)
        .as("the .env as shipped (empty secrets) is refused, naming what to set")
        .startsWith("exit 1")
        .containsPattern("set [A-Z_]+ in compose/.env");
    // the same file with every secret set, as an operator would
    StringBuilder filled = new StringBuilder();
    SecureRandom random = new SecureRandom();
    for (String line : Files.readAllLines(COMPOSE.resolve(".env"))) {
      if (line.matches("[A-Z_]*(PASSWORD|SECRET)[A-Z_]*=")) {
        line += HexFormat.of().formatHex(random.generateSeed(24));
      } else if (line.matches("HEATLAB_(READ|WRITE)_KEYS=")) {
        line += "demo=" + HexFormat.of().formatHex(random.generateSeed(24));
      }
      filled.append(line).append('\n');
    }
    Path env = tmp.resolve("filled.env");
    Files.writeString(env, filled);
    assertThat(dockerComposeConfig(binary, env)).startsWith("exit 0");
  }

  private static String dockerComposeConfig(String binary, Path envFile) throws Exception {
    Process p =
        new ProcessBuilder(
                binary,
                "--env-file",
                envFile.toString(),
                "-f",
                "docker-compose.yml",
                "config",
                "-q")
            .directory(COMPOSE.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return "exit " + p.exitValue() + ": " + output;
  }
}
