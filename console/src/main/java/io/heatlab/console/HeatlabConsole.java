package io.heatlab.console;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.HeatlabVersion;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.AboutDialog;
import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.shell.ConsoleTheme;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.FxWatchdog;
import io.heatlab.console.shell.Warmup;
import io.heatlab.rollup.PublishedWindowsCheck;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackPart;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.image.Image;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console application. The window opens at once with the start-up progress; the stack
 * is attached to (a running {@code ./heatlab up}, or the compose profile's endpoints) or started by
 * the console off the FX thread; then the views appear and the time from JVM start to a usable
 * window is logged.
 *
 * <p>Arguments (JavaFX named parameters): {@code --theme=light|dark|system}, {@code
 * --profile=NAME}, {@code --config=FILE}, {@code --tour=DIR} (visit every view, save a PNG of each
 * into DIR, exit — how the README's screenshots are made).
 */
public final class HeatlabConsole extends Application {
  private static final Logger LOG = LoggerFactory.getLogger(HeatlabConsole.class);
  private ConsoleContext context;
  private ConsoleWindow window;
  private ConsolePrefs prefs;
  private FxWatchdog watchdog;
  private Stage stage;

  @Override
  public void start(Stage stage) {
    this.stage = stage;
    Map<String, String> named = getParameters().getNamed();
    HeatlabConfig config =
        ConfigLoader.load(
            named.get("profile"),
            named.containsKey("config") ? Path.of(named.get("config")) : null);
    prefs = ConsolePrefs.in(config.dataDir());
    // --theme=light|dark|system (the tour's screenshots in both), else the operator's last choice
    ConsoleTheme.apply(
        ConsoleTheme.Mode.of(named.getOrDefault("theme", prefs.get(ConsoleTheme.PREF, "system"))));
    Warmup.inBackground();
    watchdog = new FxWatchdog(Duration.ofMillis(100)).start();
    stage.setTitle(
        "heatlab console "
            + HeatlabVersion.get()
            + " — "
            + config.profile()
            + " ("
            + config.dataDir()
            + ")");
    Image icon = AboutDialog.icon();
    if (icon != null) {
      stage.getIcons().add(icon);
    }
    stage.setWidth(prefs.getDouble("window.width", 1360));
    stage.setHeight(prefs.getDouble("window.height", 860));
    prefs.get("window.x").ifPresent(x -> stage.setX(Double.parseDouble(x)));
    prefs.get("window.y").ifPresent(y -> stage.setY(Double.parseDouble(y)));
    Scene scene = new Scene(new Label(), stage.getWidth(), stage.getHeight());
    scene.getStylesheets().add(HeatlabConsole.class.getResource("console.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
    boot(config, scene, named.get("tour"));
  }

  /**
   * Opens the stack off the FX thread, showing each part as it comes up; on failure, the cause and
   * Retry.
   */
  private void boot(HeatlabConfig config, Scene scene, String tour) {
    Label title =
        new Label(
            config.embedded()
                ? "Starting or attaching to the embedded stack…"
                : "Connecting to the " + config.profile() + " stack…");
    title.getStyleClass().add("title");
    ListView<String> parts = new ListView<>();
    ProgressBar progress = new ProgressBar(-1);
    progress.setPrefWidth(400);
    VBox boot = new VBox(title, progress, parts);
    boot.getStyleClass().add("boot");
    scene.setRoot(boot);
    Thread opener =
        new Thread(
            () -> {
              try {
                ConsoleContext ctx =
                    ConsoleContext.open(
                        config,
                        new Stack.StartListener() {
                          @Override
                          public void starting(StackPart part) {
                            Platform.runLater(
                                () -> parts.getItems().add("starting " + part.name() + "…"));
                          }

                          @Override
                          public void started(PartHealth h, Duration took) {
                            Platform.runLater(
                                () ->
                                    parts
                                        .getItems()
                                        .add(
                                            String.format(
                                                "%s %s at %s in %.1f s",
                                                h.name(),
                                                h.state().json(),
                                                h.address(),
                                                took.toMillis() / 1000.0)));
                          }

                          @Override
                          public void checked(PublishedWindowsCheck.Report report) {
                            Platform.runLater(
                                () -> {
                                  parts.getItems().add("self-check: " + report.summary());
                                  report.repairs().forEach(r -> parts.getItems().add("  " + r));
                                });
                          }
                        });
                Platform.runLater(() -> ready(ctx, scene, tour));
              } catch (Exception e) {
                LOG.error("the console could not open the stack", e);
                Platform.runLater(
                    () -> {
                      title.setText("The stack did not start: " + Failure.describe(e));
                      title.getStyleClass().add("bad-text");
                      progress.setVisible(false);
                      Button retry = new Button("Retry");
                      retry.setOnAction(a -> boot(config, scene, tour));
                      Button quit = new Button("Quit");
                      quit.setOnAction(a -> Platform.exit());
                      boot.getChildren()
                          .add(
                              new HBox(
                                  8,
                                  retry,
                                  quit,
                                  new Label("log: " + config.dataDir().resolve("log"))));
                    });
              }
            },
            "heatlab-console-boot");
    opener.setDaemon(true);
    opener.start();
  }

  private void ready(ConsoleContext ctx, Scene scene, String tour) {
    context = ctx;
    window = new ConsoleWindow(ctx, prefs, url -> getHostServices().showDocument(url));
    scene.setRoot(window.root());
    window.start(scene);
    long sinceJvmStart =
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    String how = ctx.ownsStack() ? "started the stack" : "attached to the running stack";
    LOG.info("console usable {} ms after JVM start ({})", sinceJvmStart, how);
    System.out.printf("heatlab console: usable in %.1f s (%s)%n", sinceJvmStart / 1000.0, how);
    if (tour != null) {
      new ConsoleTour(window, scene, Path.of(tour)).run(Platform::exit);
    }
  }

  @Override
  public void stop() {
    if (watchdog
        != null) { // the window is gone: waiting for the stack to stop below is no stall of the UI
      watchdog.close();
      LOG.info(
          "FX thread delays over 100 ms during this run: {} ({} of them heatlab code blocking it), {} waiting for a CPU",
          watchdog.stalls().size(),
          watchdog.faults().size(),
          watchdog.starved());
    }
    if (stage != null) {
      prefs.put("window.width", stage.getWidth());
      prefs.put("window.height", stage.getHeight());
      prefs.put("window.x", stage.getX());
      prefs.put("window.y", stage.getY());
    }
    if (prefs != null) {
      prefs.save();
    }
    if (window != null) {
      window.close().join();
    }
    if (context != null) {
      context.close();
    }
  }
}
