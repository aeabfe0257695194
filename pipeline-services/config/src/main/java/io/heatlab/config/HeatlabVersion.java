package io.heatlab.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * heatlab's version: the parent POM's, written into {@code heatlab/version.properties} by the
 * build, so that {@code heatlab --version}, the console's About and the packages all say the same.
 */
public final class HeatlabVersion {
  private static final String VERSION = load();

  private HeatlabVersion() {}

  /** E.g. {@code 0.1.0-SNAPSHOT}; "unknown" when the build wrote none. */
  public static String get() {
    return VERSION;
  }

  /**
   * The Java runtime heatlab runs on, e.g. {@code Java 17.0.15 (Debian) at /usr/lib/jvm/…}: the
   * installed package's is its own, under {@code /opt/heatlab/lib/runtime}.
   */
  public static String runtime() {
    return "Java "
        + System.getProperty("java.runtime.version", System.getProperty("java.version"))
        + " ("
        + System.getProperty("java.vendor", "unknown vendor")
        + ") at "
        + System.getProperty("java.home");
  }

  private static String load() {
    try (InputStream in =
        HeatlabVersion.class.getClassLoader().getResourceAsStream("heatlab/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      return v.isBlank() || v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
