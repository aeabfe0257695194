package io.heatlab.console.shell;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console remembers between runs — window geometry, the last view, each view's last
 * choices — in {@code <data dir>/console/prefs.properties} (one file per data directory, so two
 * stacks on one machine keep theirs apart). Written atomically on {@link #save()}; a missing or
 * unreadable file means defaults.
 */
public final class ConsolePrefs {
  private static final Logger LOG = LoggerFactory.getLogger(ConsolePrefs.class);
  private final Path file;
  private final Properties values = new Properties();

  public ConsolePrefs(Path file) {
    this.file = file;
    if (Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file)) {
        values.load(r);
      } catch (IOException | IllegalArgumentException e) {
        LOG.warn("ignoring unreadable console preferences {}: {}", file, e.toString());
      }
    }
  }

  public static ConsolePrefs in(Path dataDir) {
    return new ConsolePrefs(dataDir.resolve("console").resolve("prefs.properties"));
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.getProperty(key));
  }

  public String get(String key, String fallback) {
    return values.getProperty(key, fallback);
  }

  public double getDouble(String key, double fallback) {
    try {
      return Double.parseDouble(values.getProperty(key, String.valueOf(fallback)));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  public void put(String key, Object value) {
    if (value == null) {
      values.remove(key);
    } else {
      values.setProperty(key, String.valueOf(value));
    }
  }

  public synchronized void save() {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp)) {
        values.store(w, "heatlab console preferences");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("cannot save console preferences to {}: {}", file, e.toString());
    }
  }

  public Path file() {
    return file;
  }
}
