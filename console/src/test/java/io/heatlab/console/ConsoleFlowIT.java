package io.heatlab.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.assets.ScreenCatalog;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.HeatlabVersion;
import io.heatlab.console.alerts.Alerts;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.heatmaps.HeatmapsModel;
import io.heatlab.console.kafka.KafkaModel;
import io.heatlab.console.rollups.RunRow;
import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.shell.ConsoleTheme;
import io.heatlab.console.shell.FxWatchdog;
import io.heatlab.console.shell.Warmup;
import io.heatlab.console.storage.StorageNode;
import io.heatlab.landing.HourPartition;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.rollup.RunState;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.StackPart;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The console against the real embedded stack, headless (TestFX + Monocle): one flow through every
 * view, as an operator would click it — traffic → lag appears, the live tail shows the clicks, lag
 * drains → the storage tree shows the hour and previews a record → "Roll up this hour" starts a run
 * that Cancel really stops → Run from the Rollups view reaches FINISHED with a moving progress bar
 * → the heatmap's total equals the rolled-up count → export writes a PNG → the overview's pipeline
 * line agrees — with no heatlab code blocking the FX thread (FxWatchdog).
 */
@ExtendWith(ApplicationExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleFlowIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(HeatlabConfig.LANDING_ROTATE_INTERVAL_MS, "2000")
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "1000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "1000");

  @TempDir static Path prefsDir;

  private static ConsoleContext context;
  private static FxWatchdog watchdog;
  private ConsoleWindow window;

  @BeforeAll
  static void open() {
    Warmup.inBackground(); // as the application does at start-up
    context = ConsoleContext.attach(STACK.stack());
  }

  @AfterAll
  static void close() {
    context.close();
  }

  @Start
  void start(Stage stage) {
    ConsoleTheme.apply(ConsoleTheme.Mode.LIGHT); // the application's look, not JavaFX's default
    window = new ConsoleWindow(context, ConsolePrefs.in(prefsDir), url -> {});
    Scene scene = new Scene(window.root(), 1280, 820);
    scene.getStylesheets().add(HeatlabConsole.class.getResource("console.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
    window.start(scene);
  }

  /**
   * Watches the FX thread from when the window is up (start-up is measured by the application's own
   * log).
   */
  private void watchFromNow() throws TimeoutException {
    WaitForAsyncUtils.waitForFxEvents();
    await(30, () -> !window.kafka().model().partitions().isEmpty()); // the first samples are in
    if (watchdog == null) {
      watchdog = new FxWatchdog(Duration.ofMillis(100)).start();
    }
  }

  @AfterEach
  void closeWindow() throws Exception {
    WaitForAsyncUtils.asyncFx(window::close).get(10, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
  }

  @Test
  @Order(1)
  void oneFlowThroughEveryView(FxRobot robot) throws Exception {
    watchFromNow();
    Instant began = Instant.now();
    // Traffic: 1,000 events/s of client demo, event times now
    robot.clickOn("#nav-traffic");
    robot.interact(() -> robot.lookup("#traffic-rate").queryAs(TextField.class).setText("1000"));
    await(30, () -> window.traffic().model().screenIds().size() > 1);
    String skipped =
        window
            .traffic()
            .model()
            .screenIds()
            .get(0); // the heatmaps below end on a screen with traffic
    robot.clickOn("#traffic-screen-" + skipped); // this screen gets no traffic
    robot.clickOn("#traffic-start");
    await(
        60,
        () ->
            window.traffic().model().totals().get().startsWith("accepted")
                && !window.traffic().model().totals().get().startsWith("accepted 0 "));

    // Kafka (via its shortcut): the landing group's lag appears while traffic flows, and drains
    // after
    robot
        .press(KeyCode.CONTROL)
        .press(KeyCode.DIGIT2)
        .release(KeyCode.DIGIT2)
        .release(KeyCode.CONTROL);
    assertThat(window.shell().current().title()).isEqualTo("Kafka");
    String landingGroup = ConsumerLag.landingGroup(STACK.config());
    AtomicLong maxLag = new AtomicLong();
    KafkaModel kafka = window.kafka().model();
    await(
        60,
        () -> {
          kafka.groups().stream()
              .filter(g -> g.group().equals(landingGroup))
              .forEach(g -> maxLag.accumulateAndGet(g.lag(), Math::max));
          return maxLag.get() > 0;
        });
    // the live tail (read_committed, no consumer group) filtered to clicks shows only the traffic's
    // clicks, and leaves no group behind in the cluster
    robot.clickOn("Live tail");
    robot.interact(() -> robot.lookup("#tail-type").queryAs(ChoiceBox.class).setValue("click"));
    robot.clickOn("#tail-toggle");
    await(30, () -> onFx(() -> kafka.tail().size()) >= 5);
    robot.clickOn("#tail-toggle");
    assertThat(onFx(() -> List.copyOf(kafka.tail())))
        .allSatisfy(
            r -> {
              assertThat(r.event().eventType()).isEqualTo("click");
              assertThat(r.event().clientId()).isEqualTo("demo");
            });
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", STACK.endpoints().kafkaBootstrap()))) {
      assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get())
          .extracting(GroupListing::groupId)
          .contains(landingGroup)
          .noneMatch(g -> g.startsWith("heatlab-console-tail"));
    }
    robot.clickOn("Consumer lag");
    robot.clickOn("#nav-traffic");
    robot.clickOn("#traffic-stop");
    await(30, () -> window.traffic().model().totals().get().startsWith("stopped"));
    robot.clickOn("#nav-kafka");
    await(
        90,
        () ->
            kafka.groups().stream().anyMatch(g -> g.group().equals(landingGroup) && g.lag() == 0)
                && kafka.lags().stream()
                    .filter(l -> l.group().equals(landingGroup))
                    .allMatch(l -> l.lag() == 0));
    assertThat(kafka.partitions()).isNotEmpty();
    Instant ended = Instant.now();
    long accepted = acceptedSince();
    assertThat(accepted).isPositive();

    // Storage: bucket → format → day → hour → object; the hour is marked not rolled up; a record
    // previews
    robot.clickOn("#nav-storage");
    HourPartition hour = HourPartition.of(began.toEpochMilli());
    var tree = window.storage().tree();
    TreeItem<StorageNode> format =
        expandChild(tree.getRoot(), n -> n.label().equals("format=jsonl"));
    TreeItem<StorageNode> day = expandChild(format, n -> n.label().equals("dt=" + hour.dt()));
    TreeItem<StorageNode> hourItem = child(day, n -> n.hour() != null && n.hour().equals(hour));
    assertThat(hourItem.getValue().objects()).isPositive();
    assertThat(hourItem.getValue().rollup()).isEqualTo(StorageNode.Rollup.NOT_ROLLED_UP);
    robot.interact(() -> tree.getSelectionModel().select(hourItem));
    await(30, () -> text(robot, "#storage-summary").contains("records"));
    robot.interact(() -> hourItem.setExpanded(true));
    TreeItem<StorageNode> object = child(hourItem, n -> n.kind() == StorageNode.Kind.OBJECT);
    robot.interact(() -> tree.getSelectionModel().select(object));
    await(30, () -> !window.storageModel().preview().isEmpty());
    assertThat(window.storageModel().preview().get(0).clientId()).isEqualTo("demo");

    // "Roll up this hour" opens the Rollups view with the run; Cancel really stops its Spark
    // application
    robot.interact(() -> tree.getSelectionModel().select(hourItem));
    robot.clickOn("#roll-up-hour");
    assertThat(window.shell().current().title()).isEqualTo("Rollups");
    await(60, () -> !window.rollupsModel().runs().isEmpty());
    // where runs execute: this test's stack has no warm driver (rollup.driver.warm=false)
    await(
        30, () -> onFx(() -> window.rollupsModel().spark().get()).contains("its own application"));
    RunRow cancelled = window.rollupsModel().runs().get(0);
    robot.interact(() -> window.rollups().runs().getSelectionModel().select(cancelled));
    robot.clickOn("#cancel-run");
    await(60, () -> cancelled.state().get() == RunState.KILLED);

    // Run from the Rollups view: every hour the traffic touched, FINISHED, the progress bar moved
    Instant firstHour = Granularity.HOURLY.windowOf(began);
    Instant lastHour = Granularity.HOURLY.windowOf(ended);
    robot.interact(
        () -> {
          robot
              .lookup("#window-from")
              .queryAs(TextField.class)
              .setText(Granularity.HOURLY.label(firstHour));
          robot
              .lookup("#window-to")
              .queryAs(TextField.class)
              .setText(Granularity.HOURLY.label(lastHour));
        });
    robot.clickOn("#run-rollup");
    await(30, () -> window.rollupsModel().runs().size() == 2);
    RunRow run = window.rollupsModel().runs().get(0);
    Set<Double> progress = new ConcurrentSkipListSet<>();
    robot.interact(() -> run.progress().addListener((o, a, b) -> progress.add(b.doubleValue())));
    await(240, () -> run.state().get().isFinal());
    assertThat(run.state().get()).as(run.outcome().get()).isEqualTo(RunState.FINISHED);
    assertThat(progress).as("progress values shown").anyMatch(p -> p > 0 && p < 1).contains(1.0);
    assertThat(run.log()).isNotEmpty();
    long rolledUp = sumHourly(firstHour, Granularity.HOURLY.end(lastHour));
    assertThat(rolledUp).isEqualTo(accepted);
    await(
        30,
        () ->
            window.rollupsModel().history().stream()
                .anyMatch(h -> h.runId().equals(run.id()) && h.state() == RunState.FINISHED));

    // Heatmaps: the overlay over the screenshot, its total = the rolled-up count
    robot.clickOn("#nav-heatmaps");
    await(
        30,
        () ->
            window.heatmapsModel().clients().contains("demo")
                && window.heatmapsModel().screens().containsAll(ScreenCatalog.load().ids()));
    long total = 0;
    // the screen without traffic first: the last heatmap shown (hovered, exported) has events
    List<String> screens = new ArrayList<>(window.heatmapsModel().screens());
    screens.sort(Comparator.comparing(sc -> !sc.equals(skipped)));
    for (String screen : screens) {
      robot.interact(
          () -> {
            robot.lookup("#hm-screen").queryAs(ChoiceBox.class).setValue(screen);
            robot.lookup("#hm-client").queryAs(ChoiceBox.class).setValue("demo");
            robot
                .lookup("#hm-from")
                .queryAs(TextField.class)
                .setText(Granularity.HOURLY.label(firstHour));
            robot
                .lookup("#hm-to")
                .queryAs(TextField.class)
                .setText(Granularity.HOURLY.label(lastHour));
          });
      HeatmapsModel.Shown before = window.heatmapsModel().shown().get();
      robot.clickOn("#hm-show");
      await(
          30,
          () ->
              window.heatmapsModel().shown().get() != before
                  && window.heatmapsModel().shown().get().request().screen().equals(screen)
                  // not the view's own answer on arrival (the busiest screen, last 24 h)
                  && window
                      .heatmapsModel()
                      .shown()
                      .get()
                      .request()
                      .from()
                      .equals(Granularity.HOURLY.label(firstHour)));
      long screenTotal = window.heatmapsModel().shown().get().grid().total();
      if (screen.equals(skipped)) {
        assertThat(screenTotal).as("events on the screen left out of the traffic").isZero();
      } else {
        assertThat(screenTotal).as("events on " + screen).isPositive();
      }
      total += screenTotal;
    }
    assertThat(total).isEqualTo(rolledUp);
    HeatmapsModel.Shown shown = window.heatmapsModel().shown().get();
    assertThat(shown.grid().total()).isPositive();
    assertThat(shown.coverage()).allMatch(h -> h.rolledUp());
    robot.moveTo("#hm-image");
    await(10, () -> text(robot, "#hm-hover").startsWith("cell ("));

    // Export writes a PNG of the painted image
    robot.clickOn("#hm-export");
    await(30, () -> window.heatmapsModel().lastExport().get() != null);
    Path png = window.heatmapsModel().lastExport().get();
    BufferedImage exported = ImageIO.read(png.toFile());
    assertThat(exported.getWidth()).isEqualTo(shown.painted().getWidth());
    assertThat(Files.size(png)).isGreaterThan(10_000);

    // Screens: the demo screens registered by the stack, with their traffic; a missing class said
    // so
    robot.clickOn("#nav-screens");
    await(
        30,
        () ->
            window.screens().model().rows().stream()
                .anyMatch(
                    r ->
                        r.client().equals("demo")
                            && r.screen().equals("pricing")
                            && r.events() > 0
                            && r.desktop().equals("1280×800")
                            && r.mobile().equals("missing")));
    robot.interact(
        () ->
            robot.lookup("#screens-table").queryAs(TableView.class).getSelectionModel().select(0));
    await(30, () -> window.screens().model().preview().get() != null);

    // Overview: accepted → in Kafka → landed → aggregated agree
    robot.clickOn("#nav-overview");
    await(
        60,
        () ->
            text(robot, "#pipeline-verdict").equals("pipeline consistent")
                && text(robot, "#stage-aggregated").contains(String.format("%,d", rolledUp)));

    // About: the version that heatlab --version and the packages give, and the runtime
    robot.clickOn("#brand");
    await(10, () -> robot.lookup("#about").tryQuery().isPresent());
    DialogPane about = robot.lookup("#about").queryAs(DialogPane.class);
    assertThat(about.getHeaderText()).isEqualTo("heatlab " + HeatlabVersion.get());
    assertThat(about.getContentText()).contains(HeatlabVersion.runtime()).contains("JavaFX");
    robot.interact(() -> about.getScene().getWindow().hide());

    watchdog
        .close(); // the flow ends here; the next test builds a new window (its start-up is not the
    // flow)
    System.out.printf(
        "FX watchdog over the flow: %d delays over 100 ms (%d of them heatlab's faults), %d waiting for a CPU%n",
        watchdog.stalls().size(), watchdog.faults().size(), watchdog.starved());
    watchdog.stalls().forEach(s -> System.out.println("  " + s));
    // the cause, not the length: a loaded 2-core machine stretches any frame past 100 ms, never
    // into heatlab's code
    assertThat(watchdog.faults())
        .as(
            "heatlab code that blocked the FX thread or computed on it for over %d ms",
            FxWatchdog.HEAVY_CPU.toMillis())
        .isEmpty();
  }

  @Test
  @Order(2)
  void aStoppedPartTurnsItsDotAndTheOverviewRed(FxRobot robot) throws Exception {
    robot.clickOn("#nav-overview");
    await(30, () -> text(robot, "#summary").equals("all 6 parts healthy"));
    assertThat(dotStyles(robot, "spark")).as("the spark launcher's dot").contains("dot-ok");
    assertThat(activeAlertKeys()).as("no part is down").noneMatch(k -> k.startsWith("part-down:"));
    StackPart storage = STACK.part("storage");
    storage.stop();
    try {
      await(30, () -> text(robot, "#summary").startsWith("5 of 6 parts healthy — storage not"));
      await(10, () -> dotStyles(robot, "storage").contains("dot-bad"));
      // the alert: critical, in a banner above every view, listed in the Alerts view
      await(10, () -> activeAlertKeys().contains("part-down:storage"));
      await(10, () -> text(robot, "#alert-banner-text").contains("storage is "));
      assertThat(onFx(() -> robot.lookup("#alert-banner").query().getStyleClass()))
          .contains("alert-critical");
      robot.clickOn("#nav-kafka");
      assertThat(onFx(() -> robot.lookup("#alert-banner").query().isVisible()))
          .as("the banner shows on every view")
          .isTrue();
      robot.clickOn("#alert-banner-show");
      assertThat(onFx(() -> window.shell().current().title())).isEqualTo("Alerts");
      assertThat(onFx(() -> robot.lookup("#alerts").queryTableView().getItems().size()))
          .isPositive();
    } finally {
      storage.start();
    }
    await(30, () -> dotStyles(robot, "storage").contains("dot-ok"));
    await(10, () -> !activeAlertKeys().contains("part-down:storage"));
    List<Alerts.Alert> all = onFx(() -> List.copyOf(window.alertsModel().all()));
    assertThat(all)
        .filteredOn(a -> a.key().equals("part-down:storage"))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.active()).isFalse();
              assertThat(a.cleared()).isAfter(a.raised());
            });
  }

  private List<String> activeAlertKeys() {
    return onFx(() -> window.alertsModel().active().stream().map(Alerts.Alert::key).toList());
  }

  private TreeItem<StorageNode> expandChild(
      TreeItem<StorageNode> parent, Predicate<StorageNode> which) throws TimeoutException {
    TreeItem<StorageNode> c = child(parent, which);
    WaitForAsyncUtils.asyncFx(() -> c.setExpanded(true));
    return c;
  }

  private TreeItem<StorageNode> child(TreeItem<StorageNode> parent, Predicate<StorageNode> which)
      throws TimeoutException {
    await(
        30,
        () ->
            parent.getChildren().stream()
                .anyMatch(i -> i.getValue() != null && which.test(i.getValue())));
    return parent.getChildren().stream()
        .filter(i -> i.getValue() != null && which.test(i.getValue()))
        .findFirst()
        .orElseThrow();
  }

  /** The HTTP endpoint's accepted counter (this class's only traffic). */
  private static long acceptedSince() throws Exception {
    var http = HttpClient.newHttpClient();
    var r =
        http.send(
            HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(r.body()).path("ingest").path("accepted_events").asLong();
  }

  private static long sumHourly(Instant from, Instant to) throws Exception {
    return HeatmapQuery.total(context.jdbc(), Granularity.HOURLY, "demo", from, to);
  }

  /**
   * A label's text read on the FX thread ("" while it is not in the scene): the test thread never
   * walks a live scene graph.
   */
  private static String text(FxRobot robot, String query) {
    return onFx(() -> robot.lookup(query).tryQuery().map(n -> ((Label) n).getText()).orElse(""));
  }

  /**
   * The style classes of a part's status-bar dot, read on the FX thread (none while it is not
   * shown).
   */
  private static List<String> dotStyles(FxRobot robot, String part) {
    return onFx(
        () ->
            robot
                .lookup("#dot-" + part)
                .tryQuery()
                .map(n -> List.copyOf(((Label) n).getGraphic().getStyleClass()))
                .orElse(List.of()));
  }

  private static <T> T onFx(Callable<T> read) {
    try {
      return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("reading the scene on the FX thread", e);
    }
  }

  private static void await(int seconds, BooleanSupplier condition) throws TimeoutException {
    WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
  }
}
