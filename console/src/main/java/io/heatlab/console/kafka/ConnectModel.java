package io.heatlab.console.kafka;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Background;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.Refresher;
import io.heatlab.stack.ConnectAdmin;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.DeadLetters;
import io.heatlab.stack.OffsetsReset;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Kafka view's operations, as kafka-ui and AKHQ offer them: the Connect worker's connectors
 * (state, tasks) with pause / resume / restart, the landing connector's offsets reset (a plan
 * first, then applied), and the landing connector's dead letters (reason, source, time) with
 * re-drive of chosen ones to their source topic. Connectors are sampled every 3 s; dead letters are
 * read on demand (they are read from the topic each time).
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

    /** The landing connector's consumer group ({@code connect-<connector>}). */
    String landingGroup();

    /** What a reset of {@code group}'s offsets to {@code target} would move now. */
    List<OffsetsReset.Move> planReset(String group, OffsetsReset.Target target) throws Exception;

    /**
     * Moves {@code group}'s offsets: the landing connector's is stopped, moved and resumed; any
     * other group only while it has no member. The moves applied.
     */
    List<OffsetsReset.Move> reset(
        String group, OffsetsReset.Target target, Consumer<String> progress) throws Exception;

    @Override
    void close();

    /** The stack's Connect REST API and dead-letter topic. */
    static Source of(ConsoleContext context) {
      ConnectAdmin connect = new ConnectAdmin(context.stack().endpoints().connectUrl());
      // built on use: the Admin client and the object store are created lazily, off the FX thread
      Supplier<OffsetsReset.Landing> landing =
          () ->
              OffsetsReset.Landing.of(
                  context.config(),
                  context.stack().endpoints(),
                  context.admin(),
                  context.landing());
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
        public String landingGroup() {
          return ConsumerLag.landingGroup(context.config());
        }

        @Override
        public List<OffsetsReset.Move> planReset(String group, OffsetsReset.Target target)
            throws Exception {
          return group.equals(landingGroup())
              ? landing.get().plan(target)
              : new OffsetsReset.Group(context.admin(), group).plan(target);
        }

        @Override
        public List<OffsetsReset.Move> reset(
            String group, OffsetsReset.Target target, Consumer<String> progress) throws Exception {
          if (group.equals(landingGroup())) {
            return landing.get().apply(target, progress);
          }
          progress.accept("moving the offsets of " + group);
          return new OffsetsReset.Group(context.admin(), group).apply(target);
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
  private final ReadOnlyStringWrapper resetPlan = new ReadOnlyStringWrapper("");
  private OffsetsReset.Target planned; // the FX thread's: the reset the shown plan is for
  private String plannedGroup; // the FX thread's: whose
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

  /** The landing connector's group: the one the reset offers first. */
  public String landingGroup() {
    return source.landingGroup();
  }

  /** The plan of the offsets reset last previewed, as its confirmation; empty when none. */
  public ReadOnlyStringProperty resetPlan() {
    return resetPlan.getReadOnlyProperty();
  }

  /**
   * Previews a reset of {@code group}'s offsets to {@code target} (earliest, latest, or an ISO
   * time): what would be read again or skipped, partition by partition. Nothing changes until
   * {@link #applyReset}.
   */
  public void planReset(String group, String target) {
    OffsetsReset.Target t;
    try {
      t = OffsetsReset.Target.parse(target);
    } catch (IllegalArgumentException e) {
      outcome.set(e.getMessage());
      return;
    }
    Background.run(
        background,
        failure,
        "planning the reset of " + group + " to " + t,
        () -> source.planReset(group, t),
        moves -> {
          planned = t;
          plannedGroup = group;
          boolean landing = group.equals(source.landingGroup());
          resetPlan.set(OffsetsReset.confirmation(group, landing, moves));
          outcome.set("");
        });
  }

  /** Applies the previewed reset (the connector stopped, moved, resumed), with its progress. */
  public void applyReset() {
    OffsetsReset.Target t = planned;
    String group = plannedGroup;
    if (t == null) {
      outcome.set("preview a reset first: its plan says what will be read again");
      return;
    }
    planned = null;
    resetPlan.set("");
    Background.run(
        background,
        failure,
        "resetting " + group + " to " + t,
        () -> source.reset(group, t, step -> Platform.runLater(() -> outcome.set(step + " …"))),
        moves -> {
          long again = moves.stream().mapToLong(m -> Math.max(0, m.reread())).sum();
          long skipped = moves.stream().mapToLong(m -> Math.max(0, -m.reread())).sum();
          outcome.set(
              "reset "
                  + group
                  + " to "
                  + t
                  + ": "
                  + again
                  + " offsets being read again, "
                  + skipped
                  + " skipped"
                  + (group.equals(source.landingGroup()) ? "; the connector is running" : ""));
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
