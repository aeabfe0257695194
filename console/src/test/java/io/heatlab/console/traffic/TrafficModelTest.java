package io.heatlab.console.traffic;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.heatlab.assets.Screen;
import io.heatlab.assets.ScreenCatalog;
import io.heatlab.console.shell.ConsolePrefs;
import io.heatlab.console.testing.FxTesting;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Traffic view's model driving the real traffic generator against a small HTTP server that
 * plays the ingestion endpoint: start, each second's figures, stop, refused batches, bad settings.
 */
class TrafficModelTest {
  private final ExecutorService background = Executors.newCachedThreadPool();
  private final AtomicInteger batches = new AtomicInteger();
  private final AtomicInteger badKeys = new AtomicInteger();
  private volatile int answer = 202;
  private HttpServer server;
  @TempDir Path prefsDir;
  private TrafficModel model;

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @BeforeEach
  void endpointAndModel() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/batches",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          if (!"Bearer k-acme".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            badKeys.incrementAndGet();
          }
          batches.incrementAndGet();
          exchange.sendResponseHeaders(answer, -1);
          exchange.close();
        });
    server.start();
    String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    List<Screen> screens = ScreenCatalog.load().screens();
    model =
        new TrafficModel(
            new TrafficModel.Source() {
              @Override
              public String baseUrl() {
                return baseUrl;
              }

              @Override
              public Optional<String> writeKey(String client) {
                return client.equals("acme") ? Optional.of("k-acme") : Optional.empty();
              }

              @Override
              public List<Screen> screens() {
                return screens;
              }
            },
            background);
  }

  @AfterEach
  void close() throws Exception {
    FxTesting.run(model::stop);
    server.stop(0);
    background.shutdownNow();
  }

  @Test
  void theScreensAreTheCatalogs() throws Exception {
    await(() -> !model.screenIds().isEmpty());
    assertThat(model.screenIds())
        .containsExactlyElementsOf(
            ScreenCatalog.load().screens().stream().map(Screen::id).toList());
  }

  @Test
  void trafficIsSentWithTheClientsKeyAndEachSecondIsShownUntilStopped() throws Exception {
    FxTesting.run(() -> model.start(settings("acme")));
    assertThat(model.running().get()).isTrue();
    assertThat(model.totals().get())
        .isEqualTo("sending 200 events/s as acme to " + model.simulatorUrl().replaceAll("/$", ""));

    await(() -> model.latest().get() != null && model.latest().get().stats().eventsAccepted() > 0);
    assertThat(model.totals().get()).startsWith("accepted ").contains(" 0 failed batches");
    assertThat(batches.get()).isPositive();
    assertThat(badKeys.get()).isZero();

    FxTesting.run(model::stop);
    assertThat(model.running().get()).isFalse();
    await(() -> model.totals().get().startsWith("stopped: "));
    int sent = batches.get();
    Thread.sleep(300);
    assertThat(batches.get()).as("nothing is sent once stopped").isEqualTo(sent);
  }

  @Test
  void refusedBatchesAreCountedAsFailed() throws Exception {
    answer = 400;
    FxTesting.run(() -> model.start(settings("acme")));
    await(() -> model.totals().get().matches(".* · [1-9][0-9,]* failed batches · .*"));
    assertThat(model.totals().get()).contains("answers {400=");
  }

  @Test
  void aClientWithoutAWriteKeyIsNotStarted() throws Exception {
    FxTesting.run(() -> model.start(settings("ghost")));
    assertThat(model.running().get()).isFalse();
    await(() -> !model.failure().message().get().isEmpty());
    assertThat(model.failure().message().get())
        .startsWith("traffic not started: client 'ghost' has no write key");
    assertThat(batches.get()).isZero();
  }

  /**
   * The Traffic view on the headless toolkit: a screen box per catalog screen, Start sends the
   * form's traffic to the chosen screens only (the form remembered), Stop stops it, a rate that is
   * no number is refused with a reason.
   */
  @Test
  void theViewStartsTheFormsTrafficAndStopsIt() throws Exception {
    ConsolePrefs prefs = new ConsolePrefs(prefsDir.resolve("prefs.properties"));
    List<String> opened = new CopyOnWriteArrayList<>();
    Parent[] root = new Parent[1];
    FxTesting.run(
        () -> root[0] = FxTesting.laidOut(new TrafficView(model, prefs, opened::add).root()));
    List<String> ids = ScreenCatalog.load().screens().stream().map(Screen::id).toList();
    await(() -> root[0].lookup("#traffic-screen-" + ids.get(ids.size() - 1)) != null);
    FxTesting.run(
        () -> {
          ((TextField) root[0].lookup("#traffic-client")).setText("acme");
          ((TextField) root[0].lookup("#traffic-rate")).setText("many");
          ((Button) root[0].lookup("#traffic-start")).fire();
        });
    assertThat(model.running().get()).isFalse();
    await(() -> model.failure().message().get().contains("must be numbers"));

    FxTesting.run(
        () -> {
          ((TextField) root[0].lookup("#traffic-rate")).setText("200");
          for (String id : ids.subList(1, ids.size())) {
            ((CheckBox) root[0].lookup("#traffic-screen-" + id)).setSelected(false);
          }
          ((Button) root[0].lookup("#traffic-start")).fire();
        });
    assertThat(model.running().get()).isTrue();
    Button stop = (Button) root[0].lookup("#traffic-stop");
    assertThat(stop.isDisabled()).isFalse();
    await(() -> batches.get() > 0);
    assertThat(badKeys.get()).isZero();
    assertThat(prefs.get("traffic.client", "")).isEqualTo("acme");
    assertThat(prefs.get("traffic.screens.off", "")).doesNotContain(ids.get(0));
    FxTesting.run(stop::fire);
    assertThat(model.running().get()).isFalse();
    await(() -> ((Label) root[0].lookup("#traffic-totals")).getText().startsWith("stopped: "));
  }

  private static TrafficSettings settings(String client) {
    return new TrafficSettings(
        client, 4, 200, "", 0, Set.of(ScreenCatalog.load().screens().get(0).id()));
  }
}
