package io.heatlab.console.kafka;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.Refresher;
import io.heatlab.stack.CommittedTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Kafka view's state: topic partitions (end offset, produce rate), consumer groups (state, lag,
 * Burrow-style status with its rule), per-partition lag, the last 15 minutes of rates and lag, and
 * the live tail. Sampled every three seconds through the Admin client, whether the view is shown or
 * not, so the charts have history when the operator opens it.
 */
public final class KafkaModel {
  /** A topic partition: log end offset and records appended per second. */
  public record PartitionRow(String topic, int partition, long endOffset, double rate) {}

  /**
   * A consumer group: its coordinator state, total lag in records (one per batch on the v2 topic),
   * in events and in time ({@code behindMs}, null when caught up), and status.
   */
  public record GroupRow(
      String group,
      String state,
      long lag,
      long events,
      Long behindMs,
      LagEvaluator.Status status,
      String rule) {}

  /** A group's position on one partition. */
  public record LagRow(
      String group,
      String topic,
      int partition,
      long committed,
      long end,
      long lag,
      long events,
      Long behindMs,
      LagEvaluator.Status status,
      String rule) {}

  /**
   * How far behind, for a person: "—" when caught up, else "850 ms", "12 s", "3 min 20 s", "2 h 5
   * min".
   */
  public static String behind(Long ms) {
    if (ms == null) {
      return "—";
    }
    if (ms < 1_000) {
      return ms + " ms";
    }
    long s = ms / 1_000;
    if (s < 60) {
      return s + " s";
    }
    if (s < 3_600) {
      return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
    }
    return s / 3_600 + " h" + (s % 3_600 / 60 == 0 ? "" : " " + s % 3_600 / 60 + " min");
  }

  public static final Duration HISTORY = Duration.ofMinutes(15);
  static final int STATUS_WINDOW = 10;
  private static final int TAIL_ROWS = 500;

  /** A running live tail: its filter can change; closing stops it. */
  public interface Tail extends AutoCloseable {
    void filter(LiveTail.Filter f);

    @Override
    void close();
  }

  /** Where the Kafka view's samples and live tail come from. */
  public interface Source extends AutoCloseable {
    /** One snapshot of the cluster (blocking). */
    KafkaSnapshot sample() throws Exception;

    /** Starts a live tail of the events topic: batches of matching rows go to {@code sink}. */
    Tail tail(
        LiveTail.Filter filter, Consumer<List<LiveTail.Row>> sink, Consumer<Exception> onError);

    @Override
    void close();

    /** The console's Kafka Admin client and a tail reader of its own. */
    static Source of(ConsoleContext context) {
      return new Source() {
        private CommittedTail committedTail; // guarded by this

        @Override
        public synchronized KafkaSnapshot sample() throws Exception {
          if (committedTail == null) {
            committedTail = new CommittedTail(context.stack().endpoints().kafkaBootstrap());
          }
          return KafkaSnapshot.read(context.admin(), committedTail, Duration.ofSeconds(8));
        }

        @Override
        public Tail tail(
            LiveTail.Filter filter,
            Consumer<List<LiveTail.Row>> sink,
            Consumer<Exception> onError) {
          return new LiveTail(
              context.stack().endpoints().kafkaBootstrap(),
              context.config().getString(HeatlabConfig.EVENTS_TOPIC),
              filter,
              sink,
              onError);
        }

        @Override
        public synchronized void close() {
          if (committedTail != null) {
            committedTail.close();
          }
        }
      };
    }
  }

  private final Source source;
  private final ObservableList<PartitionRow> partitions = FXCollections.observableArrayList();
  private final ObservableList<GroupRow> groups = FXCollections.observableArrayList();
  private final ObservableList<LagRow> lags = FXCollections.observableArrayList();
  private final ObservableList<LiveTail.Row> tail = FXCollections.observableArrayList();
  private final ReadOnlyObjectWrapper<KafkaRates.Point> latest = new ReadOnlyObjectWrapper<>();
  private final KafkaRates rates = new KafkaRates(HISTORY);
  private final Map<String, LagEvaluator> evaluators = new HashMap<>();
  private final Failure failure;
  private final Failure tailFailure = new Failure(() -> {});
  private final Refresher<KafkaSnapshot> refresher;
  private Tail liveTail;
  private boolean closed; // guarded by this

  public KafkaModel(ConsoleContext context, Duration period) {
    this(Source.of(context), context.timers(), context.background(), period);
  }

  /** A model sampling {@code source} every {@code period} on {@code background}. */
  KafkaModel(
      Source source, ScheduledExecutorService timers, ExecutorService background, Duration period) {
    this.source = source;
    this.failure = new Failure(this::refresh);
    this.refresher =
        new Refresher<>(
            timers, background, period, "Kafka admin", this::sample, this::apply, failure);
  }

