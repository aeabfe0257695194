package io.heatlab.console.traffic;

import io.heatlab.assets.Screen;
import io.heatlab.config.ClientKeys;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Failure;
import io.heatlab.traffic.TrafficGenerator;
import io.heatlab.traffic.TrafficPlan;
import io.heatlab.traffic.TrafficStats;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Traffic view's state and commands: the traffic generator (the same as {@code ./heatlab
 * traffic}: real HTTP batches to the ingestion endpoint) started and stopped from the form, and
 * each second's achieved rate, errors and latency for the chart; totals since start.
 */
public final class TrafficModel {
  /** One second of traffic, for the chart. */
  public record Second(Instant at, TrafficStats.Snapshot stats) {}

  /** Where traffic goes: the ingestion endpoint, the clients' write keys, the screens. */
  public interface Source {
    /** The ingestion endpoint's base URL (the simulator page is its root). */
    String baseUrl();

    /** A client's write key, if it has one. */
    Optional<String> writeKey(String client);

    /** The screens traffic can be sent to. */
    List<Screen> screens();

    /** The stack's ingestion endpoint, the configured write keys, the screen catalog. */
    static Source of(ConsoleContext context) {
      return new Source() {
        @Override
        public String baseUrl() {
          return context.stack().endpoints().httpUrl();
        }

        @Override
        public Optional<String> writeKey(String client) {
          return ClientKeys.write(context.config()).keyOf(client);
        }

        @Override
        public List<Screen> screens() {
          return context.screens().screens();
        }
      };
    }
  }

  private final Source source;
  private final Executor background;
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
  private final ReadOnlyObjectWrapper<Second> latest = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper totals = new ReadOnlyStringWrapper("stopped");
  private final Failure failure = new Failure(() -> {});
  private TrafficGenerator generator; // guarded by this
  private boolean stopRequested; // guarded by this
  private long accepted;
  private long failed;

  private final ObservableList<String> screenIds = FXCollections.observableArrayList();

  public TrafficModel(ConsoleContext context) {
    this(Source.of(context), context.background());
  }

  /** A model sending to {@code source}, building generators on {@code background}. */
  TrafficModel(Source source, Executor background) {
    this.source = source;
    this.background = background;
    background.execute(
        () -> { // the catalog is read once, off the FX thread
          try {
            var ids = source.screens().stream().map(Screen::id).toList();
            Platform.runLater(() -> screenIds.setAll(ids));
          } catch (RuntimeException e) {
            failure.report("screen catalog", e);
          }
        });
  }

  /** The screens traffic can be sent to (the catalog's ids; filled in once it is read). */
  public ObservableList<String> screenIds() {
    return screenIds;
  }

  /**
   * Starts sending (the generator is built off the FX thread); bad settings are reported, nothing
   * is sent.
   */
  public void start(TrafficSettings settings) {
    if (running.get()) {
      return;
    }
    TrafficPlan plan;
    try {
      plan =
          settings.plan(
              source.baseUrl(),
              source.writeKey(settings.client()),
              source.screens(),
              System.nanoTime());
    } catch (IllegalArgumentException e) {
      failure.report("traffic not started", e);
      return;
    }
    failure.clear();
    accepted = 0;
    failed = 0;
    synchronized (this) {
      stopRequested = false;
    }
    running.set(true);
    totals.set(
        String.format(
            "sending %,d events/s as %s to %s",
            plan.eventsPerSecond(), plan.clientId(), plan.baseUrl()));
    background.execute(
        () -> {
          TrafficGenerator g = new TrafficGenerator(plan);
          synchronized (this) {
            if (stopRequested) {
              g.close();
              return;
            }
            generator = g;
          }
          g.start(s -> Platform.runLater(() -> second(s)));
        });
  }

  private void second(TrafficStats.Snapshot s) {
    if (!running.get()) {
      return;
    }
    accepted += s.eventsAccepted();
    failed += s.failedBatches();
    latest.set(new Second(Instant.now(), s));
    totals.set(
        String.format(
            "accepted %,d events since start · %,d failed batches · last second p99 %.1f ms · answers %s",
            accepted, failed, s.p99Ms(), s.byStatus()));
  }

  /** Stops sending and waits (off the FX thread) for the batches in flight. */
  public void stop() {
    if (!running.get()) {
      return;
    }
    running.set(false);
    TrafficGenerator g;
    synchronized (this) {
      g = generator;
      generator = null;
      stopRequested = g == null; // still being built: the builder closes it
    }
    if (g != null) {
      background.execute(
          () -> {
            try {
              TrafficStats.Snapshot end = g.stop();
              Platform.runLater(
                  () ->
                      totals.set(
                          String.format(
                              "stopped: %,d events accepted in %.0f s",
                              end.eventsAccepted(), end.seconds())));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              g.close();
            }
          });
    } else {
      totals.set("stopped");
    }
  }

  public String simulatorUrl() {
    return source.baseUrl() + "/";
  }

  public ReadOnlyBooleanProperty running() {
    return running.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Second> latest() {
    return latest.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty totals() {
    return totals.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }
}
