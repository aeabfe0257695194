package io.heatlab.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.landing.LandingConfig;
import io.heatlab.landing.LandingSinkConnector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates or updates the landing connector on a Connect worker ({@code PUT
 * /connectors/<name>/config}, idempotent), from heatlab's settings. The storage secret never
 * appears in the connector's config: it is a config-provider reference — {@code ${file:…}} to a
 * 0600 file under the data directory in the embedded profile, {@code
 * ${env:HEATLAB_LANDING_STORAGE_SECRET_KEY}} in the Connect container of the compose profile.
 */
public final class LandingDeployment {
  public static final String SECRETS_FILE = "landing-secrets.properties";

  /**
   * The environment variable an external Connect worker holds the landing secret in (compose: the
   * only one its {@code env} config provider may read).
   */
  public static final String WORKER_SECRET_ENV = "HEATLAB_LANDING_STORAGE_SECRET_KEY";

  private static final ObjectMapper JSON = new ObjectMapper();

  private LandingDeployment() {}

  /**
   * The connector config for these settings; {@code secretsFile} is where the embedded secret
   * lives.
   */
  public static Map<String, String> connectorConfig(
      HeatlabConfig c, StackEndpoints endpoints, Path secretsFile) {
    String endpoint = c.getString(HeatlabConfig.LANDING_STORAGE_ENDPOINT);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("connector.class", LandingSinkConnector.class.getName());
    m.put("tasks.max", String.valueOf(c.getInt(HeatlabConfig.LANDING_TASKS)));
    m.put("topics", c.getString(HeatlabConfig.EVENTS_TOPIC));
    m.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    m.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    m.put("errors.tolerance", "all");
    m.put("errors.deadletterqueue.topic.name", c.getString(HeatlabConfig.LANDING_DLQ_TOPIC));
    m.put(
        "errors.deadletterqueue.topic.replication.factor",
        String.valueOf(c.getInt(HeatlabConfig.KAFKA_REPLICATION_FACTOR)));
    m.put("errors.deadletterqueue.context.headers.enable", "true");
    m.put("consumer.override.max.poll.records", "10000");
    m.put(LandingConfig.S3_ENDPOINT, endpoint.isBlank() ? endpoints.storageEndpoint() : endpoint);
    m.put(LandingConfig.S3_REGION, c.getString(HeatlabConfig.STORAGE_REGION));
    m.put(LandingConfig.S3_ACCESS_KEY, credentials(c).user());
    m.put(
        LandingConfig.S3_SECRET_KEY,
        c.embedded()
            ? "${file:" + secretsFile + ":" + LandingConfig.S3_SECRET_KEY + "}"
            : "${env:" + WORKER_SECRET_ENV + "}");
    m.put(LandingConfig.S3_BUCKET, c.getString(HeatlabConfig.STORAGE_BUCKET));
    for (String tunable : LandingConfig.TUNING.names()) { // landing.<name> as it is: declared once
      m.put(tunable, String.valueOf(c.values().get(HeatlabConfig.LANDING_PREFIX + tunable)));
    }
    // an early write at most once per commit interval: never rarer than Connect commits
    m.put(
        LandingConfig.CYCLE_MIN_INTERVAL_MS,
        String.valueOf(
            Math.min(
                c.getLong(HeatlabConfig.LANDING_PREFIX + LandingConfig.CYCLE_MIN_INTERVAL_MS),
                c.getLong(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS))));
    return m;
  }

  /** The secrets file's content for the embedded profile (written 0600 by the stack). */
  public static String secretsFileContent(HeatlabConfig c) {
    return LandingConfig.S3_SECRET_KEY + "=" + credentials(c).secret() + "\n";
  }

  /** The landing role's storage credentials (its own user where set, else the storage's). */
  static HeatlabConfig.Credentials credentials(HeatlabConfig c) {
    return c.credentials(
        HeatlabConfig.LANDING_STORAGE_ACCESS_KEY,
        HeatlabConfig.LANDING_STORAGE_SECRET_KEY,
        HeatlabConfig.STORAGE_ACCESS_KEY,
        HeatlabConfig.STORAGE_SECRET_KEY);
  }

  /** PUTs the config; throws with Connect's answer when it is refused. */
  public static void deploy(String connectUrl, String name, Map<String, String> config)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(connectUrl + "/connectors/" + name + "/config"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(config)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new IOException(
          "Connect refused the "
              + name
              + " connector config ("
              + r.statusCode()
              + "): "
              + r.body());
    }
  }

  /**
   * Pauses ({@code pause=true}) or resumes a connector ({@code PUT
   * /connectors/<name>/pause|resume}, Connect answers 202 and applies it within a moment); throws
   * with Connect's answer when refused.
   */
  public static void pause(String connectUrl, String name, boolean pause)
      throws IOException, InterruptedException {
    ConnectAdmin connect = new ConnectAdmin(connectUrl);
    if (pause) {
      connect.pause(name);
    } else {
      connect.resume(name);
    }
  }
}