  private synchronized KafkaSnapshot sample() throws Exception {
    if (closed) {
      throw new IllegalStateException("the Kafka view is closed");
    }
    return source.sample();
  }

  /** Applies a snapshot (FX thread). */
  void apply(KafkaSnapshot s) {
    KafkaRates.Point point = rates.add(s);
    List<PartitionRow> p = new ArrayList<>();
    s.endOffsets()
        .forEach(
            (k, end) ->
                p.add(
                    new PartitionRow(
                        KafkaSnapshot.topicOf(k),
                        KafkaSnapshot.partitionOf(k),
                        end,
                        rates.rate(k))));
    partitions.setAll(p);
    List<GroupRow> g = new ArrayList<>();
    List<LagRow> l = new ArrayList<>();
    for (var group : s.committed().entrySet()) {
      LagEvaluator ev =
          evaluators.computeIfAbsent(group.getKey(), k -> new LagEvaluator(STATUS_WINDOW));
      // the evaluator sees the end a read_committed consumer sees: committed + records left
      group
          .getValue()
          .forEach(
              (k, committed) ->
                  ev.observe(
                      k,
                      s.at(),
                      committed,
                      s.endOffsets().containsKey(k) ? committed + s.lag(group.getKey(), k) : -1L));
      Map<String, LagEvaluator.Verdict> verdicts = ev.partitions(s.at());
      group
          .getValue()
          .forEach(
              (k, committed) -> {
                long end = s.endOffsets().getOrDefault(k, committed);
                LagEvaluator.Verdict v = verdicts.get(k);
                l.add(
                    new LagRow(
                        group.getKey(),
                        KafkaSnapshot.topicOf(k),
                        KafkaSnapshot.partitionOf(k),
                        committed,
                        end,
                        s.lag(group.getKey(), k),
                        s.eventLag(group.getKey(), k),
                        s.behindMs(group.getKey(), k),
                        v.status(),
                        v.rule()));
              });
      LagEvaluator.Verdict gv = ev.group(s.at());
      String rule =
          gv.status() == LagEvaluator.Status.OK
              ? "OK: all "
                  + verdicts.size()
                  + " partitions caught up or making progress over the last "
                  + STATUS_WINDOW
                  + " commits"
              : gv.rule();
      g.add(
          new GroupRow(
              group.getKey(),
              s.groupStates().getOrDefault(group.getKey(), "?"),
              s.lag(group.getKey()),
              s.eventLag(group.getKey()),
              s.behindMs(group.getKey()),
              gv.status(),
              rule));
    }
    groups.setAll(g);
    lags.setAll(l);
    if (point != null) {
      latest.set(point);
    }
  }

  /** Starts the live tail of the events topic with {@code filter} (restarts it if running). */
  public void startTail(LiveTail.Filter filter) {
    stopTail();
    tail.clear();
    liveTail =
        source.tail(
            filter,
            rows -> Platform.runLater(() -> addTail(rows)),
            e -> tailFailure.report("live tail", e));
  }

  private void addTail(List<LiveTail.Row> rows) {
    List<LiveTail.Row> newest =
        rows.size() > TAIL_ROWS ? rows.subList(rows.size() - TAIL_ROWS, rows.size()) : rows;
    List<LiveTail.Row> newestFirst = new ArrayList<>(newest);
    Collections.reverse(newestFirst);
    tail.addAll(0, newestFirst);
    if (tail.size() > TAIL_ROWS) {
      tail.remove(TAIL_ROWS, tail.size());
    }
  }

  public void filterTail(LiveTail.Filter filter) {
    if (liveTail != null) {
      liveTail.filter(filter);
    }
  }

  public void stopTail() {
    if (liveTail != null) {
      liveTail.close();
      liveTail = null;
    }
  }

  public void start() {
    refresher.start();
  }

  public void refresh() {
    refresher.now();
  }

  public void close() {
    refresher.stop();
    stopTail();
    synchronized (
        this) { // waits for a sample still running; before the stack stops (the console's exit)
      closed = true;
      source.close();
    }
  }

  public ObservableList<PartitionRow> partitions() {
    return partitions;
  }

  public ObservableList<GroupRow> groups() {
    return groups;
  }

  public ObservableList<LagRow> lags() {
    return lags;
  }

  public ObservableList<LiveTail.Row> tail() {
    return tail;
  }

  public ReadOnlyObjectProperty<KafkaRates.Point> latest() {
    return latest.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }

  public Failure tailFailure() {
    return tailFailure;
  }
}
