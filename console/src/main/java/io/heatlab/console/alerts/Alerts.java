package io.heatlab.console.alerts;

import io.heatlab.console.kafka.KafkaModel;
import io.heatlab.console.overview.PipelineStatus;
import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.rollup.RunState;
import io.heatlab.stack.PartHealth;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's alert rules and book: what is wrong now (active alerts, each with the time it was
 * raised and its cause) and what was wrong before (cleared alerts, newest first). Pure — no
 * toolkit, no clients: each source of signals hands its latest sample to its own method, which
 * judges only that source's rules, so a slow source never clears or repeats another's alerts.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>source</th><th>raised when</th><th>severity</th></tr>
 *   <tr><td>{@link #parts}</td><td>a part the stack needs is not healthy</td><td>critical</td></tr>
 *   <tr><td>{@link #parts}</td><td>the supervisor restarted a part (shown for {@code
 *       restartWindow} after the restart)</td><td>warning</td></tr>
 *   <tr><td>{@link #lags}</td><td>a consumer group's oldest unconsumed record is older than
 *       {@code lagBehind}</td><td>warning</td></tr>
 *   <tr><td>{@link #pipeline}</td><td>freshness past its threshold</td><td>warning</td></tr>
 *   <tr><td>{@link #pipeline}</td><td>landing stuck; the consistency check broken (lost or
 *       double-counted data)</td><td>critical</td></tr>
 *   <tr><td>{@link #runs}</td><td>a window's newest rollup run failed</td><td>critical</td></tr>
 * </table>
 */
public final class Alerts {
  public enum Severity {
    CRITICAL,
    WARNING
  }

  /**
   * One alert: {@code key} names the rule and its subject (stable while the condition lasts);
   * {@code cleared} is null while it is active.
   */
  public record Alert(
      String key, Severity severity, String title, String cause, Instant raised, Instant cleared) {
    public boolean active() {
      return cleared == null;
    }
  }

  /** The thresholds of the rules (settings {@code alerts.*}, {@code console.freshness.*}). */
  public record Thresholds(Duration lagBehind, Duration freshness, Duration restartWindow) {}

  /** A condition a rule found in a sample. */
  private record Finding(String key, Severity severity, String title, String cause) {}

  static final int HISTORY = 500;
  private final Thresholds thresholds;
  private final Map<String, Alert> active = new LinkedHashMap<>();
  private final Deque<Alert> history = new ArrayDeque<>();
  private final Map<String, Integer> restartsSeen = new HashMap<>();
  private final Map<String, Instant> restartedAt = new HashMap<>();
  private String logDir = "var/log";

  public Alerts(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /** Where the stack's part logs are (named in a restart's cause); var/log by default. */
  public Alerts logsIn(String dir) {
    this.logDir = dir;
    return this;
  }

  public Thresholds thresholds() {
    return thresholds;
  }

  /**
   * The stack's parts: one that the stack needs is down; one the supervisor restarted (its count
   * rose, or is above zero when first seen — then from the time its note gives) stays reported for
   * the restart window.
   *
   * @return the alerts this sample raised
   */
  public synchronized List<Alert> parts(Instant at, List<PartHealth> parts) {
    Map<String, Finding> found = new LinkedHashMap<>();
    for (PartHealth h : parts) {
      if (!h.fine()) {
        found.put(
            "part-down:" + h.name(),
            new Finding(
                "part-down:" + h.name(),
                Severity.CRITICAL,
                h.name() + " is " + h.state().json(),
                h.detail() + " (" + h.address() + ")"));
      }
      int restarts = h.restarts() == null ? 0 : h.restarts();
      Integer seen = restartsSeen.put(h.name(), restarts);
      if (restarts > (seen == null ? 0 : seen)) {
        // first seen with restarts (the console opened after them): the supervisor's note says when
        restartedAt.put(h.name(), seen == null ? lastRestart(h.detail()).orElse(at) : at);
      }
      Instant last = restartedAt.get(h.name());
      if (last != null && Duration.between(last, at).compareTo(thresholds.restartWindow()) < 0) {
        found.put(
            "part-restarted:" + h.name(),
            new Finding(
                "part-restarted:" + h.name(),
                Severity.WARNING,
                h.name() + " was restarted by the supervisor (" + restarts + "× in all)",
                h.detail() + " — why it died: " + logDir + "/" + h.name() + ".log"));
      }
    }
    return apply("part-", at, found);
  }

  private static final Pattern LAST_RESTART = Pattern.compile("last at (\\S+Z)");

  /** When the supervisor's note ("restarted by the supervisor, last at …Z") says the last was. */
  static Optional<Instant> lastRestart(String detail) {
    Matcher m = LAST_RESTART.matcher(detail == null ? "" : detail);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(m.group(1)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The consumer groups' lag in time (the Kafka view's groups). */
  public synchronized List<Alert> lags(Instant at, List<KafkaModel.GroupRow> groups) {
    Map<String, Finding> found = new LinkedHashMap<>();
    for (KafkaModel.GroupRow g : groups) {
      if (g.behindMs() != null && g.behindMs() > thresholds.lagBehind().toMillis()) {
        String key = "lag:" + g.group();
        found.put(
            key,
            new Finding(
                key,
                Severity.WARNING,
                g.group() + " is " + KafkaModel.behind(g.behindMs()) + " behind",
                String.format(
                    "its oldest unconsumed record was received %s ago (%,d batches, %,d events"
                        + " behind; threshold %s)",
                    KafkaModel.behind(g.behindMs()),
                    g.lag(),
                    g.events(),
                    KafkaModel.behind(thresholds.lagBehind().toMillis()))));
      }
    }
    return apply("lag:", at, found);
  }

  /** The overview's pipeline line: freshness, landing stuck, the consistency check. */
  public synchronized List<Alert> pipeline(PipelineStatus status) {
    Map<String, Finding> found = new LinkedHashMap<>();
    List<String> broken = new ArrayList<>();
    for (String p : status.problems()) {
      if (p.startsWith(PipelineStatus.FRESHNESS)) {
        found.put(
            "pipeline:freshness",
            new Finding(
                "pipeline:freshness",
                Severity.WARNING,
                "freshness " + PipelineStatus.human(status.freshness()) + " behind",
                p));
      } else if (p.startsWith(PipelineStatus.STUCK)) {
        found.put(
            "pipeline:stuck",
            new Finding("pipeline:stuck", Severity.CRITICAL, PipelineStatus.STUCK, p));
      } else {
        broken.add(p);
      }
    }
    if (!broken.isEmpty()) {
      found.put(
          "pipeline:consistency",
          new Finding(
              "pipeline:consistency",
              Severity.CRITICAL,
              "consistency check broken",
              String.join("; ", broken)));
    }
    return apply("pipeline:", status.at(), found);
  }

  /**
   * The recent rollup runs (any launcher: console, CLI, scheduler): a window whose newest run
   * FAILED; a later run of the window that finishes clears it.
   */
  public synchronized List<Alert> runs(Instant at, List<RollupRuns.Run> runs) {
    Map<String, RollupRuns.Run> newest = new HashMap<>();
    for (RollupRuns.Run r : runs) {
      String key =
          "rollup:"
              + r.granularity().name().toLowerCase()
              + ":"
              + r.granularity().label(r.window());
      newest.merge(key, r, (a, b) -> b.startedAt().isAfter(a.startedAt()) ? b : a);
    }
    Map<String, Finding> found = new LinkedHashMap<>();
    newest.entrySet().stream()
        .filter(e -> e.getValue().state() == RunState.FAILED)
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              RollupRuns.Run r = e.getValue();
              found.put(
                  e.getKey(),
                  new Finding(
                      e.getKey(),
                      Severity.CRITICAL,
                      label(r.granularity(), r.window()) + " rollup failed",
                      "run "
                          + r.runId()
                          + ": "
                          + firstLine(r.error())
                          + " — run it again from the Rollups view once fixed"));
            });
    return apply("rollup:", at, found);
  }

  private static String label(Granularity g, Instant window) {
    return g.name().toLowerCase() + " " + g.label(window);
  }

  private static String firstLine(String error) {
    if (error == null || error.isBlank()) {
      return "no error recorded";
    }
    String line = error.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  /**
   * Raises the findings not active yet, refreshes the cause of those still found, clears the active
   * alerts of {@code prefix} that were not found.
   */
  private List<Alert> apply(String prefix, Instant at, Map<String, Finding> found) {
    List<Alert> raised = new ArrayList<>();
    for (Finding f : found.values()) {
      Alert was = active.get(f.key());
      Alert now =
          new Alert(
              f.key(), f.severity(), f.title(), f.cause(), was == null ? at : was.raised(), null);
      active.put(f.key(), now);
      if (was == null) {
        raised.add(now);
      }
    }
    for (Alert a : List.copyOf(active.values())) {
      if (a.key().startsWith(prefix) && !found.containsKey(a.key())) {
        active.remove(a.key());
        history.addFirst(new Alert(a.key(), a.severity(), a.title(), a.cause(), a.raised(), at));
        while (history.size() > HISTORY) {
          history.removeLast();
        }
      }
    }
    return raised;
  }

  /** The active alerts, critical first, then oldest first. */
  public synchronized List<Alert> active() {
    return active.values().stream()
        .sorted(
            (a, b) ->
                a.severity() != b.severity()
                    ? a.severity().compareTo(b.severity())
                    : a.raised().compareTo(b.raised()))
        .toList();
  }

  /** Every alert: the active ones, then the cleared ones, newest first. */
  public synchronized List<Alert> all() {
    List<Alert> all = new ArrayList<>(active());
    all.addAll(history);
    return all;
  }
}
