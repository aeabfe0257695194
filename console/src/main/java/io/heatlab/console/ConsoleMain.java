package io.heatlab.console;

import javafx.application.Application;

/**
 * Entry point of {@code ./heatlab console}. Deliberately not an {@link Application}: launched from a
 * plain classpath, a main class extending Application fails with "JavaFX runtime components are missing".
 */
public final class ConsoleMain {
  private ConsoleMain() {}

  public static void main(String[] args) {
    Application.launch(HeatlabConsole.class, args);
  }
}
