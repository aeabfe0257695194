package io.heatlab.console.kafka;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.testing.FxTesting;
import io.heatlab.stack.ConnectAdmin;
import io.heatlab.stack.DeadLetters;
import io.heatlab.stack.OffsetsReset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka view's operations over a scripted Connect and dead-letter topic: the connectors are
 * sampled, pause/resume/restart reach Connect and say so, a refusal is reported, the letters are
 * loaded and the chosen ones re-driven.
 */
class ConnectModelTest {
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService background = Executors.newCachedThreadPool();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile String state = "RUNNING";
  private final List<DeadLetters.Letter> topic = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @AfterEach
  void stop() {
    timers.shutdownNow();
    background.shutdownNow();
  }

  private static DeadLetters.Letter letter(long sourceOffset, String value) {
    return new DeadLetters.Letter(
        0,
        sourceOffset,
        Instant.parse("2026-12-07T04:00:00Z").plusSeconds(sourceOffset),
        "heatmap.batches",
        1,
        sourceOffset,
        "not the contract's JSON",
        "org.apache.kafka.connect.errors.DataException",
        null,
        value.getBytes(StandardCharsets.UTF_8));
  }

  private ConnectModel model() {
    return new ConnectModel(
        new ConnectModel.Source() {
          @Override
          public List<ConnectAdmin.Connector> connectors() {
            return List.of(
                new ConnectAdmin.Connector(
                    "heatlab-landing",
                    state,
                    "127.0.0.1:8083",
                    "sink",
                    List.of(new ConnectAdmin.Task(0, state, "127.0.0.1:8083", ""))));
          }

          @Override
          public void pause(String connector) {
            calls.add("pause " + connector);
            state = "PAUSED";
          }

          @Override
          public void resume(String connector) {
            calls.add("resume " + connector);
            state = "RUNNING";
          }

          @Override
          public void restart(String connector) throws Exception {
            calls.add("restart " + connector);
            throw new IOException("Connect answered 409: rebalance in progress");
          }

          @Override
          public String deadLetterTopic() {
            return "heatmap.batches.dlq";
          }

          @Override
          public List<DeadLetters.Letter> deadLetters() {
            return new ArrayList<>(topic);
          }

          @Override
          public int redrive(List<DeadLetters.Letter> letters) {
            calls.add("redrive " + letters.size());
            long next = topic.stream().mapToLong(DeadLetters.Letter::sourceOffset).max().orElse(0);
            for (DeadLetters.Letter l : letters) {
              topic.add(letter(++next, l.preview(100))); // still poison: reported again
            }
            return letters.size();
          }

          @Override
          public String landingGroup() {
            return "connect-heatlab-landing";
          }

          @Override
          public List<OffsetsReset.Move> planReset(String group, OffsetsReset.Target target) {
            calls.add("plan " + group + " " + target);
            return resetMoves(target);
          }

          @Override
          public List<OffsetsReset.Move> reset(
              String group, OffsetsReset.Target target, Consumer<String> progress) {
            calls.add("reset " + group + " " + target);
            progress.accept("stopping connector heatlab-landing");
            return resetMoves(target);
          }

          @Override
          public void close() {}
        },
        timers,
        background);
  }

  /** Two partitions at 300 and 120: back to 0 (remembered), or forward to the end at 400. */
  static List<OffsetsReset.Move> resetMoves(OffsetsReset.Target target) {
    return target instanceof OffsetsReset.Latest
        ? List.of(
            new OffsetsReset.Move("heatmap.batches", 0, 300, 400, 400, ""),
            new OffsetsReset.Move("heatmap.batches", 1, 120, 400, 400, ""))
        : List.of(
            new OffsetsReset.Move("heatmap.batches", 0, 300, 0, 0, ""),
            new OffsetsReset.Move("heatmap.batches", 1, 120, 0, 0, ""));
  }

  @Test
  void anOffsetsResetIsPreviewedThenAppliedOnce() throws Exception {
    ConnectModel model = model();
    FxTesting.run(() -> model.applyReset());
    assertThat(model.outcome().get()).startsWith("preview a reset first");
    FxTesting.run(() -> model.planReset("connect-heatlab-landing", "yesterday"));
    assertThat(model.outcome().get()).contains("use earliest, latest, or a time");

    FxTesting.run(() -> model.planReset("connect-heatlab-landing", "latest"));
    await(() -> !model.resetPlan().get().isEmpty());
    assertThat(model.resetPlan().get())
        .startsWith("Reset connect-heatlab-landing: 0 offsets read again")
        .contains("380 skipped (never landed)")
        .contains("heatmap.batches-1: 120 → 400 (280 offsets skipped: never landed)");
    FxTesting.run(() -> model.applyReset());
    await(() -> model.outcome().get().startsWith("reset connect-heatlab-landing to latest"));
    assertThat(model.outcome().get())
        .isEqualTo(
            "reset connect-heatlab-landing to latest: 0 offsets being read again, 380 skipped;"
                + " the connector is running");
    assertThat(model.resetPlan().get()).as("a plan is applied once").isEmpty();
    assertThat(calls)
        .containsExactly(
            "plan connect-heatlab-landing latest", "reset connect-heatlab-landing latest");
  }

