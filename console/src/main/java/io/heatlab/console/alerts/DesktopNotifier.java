package io.heatlab.console.alerts;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises an alert as a desktop notification where the desktop has a command for it: {@code
 * notify-send} (libnotify: GNOME, KDE, most Linux desktops) or {@code osascript} on macOS. Without
 * one (a server, a CI machine) it does nothing: the banner and the Alerts view are the alert.
 */
public final class DesktopNotifier implements Consumer<Alerts.Alert> {
  private static final Logger LOG = LoggerFactory.getLogger(DesktopNotifier.class);
  private final Optional<Path> notifySend;
  private final boolean mac;

  private DesktopNotifier(Optional<Path> notifySend, boolean mac) {
    this.notifySend = notifySend;
    this.mac = mac;
  }

  /** The notifier of this desktop, or one that does nothing when {@code enabled} is false. */
  public static Consumer<Alerts.Alert> of(boolean enabled) {
    if (!enabled) {
      return a -> {};
    }
    boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac");
    return new DesktopNotifier(onPath("notify-send"), mac);
  }

  static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, command);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The command that shows {@code a}, empty when this desktop has none. */
  Optional<List<String>> command(Alerts.Alert a) {
    String title = "heatlab: " + a.title();
    if (notifySend.isPresent()) {
      return Optional.of(
          List.of(
              notifySend.get().toString(),
              "--app-name=heatlab",
              "--urgency=" + (a.severity() == Alerts.Severity.CRITICAL ? "critical" : "normal"),
              title,
              a.cause()));
    }
    if (mac) {
      return Optional.of(
          List.of(
              "osascript",
              "-e",
              "display notification " + quoted(a.cause()) + " with title " + quoted(title)));
    }
    return Optional.empty();
  }

  private static String quoted(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  @Override
  public void accept(Alerts.Alert a) {
    command(a)
        .ifPresent(
            cmd -> {
              try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.getInputStream().transferTo(OutputStream.nullOutputStream());
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                  p.destroyForcibly();
                }
              } catch (IOException e) {
                LOG.debug("desktop notification failed: {}", e.toString());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }
}
