package io.heatlab.rollup;

import io.heatlab.config.HeatlabConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Spark's history server over the rollups' event logs ({@code <data>/spark/events}): what a
 * finished run did — its jobs, stages, SQL plans, task times — as Spark's own UI shows it. Run by
 * {@code ./heatlab spark-history} on a loopback port ({@code rollup.spark.history.port}, 18090);
 * the console's Rollups view links a finished run to {@link #appUrl}.
 */
public final class SparkHistory {
  private static final String MAIN = "org.apache.spark.deploy.history.HistoryServer";

  private SparkHistory() {}

  /** {@code http://127.0.0.1:<port>}. */
  public static String url(HeatlabConfig c) {
    return "http://127.0.0.1:" + c.getInt(HeatlabConfig.ROLLUP_SPARK_HISTORY_PORT);
  }

  /** The page of application {@code appId}'s jobs. */
  public static String appUrl(HeatlabConfig c, String appId) {
    return url(c) + "/history/" + appId + "/jobs/";
  }

  /** Whether a history server answers on the configured port (a quick probe). */
  public static boolean answers(HeatlabConfig c) {
    try {
      HttpResponse<Void> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofMillis(500))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url(c) + "/api/v1/version"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The history server's process, from the generated Spark home's jars, bound to 127.0.0.1, reading
   * the event logs every 5 s (its own heap: 512 MB).
   */
  public static ProcessBuilder process(HeatlabConfig c) throws IOException {
    Path home = SparkHome.generate(c.dataDir().resolve("spark/home"), SparkSettings.sparkJars(c));
    Path events = Files.createDirectories(SparkSettings.eventLogDir(c));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
    cmd.addAll(
        List.of(
            "-Xmx512m",
            "-cp",
            home.resolve("conf") + ":" + home.resolve("jars") + "/*",
            "-Dspark.history.fs.logDirectory=" + events.toUri(),
            "-Dspark.history.ui.port=" + c.getInt(HeatlabConfig.ROLLUP_SPARK_HISTORY_PORT),
            "-Dspark.history.fs.update.interval=5s",
            "-Dspark.ui.killEnabled=false",
            MAIN));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_HOME", home.toString());
    return pb;
  }
}
