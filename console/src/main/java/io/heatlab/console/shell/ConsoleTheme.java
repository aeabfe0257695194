package io.heatlab.console.shell;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.application.Application;

/**
 * The console's look: AtlantaFX's Primer theme, light or dark, for every view and dialog (the
 * console's own stylesheet only uses the theme's looked-up colours, so it follows). {@link
 * Mode#SYSTEM} follows the desktop's preference where it can be read (GNOME's {@code color-scheme},
 * a {@code GTK_THEME} ending in {@code :dark}), else light. The choice is kept in the prefs ({@code
 * console.theme}); the sidebar's switch changes it live.
 */
public final class ConsoleTheme {
  /** What the operator chose. */
  public enum Mode {
    SYSTEM,
    LIGHT,
    DARK;

    /** The mode named {@code name} (case-insensitive), else {@link #SYSTEM}. */
    public static Mode of(String name) {
      try {
        return name == null ? SYSTEM : valueOf(name.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return SYSTEM;
      }
    }
  }

  public static final String PREF = "console.theme";
  private static volatile boolean dark;

  private ConsoleTheme() {}

  /** Whether the theme applied last is the dark one. */
  public static boolean isDark() {
    return dark;
  }

  /** Whether {@code mode} paints dark on this desktop. */
  public static boolean dark(Mode mode) {
    return switch (mode) {
      case DARK -> true;
      case LIGHT -> false;
      case SYSTEM -> desktopPrefersDark();
    };
  }

  /** Applies {@code mode} to every window of the application (call on the FX thread). */
  public static void apply(Mode mode) {
    dark = dark(mode);
    Application.setUserAgentStylesheet(
        dark
            ? new PrimerDark().getUserAgentStylesheet()
            : new PrimerLight().getUserAgentStylesheet());
  }

  /**
   * The desktop's preference: {@code GTK_THEME=…:dark}, or GNOME's {@code gsettings get
   * org.gnome.desktop.interface color-scheme} answering {@code 'prefer-dark'}; false when neither
   * says so (or cannot be asked).
   */
  static boolean desktopPrefersDark() {
    String gtk = System.getenv("GTK_THEME");
    if (gtk != null) {
      return gtk.toLowerCase(Locale.ROOT).endsWith(":dark");
    }
    try {
      Process p =
          new ProcessBuilder("gsettings", "get", "org.gnome.desktop.interface", "color-scheme")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("dark");
    } catch (IOException e) {
      return false; // no gsettings: not a GNOME desktop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
