package io.heatlab.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Files the build puts in place that heatlab runs apart from its own classpath (the S3Proxy jar,
 * the Spark rollup job and its SPARK_HOME jar list). Their absolute paths are written by the build
 * (resource filtering) into {@code heatlab/stack-artifacts.properties}; settings can point
 * elsewhere.
 */
public final class BuildArtifacts {
  private BuildArtifacts() {}

  /** The path the build recorded for {@code key}, or "" when it recorded none. */
  public static String path(String key) {
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
