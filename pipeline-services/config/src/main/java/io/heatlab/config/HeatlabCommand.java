package io.heatlab.config;

/**
 * How the user runs heatlab here, for the messages that say what to type next: {@code ./heatlab}
 * from a checkout (the default), {@code heatlab} from the installed package, {@code bin/heatlab}
 * from a release archive — each launcher sets {@code -Dheatlab.command}.
 */
public final class HeatlabCommand {
  private HeatlabCommand() {}

  /** E.g. {@code ./heatlab}: "start it with " + name() + " up". */
  public static String name() {
    String name = System.getProperty("heatlab.command", "");
    return name.isBlank() ? "./heatlab" : name.strip();
  }
}
