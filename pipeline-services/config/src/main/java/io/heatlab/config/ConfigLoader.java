package io.heatlab.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link HeatlabConfig} from, in increasing precedence:
 *
 * <ol>
 *   <li>the defaults declared in {@link HeatlabConfig#DEFINITION};
 *   <li>the profile file {@code conf/<profile>.properties} on the classpath (profile from {@code
 *       --profile}, else {@code HEATLAB_PROFILE}, else {@code embedded});
 *   <li>an optional user file ({@code --config FILE} or {@code HEATLAB_CONFIG});
 *   <li>environment variables {@code HEATLAB_<KEY>}: the setting's name upper-cased with dots as
 *       underscores, e.g. {@code HEATLAB_KAFKA_PORT} for {@code kafka.port}.
 * </ol>
 *
 * Unknown {@code HEATLAB_*} variables are reported once as a warning (a typo must not pass
 * silently).
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  private static final String ENV_PREFIX = "HEATLAB_";

  /** Environment variables of the launcher itself, not settings. */
  private static final Set<String> NOT_SETTINGS =
      Set.of(
          "HEATLAB_CONFIG",
          "HEATLAB_HOME",
          "HEATLAB_JAVA_OPTS",
          "HEATLAB_LOG_LEVEL",
          "HEATLAB_PROFILE",
          "HEATLAB_SKIP_BUILD",
          "HEATLAB_SKIP_INSTALL");

  private ConfigLoader() {}

  public static HeatlabConfig load(String profileOrNull, Path userFileOrNull) {
    return load(profileOrNull, userFileOrNull, System.getenv());
  }

  public static HeatlabConfig load(
      String profileOrNull, Path userFileOrNull, Map<String, String> env) {
    String profile = firstNonBlank(profileOrNull, env.get("HEATLAB_PROFILE"), "embedded");
    Map<String, String> values = new LinkedHashMap<>(profileFile(profile));
    Path userFile =
        userFileOrNull != null
            ? userFileOrNull
            : env.containsKey("HEATLAB_CONFIG") ? Path.of(env.get("HEATLAB_CONFIG")) : null;
    if (userFile != null) {
      values.putAll(readFile(userFile));
    }
    values.putAll(fromEnvironment(env));
    values.put(HeatlabConfig.PROFILE, profile);
    return new HeatlabConfig(values);
  }

  static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (String key : HeatlabConfig.DEFINITION.names()) {
      byEnvName.put(envName(key), key);
    }
    Map<String, String> values = new LinkedHashMap<>();
    env.forEach(
        (name, value) -> {
          if (!name.startsWith(ENV_PREFIX) || NOT_SETTINGS.contains(name)) {
            return;
          }
          String key = byEnvName.get(name);
          if (key == null) {
            LOG.warn(
                "Ignoring environment variable {}: no heatlab setting is called {}",
                name,
                name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
          } else {
            values.put(key, value);
          }
        });
    return values;
  }

  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private static Map<String, String> profileFile(String profile) {
    if (!profile.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException(
          "Profile '" + profile + "' is not a profile name: use embedded, cluster or compose");
    }
    String resource = "conf/" + profile + ".properties";
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "Unknown profile '" + profile + "': use embedded, cluster or compose");
      }
      Properties props = new Properties();
      props.load(in);
      return toMap(props);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + resource, e);
    }
  }

  private static Map<String, String> readFile(Path file) {
    try (Reader in = Files.newBufferedReader(file)) {
      Properties props = new Properties();
      props.load(in);
      return toMap(props);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> toMap(Properties props) {
    Map<String, String> map = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k).trim()));
    return map;
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    throw new IllegalArgumentException("no value");
  }
}
