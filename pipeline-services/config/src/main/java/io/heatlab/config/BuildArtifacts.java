package io.heatlab.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Files the build puts in place that heatlab runs apart from its own classpath (the S3Proxy jar,
 * the Spark rollup job and its SPARK_HOME jar list). Their absolute paths are written by the build
 * (resource filtering) into {@code heatlab/stack-artifacts.properties}; settings can point
 * elsewhere.
 */
public final class BuildArtifacts {
  private BuildArtifacts() {}

  /**
   * Where an installed heatlab (the package, {@code heatlab.home} = its directory) holds each
   * artifact, relative to {@code heatlab.home}: the release archive's layout.
   */
  private static final Map<String, String> INSTALLED =
      Map.of(
          "s3proxy.jar", "stack/s3proxy.jar",
          "rollup.job.jar", "spark/heatlab-rollup-job.jar",
          "spark.home.classpath", "spark/jars");

  /**
   * The artifact's path: inside {@code heatlab.home} when it is there (an installed package), else
   * the path the build recorded, or "" when it recorded none.
   */
  public static String path(String key) {
    String home = System.getProperty("heatlab.home");
    if (home != null && !home.isBlank() && INSTALLED.containsKey(key)) {
      Path installed = Path.of(home).resolve(INSTALLED.get(key)).normalize();
      if (Files.exists(installed)) {
        return installed.toString();
      }
    }
    try (InputStream in =
        BuildArtifacts.class
            .getClassLoader()
            .getResourceAsStream("heatlab/stack-artifacts.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "heatlab/stack-artifacts.properties missing from the classpath: rebuild (./heatlab does)");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty(key, "");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read heatlab/stack-artifacts.properties: " + e.getMessage(), e);
    }
  }
}
