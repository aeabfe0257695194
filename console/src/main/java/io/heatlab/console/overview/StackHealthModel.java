package io.heatlab.console.overview;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.console.shell.Failure;
import io.heatlab.stack.PartHealth;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.ScheduledService;
import javafx.concurrent.Task;
import javafx.util.Duration;

/**
 * The stack's health as observable state, refreshed every two seconds off the FX thread (the
 * overview's table and the status bar's dots). Knows nothing of nodes: the view binds to {@link
 * #parts()} and {@link #summary()}.
 */
public final class StackHealthModel {
  private final ObservableList<PartHealth> parts = FXCollections.observableArrayList();
  private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("probing…");
  private final ScheduledService<List<PartHealth>> poller;
  private final Failure failure = new Failure(this::restart);
  private Map<String, String> roles = Map.of();

  public StackHealthModel(Supplier<List<PartHealth>> probe) {
    poller =
        new ScheduledService<>() {
          @Override
          protected Task<List<PartHealth>> createTask() {
            return new Task<>() {
              @Override
              protected List<PartHealth> call() {
                return probe.get();
              }
            };
          }
        };
    poller.setPeriod(Duration.seconds(2));
    poller.setOnSucceeded(
        e -> {
          failure.clear();
          apply(poller.getValue());
        });
    poller.setOnFailed(e -> failure.report("health probe", poller.getException()));
  }

  private void apply(List<PartHealth> latest) {
    parts.setAll(latest);
    long healthy = latest.stream().filter(PartHealth::healthy).count();
    String unhealthy =
        latest.stream()
            .filter(h -> !h.healthy())
            .map(PartHealth::name)
            .collect(Collectors.joining(", "));
    summary.set(
        healthy == latest.size()
            ? "all " + healthy + " parts healthy"
            : healthy
                + " of "
                + latest.size()
                + " parts healthy — "
                + unhealthy
                + " not: see the Detail column ("
                + HeatlabCommand.name()
                + " up starts a stopped stack)");
  }

  public ObservableList<PartHealth> parts() {
    return parts;
  }

  /** What each part is (name → role, e.g. "Kafka broker + KRaft controller, node 2 of 3"). */
  public StackHealthModel withRoles(Map<String, String> roles) {
    this.roles = Map.copyOf(roles);
    return this;
  }

  /** The role of the part {@code name}, or "" if unknown. */
  public String role(String name) {
    return roles.getOrDefault(name, "");
  }

  public ReadOnlyStringProperty summary() {
    return summary.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }

  public void start() {
    poller.start();
  }

  private void restart() {
    poller.restart();
  }

  public void stop() {
    poller.cancel();
  }
}
