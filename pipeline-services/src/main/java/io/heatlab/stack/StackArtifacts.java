package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Files the build puts in place for the embedded stack that must not be on heatlab's own classpath
 * (S3Proxy shades its own Jetty). Their locations are written by the build into
 * {@code heatlab/stack-artifacts.properties}; settings can point elsewhere.
 */
final class StackArtifacts {
  private StackArtifacts() {}

  static Path s3proxyJar(HeatlabConfig config) throws StackException {
    String configured = config.getString(HeatlabConfig.STORAGE_S3PROXY_JAR);
    Path jar = Path.of(configured.isBlank() ? built("s3proxy.jar") : configured);
    if (!Files.isRegularFile(jar)) {
      throw new StackException("S3Proxy jar not found at " + jar
          + ": run ./heatlab (it builds it) or `mvn -pl pipeline-services package`, or set "
          + HeatlabConfig.STORAGE_S3PROXY_JAR);
    }
    return jar;
  }

  private static String built(String key) throws StackException {
    try (InputStream in = StackArtifacts.class.getClassLoader().getResourceAsStream("heatlab/stack-artifacts.properties")) {
      if (in == null) {
        throw new StackException("heatlab/stack-artifacts.properties missing from the classpath: rebuild pipeline-services");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty(key, "");
    } catch (IOException e) {
      throw new StackException("Cannot read heatlab/stack-artifacts.properties: " + e.getMessage(), e);
    }
  }
}
