package io.heatlab.stack;

import io.heatlab.config.BuildArtifacts;
import io.heatlab.config.HeatlabConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The S3Proxy jar of the embedded stack (it must not be on heatlab's classpath: it shades its own
 * Jetty).
 */
public final class StackArtifacts {
  private StackArtifacts() {}

  /** The configured S3Proxy jar, else the build's (or the installed package's). */
  public static Path s3proxyJarPath(HeatlabConfig config) throws StackException {
    String configured = config.getString(HeatlabConfig.STORAGE_S3PROXY_JAR);
    return Path.of(configured.isBlank() ? built("s3proxy.jar") : configured);
  }

  static Path s3proxyJar(HeatlabConfig config) throws StackException {
    Path jar = s3proxyJarPath(config);
    if (!Files.isRegularFile(jar)) {
      throw new StackException(
          "S3Proxy jar not found at "
              + jar
              + ": run ./heatlab (it builds it) or `mvn -pl pipeline-services package`, or set "
              + HeatlabConfig.STORAGE_S3PROXY_JAR);
    }
    return jar;
  }

  private static String built(String key) throws StackException {
    try {
      return BuildArtifacts.path(key);
    } catch (RuntimeException e) {
      throw new StackException(e.getMessage(), e);
    }
  }
}
