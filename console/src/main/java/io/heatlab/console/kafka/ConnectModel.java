package io.heatlab.console.kafka;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Background;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.Refresher;
import io.heatlab.stack.ConnectAdmin;
import io.heatlab.stack.DeadLetters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Kafka view's operations, as kafka-ui and AKHQ offer them: the Connect worker's connectors
 * (state, tasks) with pause / resume / restart, and the landing connector's dead letters (reason,
 * source, time) with re-drive of chosen ones to their source topic. Connectors are sampled every 3
 * s; dead letters are read on demand (they are read from the topic each time).
 */
public final class ConnectModel {
  /** Where the operations go. */
  public interface Source extends AutoCloseable {
    List<ConnectAdmin.Connector> connectors() throws Exception;

    void pause(String connector) throws Exception;

    void resume(String connector) throws Exception;

    void restart(String connector) throws Exception;

    /** The dead-letter topic's name. */
    String deadLetterTopic();

    List<DeadLetters.Letter> deadLetters() throws Exception;

    int redrive(List<DeadLetters.Letter> letters) throws Exception;

    @Override
    void close();

    /** The stack's Connect REST API and dead-letter topic. */
    static Source of(ConsoleContext context) {
      ConnectAdmin connect = new ConnectAdmin(context.stack().endpoints().connectUrl());
      DeadLetters dlq =
          new DeadLetters(
              context.stack().endpoints().kafkaBootstrap(),
              context.config().getString(HeatlabConfig.LANDING_DLQ_TOPIC));
      return new Source() {
        @Override
        public List<ConnectAdmin.Connector> connectors() throws Exception {
          return connect.connectors();
        }

        @Override
        public void pause(String connector) throws Exception {
          connect.pause(connector);
        }

        @Override
        public void resume(String connector) throws Exception {
          connect.resume(connector);
        }

        @Override
        public void restart(String connector) throws Exception {
          connect.restart(connector);
        }

        @Override
        public String deadLetterTopic() {
          return dlq.topic();
        }

        @Override
        public List<DeadLetters.Letter> deadLetters() {
          return dlq.newest(MAX_LETTERS, Duration.ofSeconds(10));
        }

        @Override
        public int redrive(List<DeadLetters.Letter> letters) throws Exception {
          return dlq.redrive(letters);
        }

        @Override
        public void close() {
          dlq.close();
        }
      };
    }
  }

  /** How many of the newest letters per partition of the dead-letter topic are listed. */
  static final int MAX_LETTERS = 1_000;

  private final Source source;
  private final ExecutorService background;
  private final ObservableList<ConnectAdmin.Connector> connectors =
      FXCollections.observableArrayList();
  private final ObservableList<DeadLetters.Letter> letters = FXCollections.observableArrayList();
  private final ReadOnlyStringWrapper outcome = new ReadOnlyStringWrapper("");
  private final Failure failure;
  private final Refresher<List<ConnectAdmin.Connector>> refresher;

  public ConnectModel(ConsoleContext context) {
    this(Source.of(context), context.timers(), context.background());
  }

  ConnectModel(Source source, ScheduledExecutorService timers, ExecutorService background) {
    this.source = source;
    this.background = background;
    this.failure = new Failure(this::refresh);
    this.refresher =
        new Refresher<>(
            timers,
            background,
            Duration.ofSeconds(3),
            "Connect's connectors",
            source::connectors,
            connectors::setAll,
            failure);
  }

  public ObservableList<ConnectAdmin.Connector> connectors() {
    return connectors;
  }

  public ObservableList<DeadLetters.Letter> letters() {
    return letters;
  }

  /** What the last operation did, in words. */
  public ReadOnlyStringProperty outcome() {
    return outcome.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }

  public String deadLetterTopic() {
    return source.deadLetterTopic();
  }

  public void pause(String connector) {
    act("pause " + connector, () -> source.pause(connector), "paused " + connector);
  }

  public void resume(String connector) {
    act("resume " + connector, () -> source.resume(connector), "resumed " + connector);
  }

  public void restart(String connector) {
    act(
        "restart " + connector,
        () -> source.restart(connector),
        "restarted " + connector + " and its tasks");
  }

  private interface Action {
    void run() throws Exception;
  }

  private void act(String what, Action action, String done) {
    Background.run(
        background,
        failure,
        what,
        () -> {
          action.run();
          return done;
        },
        text -> {
          outcome.set(text + " (Connect applies it within a moment)");
          refresh();
        });
  }

  /** Reads the dead letters again. */
  public void loadLetters() {
    Background.run(
        background,
        failure,
        "reading the dead letters of " + source.deadLetterTopic(),
        source::deadLetters,
        letters::setAll);
  }

  /** Sends the chosen letters back to their source topic, then reads the letters again. */
  public void redrive(List<DeadLetters.Letter> chosen) {
    if (chosen.isEmpty()) {
      outcome.set("choose the dead letters to re-drive first");
      return;
    }
    List<DeadLetters.Letter> copy = List.copyOf(chosen);
    Background.run(
        background,
        failure,
        "re-driving " + copy.size() + " dead letter(s)",
        () -> source.redrive(copy),
        n -> {
          outcome.set(
              "re-drove "
                  + n
                  + " record(s) to "
                  + copy.get(0).sourceTopic()
                  + " — landed now if the fix took, else reported here again with a new offset");
          loadLetters();
        });
  }

  public void refresh() {
    refresher.now();
  }

  public void start() {
    refresher.start();
  }

  public void close() {
    refresher.stop();
    source.close();
  }
}
