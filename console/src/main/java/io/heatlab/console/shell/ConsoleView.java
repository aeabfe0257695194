package io.heatlab.console.shell;

import javafx.scene.Parent;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;

/**
 * One view of the console: its nodes (laid out in {@link #root}), its name in the sidebar and its
 * shortcut (Ctrl+key). The shell shows one view at a time; {@link #shown()} / {@link #hidden()} let
 * a view sample only while visible. A view's data and commands live in its model, which knows
 * nothing of nodes.
 */
public abstract class ConsoleView {
  protected final BorderPane root = new BorderPane();
  private final String title;
  private final KeyCode shortcut;

  protected ConsoleView(String title, KeyCode shortcut) {
    this.title = title;
    this.shortcut = shortcut;
  }

  public final String title() {
    return title;
  }

  public final KeyCode shortcut() {
    return shortcut;
  }

  public final Parent root() {
    return root;
  }

  public void shown() {}

  public void hidden() {}

  /**
   * Stops the view's timers and background work (the console is closing). Called off the FX thread,
   * as it may wait for work in flight: it closes the model only, never touches nodes.
   */
  public void close() {}
}
