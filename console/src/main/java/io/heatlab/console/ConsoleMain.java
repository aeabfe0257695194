package io.heatlab.console;

import java.util.ArrayList;
import java.util.List;
import javafx.application.Application;

/**
 * Entry point of {@code ./heatlab console}. Deliberately not an {@link Application}: launched from
 * a plain classpath, a main class extending Application fails with "JavaFX runtime components are
 * missing". Accepts the CLI's option style ({@code --profile compose}) as well as JavaFX's ({@code
 * --profile=compose}).
 */
public final class ConsoleMain {
  private ConsoleMain() {}

  public static void main(String[] args) {
    Application.launch(HeatlabConsole.class, named(args));
  }

  /** {@code --key value} → {@code --key=value}, so JavaFX sees named parameters. */
  static String[] named(String[] args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")
          && !a.contains("=")
          && i + 1 < args.length
          && !args[i + 1].startsWith("--")) {
        out.add(a + "=" + args[++i]);
      } else {
        out.add(a);
      }
    }
    return out.toArray(String[]::new);
  }
}
