package io.heatlab.console.shell;

import javafx.scene.Parent;
import javafx.scene.input.KeyCode;

/**
 * One view of the console: its nodes, its name in the sidebar and its shortcut (Ctrl+key). The shell shows
 * one view at a time; {@link #shown()} / {@link #hidden()} let a view sample only while visible. A view's
 * data and commands live in its model, which knows nothing of nodes.
 */
public interface ConsoleView {
  String title();

  KeyCode shortcut();

  Parent root();

  default void shown() {}

  default void hidden() {}

  /** Stops the view's timers and background work (the console is closing). */
  default void close() {}
}
