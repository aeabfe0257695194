package io.heatlab.console.shell;

import io.heatlab.config.HeatlabVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.Cursor;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The console's window content: a sidebar with one button per view (Ctrl+1 … Ctrl+8), the selected
 * view in the middle, the status bar at the bottom. Every view is built and styled once, at
 * start-up, and stays in the scene hidden until selected; only the selected view samples what is
 * visible only to it; the last view is remembered.
 *
 * <pre>
 *  ┌──────────┬──────────────────────────────┐
 *  │ Overview │ ⚠ alert banner (when any)    │
 *  │ Kafka    │        selected view         │
 *  │ Storage  │   (its error banner on top)  │
 *  │ Rollups  │                              │
 *  │ Heatmaps │                              │
 *  │ Traffic  │                              │
 *  ├──────────┴──────────────────────────────┤
 *  │ ● kafka ● storage ● clickhouse …   note │
 *  └─────────────────────────────────────────┘
 * </pre>
 */
public final class ConsoleShell {
  private final BorderPane root = new BorderPane();
  private final StackPane content = new StackPane();
  private final Map<String, ConsoleView> views = new LinkedHashMap<>();
  private final Map<String, ToggleButton> buttons = new LinkedHashMap<>();
  private final ConsolePrefs prefs;
  private ConsoleView current;

  /**
   * @param banner shown above every view (the alerts' strip; it hides itself when there is nothing
   *     to say)
   */
  public ConsoleShell(
      List<ConsoleView> views, Node banner, StatusBar statusBar, ConsolePrefs prefs) {
    this.prefs = prefs;
    ToggleGroup group = new ToggleGroup();
    VBox sidebar = new VBox(4);
    sidebar.getStyleClass().add("sidebar");
    sidebar.setPadding(new Insets(10, 6, 10, 6));
    Label brand = new Label("heatlab");
    brand.getStyleClass().add("brand");
    brand.setId("brand");
    brand.setTooltip(new Tooltip("About heatlab " + HeatlabVersion.get()));
    brand.setCursor(Cursor.HAND);
    brand.setOnMouseClicked(e -> AboutDialog.show(brand.getScene().getWindow()));
    sidebar.getChildren().add(brand);
    int n = 1;
    for (ConsoleView v : views) {
      this.views.put(v.title(), v);
      ToggleButton b = new ToggleButton(v.title() + "   ⌃" + n++);
      b.setId("nav-" + v.title().toLowerCase());
      b.setToggleGroup(group);
      b.setMaxWidth(Double.MAX_VALUE);
      b.getStyleClass().add("nav");
      b.setOnAction(e -> select(v.title()));
      buttons.put(v.title(), b);
      sidebar.getChildren().add(b);
      // every view stays in the scene, hidden when not selected: its skins and CSS are built once
      // at start-up,
      // so switching views never re-applies CSS to a whole subtree on the FX thread
      Parent viewRoot = v.root();
      viewRoot.setVisible(false);
      viewRoot.managedProperty().bind(viewRoot.visibleProperty());
      content.getChildren().add(viewRoot);
    }
    Region spacer = new Region();
    VBox.setVgrow(spacer, Priority.ALWAYS);
    Button themeSwitch = new Button();
    themeSwitch.setId("theme-switch");
    themeSwitch.getStyleClass().add("theme-switch");
    themeSwitch.setMaxWidth(Double.MAX_VALUE);
    boolean[] dark = {ConsoleTheme.isDark()};
    themeSwitch.setText(dark[0] ? "☀ Light theme" : "☾ Dark theme");
    themeSwitch.setOnAction(
        e -> {
          dark[0] = !dark[0];
          ConsoleTheme.Mode mode = dark[0] ? ConsoleTheme.Mode.DARK : ConsoleTheme.Mode.LIGHT;
          ConsoleTheme.apply(mode);
          prefs.put(ConsoleTheme.PREF, mode.name().toLowerCase(Locale.ROOT));
          themeSwitch.setText(dark[0] ? "☀ Light theme" : "☾ Dark theme");
        });
    sidebar.getChildren().addAll(spacer, themeSwitch);
    root.setLeft(sidebar);
    VBox.setVgrow(content, Priority.ALWAYS);
    root.setCenter(new VBox(banner, content));
    root.setBottom(statusBar);
  }

  /** Registers Ctrl+digit (Cmd on macOS) for every view. */
  public void installShortcuts(Scene scene) {
    for (ConsoleView v : views.values()) {
      scene
          .getAccelerators()
          .put(
              new KeyCodeCombination(v.shortcut(), KeyCombination.SHORTCUT_DOWN),
              () -> select(v.title()));
    }
  }

  /** Shows the view titled {@code title}. */
  public void select(String title) {
    ConsoleView next = views.get(title);
    if (next == null || next == current) {
      if (next != null) {
        buttons.get(title).setSelected(true);
      }
      return;
    }
    if (current != null) {
      current.hidden();
      current.root().setVisible(false);
    }
    current = next;
    next.root().setVisible(true);
    buttons.get(title).setSelected(true);
    prefs.put("shell.view", title);
    next.shown();
  }

  /** Opens the view used last (or the first). */
  public void selectRemembered() {
    String title = prefs.get("shell.view", views.keySet().iterator().next());
    select(views.containsKey(title) ? title : views.keySet().iterator().next());
  }

  public ConsoleView current() {
    return current;
  }

  public Parent root() {
    return root;
  }

  public void close() {
    views.values().forEach(ConsoleView::close);
  }
}