  /**
   * The Kafka view's operations on the headless toolkit: the Connector tab lists the connector and
   * its tasks, Pause reaches Connect, an offsets reset is previewed (its plan shown, Apply enabled)
   * then applied once; the Dead letters tab reads the letters on arrival and re-drives the chosen.
   */
  @Test
  void theViewsConnectorAndDeadLetterTabsActOnConnect() throws Exception {
    ConnectModel connect = model();
    KafkaModel kafka =
        new KafkaModel(
            new KafkaModel.Source() {
              @Override
              public KafkaSnapshot sample() {
                return new KafkaSnapshot(
                    Instant.now(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
              }

              @Override
              public KafkaModel.Tail tail(
                  LiveTail.Filter filter,
                  Consumer<List<LiveTail.Row>> sink,
                  Consumer<Exception> onError) {
                throw new UnsupportedOperationException("no tail in this test");
              }

              @Override
              public void close() {}
            },
            timers,
            background,
            Duration.ofSeconds(3));
    Parent[] root = new Parent[1];
    FxTesting.run(() -> root[0] = FxTesting.laidOut(new KafkaView(kafka, connect).root()));
    connect.start();
    TabPane tabs = (TabPane) root[0].lookup("#kafka-tabs");
    FxTesting.run(
        () -> {
          tabs.getSelectionModel().select(3); // Connector
          FxTesting.laidOut(root[0]);
        });
    TableView<?> connectors = (TableView<?>) root[0].lookup("#connectors");
    await(() -> connectors.getItems().size() == 1);
    TableView<?> tasks = (TableView<?>) root[0].lookup("#connector-tasks");
    await(() -> tasks.getItems().size() == 1);
    FxTesting.run(() -> ((Button) root[0].lookup("#connector-pause")).fire());
    await(() -> calls.contains("pause heatlab-landing"));

    Button apply = (Button) root[0].lookup("#reset-apply");
    TextArea plan = (TextArea) root[0].lookup("#reset-plan");
    assertThat(apply.isDisabled()).as("nothing previewed").isTrue();
    assertThat(plan.isVisible()).isFalse();
    FxTesting.run(
        () -> {
          FxTesting.<ChoiceBox<String>>lookup(root[0], "#reset-to").setValue("latest");
          ((Button) root[0].lookup("#reset-preview")).fire();
        });
    await(() -> plan.isVisible() && !apply.isDisabled());
    assertThat(plan.getText()).contains("380 skipped (never landed)");
    FxTesting.run(apply::fire);
    Label outcome = (Label) root[0].lookup("#connector-outcome");
    await(() -> outcome.getText().startsWith("reset connect-heatlab-landing to latest"));
    assertThat(apply.isDisabled()).as("a plan is applied once").isTrue();

    topic.add(letter(7, "this is not JSON"));
    FxTesting.run(
        () -> {
          tabs.getSelectionModel().select(4); // Dead letters: read on arrival
          FxTesting.laidOut(root[0]);
        });
    TableView<?> letters = (TableView<?>) root[0].lookup("#dead-letters");
    await(() -> letters.getItems().size() == 1);
    FxTesting.run(
        () -> {
          letters.getSelectionModel().select(0);
          ((Button) root[0].lookup("#letters-redrive")).fire();
        });
    await(() -> calls.contains("redrive 1"));
    kafka.close();
    connect.close();
  }

  @Test
  void pauseResumeAndARefusedRestart() throws Exception {
    ConnectModel model = model();
    model.start();
    await(() -> model.connectors().size() == 1);
    assertThat(model.connectors().get(0).summary()).isEqualTo("RUNNING, tasks 1/1 running");

    FxTesting.run(() -> model.pause("heatlab-landing"));
    await(() -> model.connectors().get(0).state().equals("PAUSED"));
    assertThat(model.outcome().get()).startsWith("paused heatlab-landing");
    FxTesting.run(() -> model.resume("heatlab-landing"));
    await(() -> model.connectors().get(0).state().equals("RUNNING"));

    FxTesting.run(() -> model.restart("heatlab-landing"));
    await(() -> !model.failure().message().get().isEmpty());
    assertThat(model.failure().message().get()).contains("restart heatlab-landing", "409");
    assertThat(calls)
        .containsExactly(
            "pause heatlab-landing", "resume heatlab-landing", "restart heatlab-landing");
    model.close();
  }

  @Test
  void lettersAreLoadedAndTheChosenReDriven() throws Exception {
    topic.add(letter(7, "this is not JSON"));
    topic.add(letter(9, "{\"x_norm\": 5}"));
    ConnectModel model = model();
    FxTesting.run(() -> model.redrive(List.of()));
    assertThat(model.outcome().get()).isEqualTo("choose the dead letters to re-drive first");

    FxTesting.run(model::loadLetters);
    await(() -> model.letters().size() == 2);
    DeadLetters.Letter first = model.letters().get(0);
    FxTesting.run(() -> model.redrive(List.of(first)));
    await(() -> model.letters().size() == 3);
    assertThat(model.outcome().get()).startsWith("re-drove 1 record(s) to heatmap.batches");
    assertThat(calls).containsExactly("redrive 1");
    model.close();
  }
}
