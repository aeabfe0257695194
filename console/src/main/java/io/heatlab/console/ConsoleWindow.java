package io.heatlab.console;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.alerts.AlertBanner;
import io.heatlab.console.alerts.Alerts;
import io.heatlab.console.alerts.AlertsModel;
import io.heatlab.console.alerts.AlertsView;
import io.heatlab.console.alerts.DesktopNotifier;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.heatmaps.HeatmapsModel;
import io.heatlab.console.heatmaps.HeatmapsView;
import io.heatlab.console.kafka.ConnectModel;
import io.heatlab.console.kafka.KafkaModel;
import io.heatlab.console.kafka.KafkaView;
import io.heatlab.console.overview.OverviewView;
import io.heatlab.console.overview.PipelineModel;
import io.heatlab.console.overview.StackHealthModel;
import io.heatlab.console.rollups.RollupsModel;
import io.heatlab.console.rollups.RollupsView;
import io.heatlab.console.screens.ScreensModel;
import io.heatlab.console.screens.ScreensView;
import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.shell.ConsoleShell;
import io.heatlab.console.shell.StatusBar;
import io.heatlab.console.storage.StorageModel;
import io.heatlab.console.storage.StorageView;
import io.heatlab.console.traffic.TrafficModel;
import io.heatlab.console.traffic.TrafficView;
import io.heatlab.stack.StackPart;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.scene.Parent;
import javafx.scene.Scene;

/**
 * The console's views wired to one {@link ConsoleContext}: a model per view (state and commands, no
 * nodes), a view per model, the shell around them. Built by the application once the stack is up,
 * and by the TestFX flow on the test's stack.
 */
public final class ConsoleWindow {
  private final StackHealthModel health;
  private final PipelineModel pipeline;
  private final KafkaModel kafkaModel;
  private final AlertsModel alertsModel;
  private final OverviewView overview;
  private final KafkaView kafka;
  private final StorageModel storageModel;
  private final StorageView storage;
  private final RollupsModel rollupsModel;
  private final RollupsView rollups;
  private final HeatmapsModel heatmapsModel;
  private final HeatmapsView heatmaps;
  private final TrafficView traffic;
  private final ScreensView screens;
  private final AlertsView alerts;

  /** How many of the newest rollup runs the alerts judge (one entry per run and window). */
  private static final int RECENT_RUNS = 300;

  private final ConsoleShell shell;

  public ConsoleWindow(ConsoleContext context, ConsolePrefs prefs, Consumer<String> openInBrowser) {
    health =
        new StackHealthModel(context::health)
            .withRoles(
                context.stack().parts().stream()
                    .collect(Collectors.toMap(StackPart::name, StackPart::role)));
    pipeline = new PipelineModel(context);
    overview = new OverviewView(health, pipeline);
    kafkaModel = new KafkaModel(context, Duration.ofSeconds(3));
    kafka = new KafkaView(kafkaModel, new ConnectModel(context));
    rollupsModel = new RollupsModel(context);
    rollups = new RollupsView(rollupsModel, prefs, openInBrowser);
    storageModel =
        new StorageModel(
            context,
            hour -> {
              select("Rollups");
              rollupsModel.runHour(hour.start());
            });
    storage = new StorageView(storageModel);
    heatmapsModel = new HeatmapsModel(context);
    heatmaps = new HeatmapsView(heatmapsModel, prefs);
    traffic = new TrafficView(new TrafficModel(context), prefs, openInBrowser);
    screens = new ScreensView(new ScreensModel(context));
    String note =
        context.config().profile()
            + " profile · "
            + (context.ownsStack()
                ? "stack started by this console (stops with it)"
                : "attached to a running stack")
            + " · data "
            + context.config().dataDir();
    HeatlabConfig config = context.config();
    alertsModel =
        new AlertsModel(
            new Alerts(
                    new Alerts.Thresholds(
                        Duration.ofMillis(config.getLong(HeatlabConfig.ALERTS_LAG_BEHIND_MS)),
                        Duration.ofMillis(
                            config.getLong(HeatlabConfig.CONSOLE_FRESHNESS_THRESHOLD_MS)),
                        Duration.ofMillis(config.getLong(HeatlabConfig.ALERTS_RESTART_WINDOW_MS))))
                .logsIn(context.stack().layout().logDir().toString()),
            health.parts(),
            kafkaModel.groups(),
            pipeline.status(),
            () -> context.rollups().runs().history(RECENT_RUNS),
            context.timers(),
            context.background(),
            Clock.systemUTC(),
            DesktopNotifier.of(config.getBoolean(HeatlabConfig.ALERTS_DESKTOP_NOTIFY)));
    alerts = new AlertsView(alertsModel);
    shell =
        new ConsoleShell(
            List.of(overview, kafka, storage, rollups, heatmaps, traffic, screens, alerts),
            new AlertBanner(alertsModel.active(), () -> select(alerts.title())),
            new StatusBar(health.parts(), note),
            prefs);
  }

  /** Starts sampling and opens the last view. */
  public void start(Scene scene) {
    shell.installShortcuts(scene);
    health.start();
    kafka.model().start();
    kafka.connect().start();
    pipeline.start();
    rollupsModel.start();
    alertsModel.start();
    shell.selectRemembered();
  }

  public void select(String view) {
    shell.select(view);
  }

  public Parent root() {
    return shell.root();
  }

  /**
   * Stops the health poller (on the FX thread, where it is called) and closes the views' models off
   * the FX thread — a model waits for a sample still in flight, which must not freeze the window;
   * the future completes once they are closed.
   */
  public CompletableFuture<Void> close() {
    health.stop();
    return CompletableFuture.runAsync(
        shell::close,
        r -> {
          Thread t = new Thread(r, "heatlab-console-close");
          t.setDaemon(true);
          t.start();
        });
  }

  public KafkaView kafka() {
    return kafka;
  }

  public StorageView storage() {
    return storage;
  }

  public StorageModel storageModel() {
    return storageModel;
  }

  public RollupsView rollups() {
    return rollups;
  }

  public RollupsModel rollupsModel() {
    return rollupsModel;
  }

  public HeatmapsView heatmaps() {
    return heatmaps;
  }

  public HeatmapsModel heatmapsModel() {
    return heatmapsModel;
  }

  public TrafficView traffic() {
    return traffic;
  }

  public AlertsModel alertsModel() {
    return alertsModel;
  }

  public ScreensView screens() {
    return screens;
  }

  public ConsoleShell shell() {
    return shell;
  }
}
