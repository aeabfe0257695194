package io.heatlab.console;

import io.heatlab.cli.CommandPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Contributes {@code heatlab console} to the CLI where the console is on the classpath (the
 * installed package; the repository's {@code ./heatlab console} starts {@link ConsoleMain} itself):
 * the operator console in a window, with the console's own options ({@code --profile compose}).
 */
public final class ConsolePlugin implements CommandPlugin {
  @Override
  public Object command() {
    return new ConsoleCommand();
  }

  @Command(
      name = "console",
      description =
          "The operator console (JavaFX): starts or connects to the stack, lag, storage, rollups,"
              + " heatmaps over screenshots, simulated traffic. Needs a display.")
  static final class ConsoleCommand implements Callable<Integer> {
    /**
     * The console's options as given, in order ({@code --profile compose --theme dark}): picocli
     * knows none of them, so every one — option and value alike — lands here in sequence.
     */
    @Unmatched List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
      if (isBlank(System.getenv("DISPLAY")) && isBlank(System.getenv("WAYLAND_DISPLAY"))) {
        System.err.println(
            "heatlab console: the console needs a display (DISPLAY is not set): run it on a"
                + " desktop, headless use heatlab demo, or xvfb-run -a heatlab console");
        return 2;
      }
      ConsoleMain.main(arguments.toArray(String[]::new)); // returns when the window is closed
      return 0;
    }

    private static boolean isBlank(String s) {
      return s == null || s.isBlank();
    }
  }
}
