package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.landing.LandingConfig;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.PartitionState;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * The landing connector's consumer group moved to the earliest offsets, the latest, or the first
 * record at a time — what kafka-ui and AKHQ offer for a group, made exact for landing.
 *
 * <p>What a move means: back (a rewind) re-reads records that are already landed; landing cuts its
 * write cycles again at the ends it logged in {@code _landing/state}, so it rewrites the very same
 * objects under the same names (an overwrite — counts stay exact; useful after objects were lost or
 * {@code landing.format} changed). That holds only from the start of a remembered cycle, so a
 * rewind target is moved down to the start of the cycle that holds it, and up to the oldest cycle
 * start still remembered ({@code landing.state.boundaries.kept}) if it lies before. Forward skips
 * records: they are never landed.
 *
 * <p>How (KIP-875): the connector is STOPPED (its group is then empty — only an inactive group is
 * moved), {@code PATCH /connectors/<name>/offsets}, then resumed. The plan is read again once the
 * connector has stopped, so what is applied is what was committed at that moment.
 */
public final class OffsetsReset {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Where to move: {@code earliest}, {@code latest}, or an ISO-8601 instant. */
  public sealed interface Target permits Earliest, Latest, At {
    /** {@code earliest}, {@code latest} or an instant such as {@code 2026-12-07T06:00:00Z}. */
    static Target parse(String text) {
      String t = text.trim();
      if (t.equalsIgnoreCase("earliest")) {
        return new Earliest();
      }
      if (t.equalsIgnoreCase("latest")) {
        return new Latest();
      }
      try {
        return new At(Instant.parse(t));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'"
                + text
                + "' is not a reset target: use earliest, latest, or a time such as"
                + " 2026-12-07T06:00:00Z");
      }
    }

    OffsetSpec spec();
  }

  public record Earliest() implements Target {
    @Override
    public OffsetSpec spec() {
      return OffsetSpec.earliest();
    }

    @Override
    public String toString() {
      return "earliest";
    }
  }

  public record Latest() implements Target {
    @Override
    public OffsetSpec spec() {
      return OffsetSpec.latest();
    }

    @Override
    public String toString() {
      return "latest";
    }
  }

  /** The first offset whose record timestamp (received_at) is at or after {@code time}. */
  public record At(Instant time) implements Target {
    @Override
    public OffsetSpec spec() {
      return OffsetSpec.forTimestamp(time.toEpochMilli());
    }

    @Override
    public String toString() {
      return time.toString();
    }
  }

  /**
   * One partition's move: {@code from} the committed offset {@code to} the new one ({@code
   * requested} is what the target named; {@code note} says why {@code to} differs).
   */
  public record Move(String topic, int partition, long from, long requested, long to, String note) {
    /** Records read again (positive) or skipped, never landed (negative); offsets, markers too. */
    public long reread() {
      return from - to;
    }

    /** The move in words; {@code landing}: what it means for landed objects. */
    public String words(boolean landing) {
      long d = reread();
      return topic
          + "-"
          + partition
          + ": "
          + from
          + " → "
          + to
          + (d > 0
              ? " (" + d + " offsets read again" + (landing ? ", rewriting the same objects)" : ")")
              : d < 0
                  ? " (" + -d + " offsets skipped" + (landing ? ": never landed)" : ")")
                  : " (no change)")
          + (note.isEmpty() ? "" : " — " + note);
    }
  }

  private OffsetsReset() {}

  /**
   * The moves, in partition order: per partition from {@code committed} (absent: {@code logStart},
   * where the connector would begin) to {@code requested}, a rewind placed on a remembered cycle
   * start of {@code states} (each keeping at most {@code kept} ends).
   */
  public static List<Move> plan(
      String topic,
      Map<Integer, Long> committed,
      Map<Integer, Long> requested,
      Map<Integer, Long> logStart,
      Map<Integer, PartitionState> states,
      int kept) {
    List<Move> moves = new ArrayList<>();
    for (Map.Entry<Integer, Long> r : new TreeMap<>(requested).entrySet()) {
      int p = r.getKey();
      long start = logStart.getOrDefault(p, 0L);
      long from = committed.getOrDefault(p, start);
      long want = Math.max(r.getValue(), start);
      if (want >= from) {
        moves.add(new Move(topic, p, from, r.getValue(), want, ""));
        continue;
      }
      PartitionState s = states.get(p);
      List<Long> starts = new ArrayList<>();
      // the first cycle began at offset 0 if no end was ever forgotten and none was deleted
      if (s == null || (s.boundaries().size() < kept && start == 0)) {
        starts.add(0L);
      }
      if (s != null) {
        s.boundaries().forEach(b -> starts.add(b + 1));
      }
      long below = -1;
      long above = -1;
      for (long c : starts) {
        if (c >= start && c <= want) {
          below = Math.max(below, c);
        }
        if (c >= want && c >= start && (above < 0 || c < above)) {
          above = c;
        }
      }
      long to;
      String note;
      if (below >= 0) {
        to = below;
        note = below == want ? "" : "moved down to the start of the write cycle holding " + want;
      } else if (above >= 0) {
        to = Math.min(above, from);
        note =
            "cycles before "
                + above
                + " are no longer remembered (landing.state.boundaries.kept="
                + kept
                + "): re-reading them would land second copies";
      } else {
        to = from;
        note = "no remembered write cycle to rewind to";
      }
      moves.add(new Move(topic, p, from, r.getValue(), to, note));
    }
    return moves;
  }

  /**
   * The confirmation of {@code moves} of {@code group} (a landing connector's: rewinds rewrite the
   * same objects): what the move means in total, then each partition.
   */
  public static String confirmation(String group, boolean landing, List<Move> moves) {
    long again = moves.stream().mapToLong(m -> Math.max(0, m.reread())).sum();
    long skipped = moves.stream().mapToLong(m -> Math.max(0, -m.reread())).sum();
    StringBuilder b =
        new StringBuilder(
            "Reset "
                + group
                + ": "
                + again
                + (landing
                    ? " offsets read again (landed objects rewritten in place, counts unchanged), "
                        + skipped
                        + " skipped (never landed). The connector is stopped, moved, then resumed.\n"
                    : " offsets read again, "
                        + skipped
                        + " skipped. The group must be inactive (no member) while it moves.\n"));
    moves.forEach(m -> b.append("  ").append(m.words(landing)).append('\n'));
    return b.toString();
  }

  /**
   * Any other consumer group (an operator's own consumers): its committed offsets on every topic it
   * has, moved with the Admin client — only while the group has no member (EMPTY), as {@code
   * kafka-consumer-groups --reset-offsets} requires; its consumers must be stopped first.
   */
  public record Group(Admin admin, String group) {
    /** The plan for {@code target} against the group's commits now (nothing changes). */
    public List<Move> plan(Target target)
        throws InterruptedException, ExecutionException, TimeoutException {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      if (committed.isEmpty()) {
        throw new IllegalStateException("group " + group + " has no committed offsets to move");
      }
      Map<TopicPartition, Long> start = offsets(committed.keySet(), OffsetSpec.earliest());
      Map<TopicPartition, Long> end = offsets(committed.keySet(), OffsetSpec.latest());
      Map<TopicPartition, Long> asked = offsets(committed.keySet(), target.spec());
      List<Move> moves = new ArrayList<>();
      committed.keySet().stream()
          .sorted(
              Comparator.comparing(TopicPartition::topic)
                  .thenComparingInt(TopicPartition::partition))
          .forEach(
              tp -> {
                long want = asked.get(tp) < 0 ? end.get(tp) : asked.get(tp);
                long to = Math.max(start.get(tp), Math.min(want, end.get(tp)));
                OffsetAndMetadata c = committed.get(tp);
                moves.add(
                    new Move(
                        tp.topic(), tp.partition(), c == null ? to : c.offset(), want, to, ""));
              });
      return moves;
    }

    /** Moves the group's offsets, refused while it has members; returns the moves applied. */
    public List<Move> apply(Target target)
        throws InterruptedException, ExecutionException, TimeoutException {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      if (!d.members().isEmpty()) {
        throw new IllegalStateException(
            "group "
                + group
                + " has "
                + d.members().size()
                + " active member(s): stop its consumers first (offsets are moved only while a"
                + " group is inactive)");
      }
      List<Move> moves = plan(target);
      Map<TopicPartition, OffsetAndMetadata> to = new HashMap<>();
      moves.stream()
          .filter(m -> m.reread() != 0)
          .forEach(
              m ->
                  to.put(
                      new TopicPartition(m.topic(), m.partition()), new OffsetAndMetadata(m.to())));
      if (!to.isEmpty()) {
        admin.alterConsumerGroupOffsets(group, to).all().get(10, TimeUnit.SECONDS);
      }
      return moves;
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
        throws InterruptedException, ExecutionException, TimeoutException {
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      partitions.forEach(tp -> ask.put(tp, spec));
      Map<TopicPartition, Long> out = new HashMap<>();
      admin
          .listOffsets(ask)
          .all()
          .get(10, TimeUnit.SECONDS)
          .forEach((tp, info) -> out.put(tp, info.offset()));
      return out;
    }
  }

  /** What the reset works with. */
  public record Landing(
      ConnectAdmin connect,
      Admin admin,
      LandingIndex index,
      String connector,
      String topic,
      int kept) {

    /** The stack's landing connector, on the configured events topic. */
    public static Landing of(
        HeatlabConfig config, StackEndpoints endpoints, Admin admin, LandingIndex index) {
      return new Landing(
          new ConnectAdmin(endpoints.connectUrl()),
          admin,
          index,
          config.getString(HeatlabConfig.LANDING_CONNECTOR),
          config.getString(HeatlabConfig.EVENTS_TOPIC),
          config.getInt(HeatlabConfig.LANDING_PREFIX + LandingConfig.STATE_HISTORY));
    }

    /** The plan for {@code target} against the offsets committed now (nothing changes). */
    public List<Move> plan(Target target)
        throws IOException, InterruptedException, ExecutionException, TimeoutException {
      Map<Integer, Long> start = offsets(OffsetSpec.earliest());
      Map<Integer, Long> end = offsets(OffsetSpec.latest());
      Map<Integer, Long> requested = offsets(target.spec());
      // no record at or after the time: the end
      requested.replaceAll((p, o) -> o < 0 ? end.get(p) : o);
      Map<Integer, PartitionState> states = new HashMap<>();
      index.partitionStates(connector).stream()
          .filter(s -> s.topic().equals(topic))
          .forEach(s -> states.put(s.partition(), s));
      return OffsetsReset.plan(
          topic, connect.offsets(connector, topic), requested, start, states, kept);
    }

    /**
     * Stops the connector, checks its group is empty, plans again against the final commits, moves
     * the offsets, resumes; returns the moves applied. The connector is resumed whatever fails
     * after it stopped.
     */
    public List<Move> apply(Target target, Consumer<String> progress)
        throws IOException, InterruptedException, ExecutionException, TimeoutException {
      progress.accept("stopping connector " + connector);
      connect.stop(connector);
      try {
        connect.awaitState(connector, "STOPPED", WAIT);
        String group = "connect-" + connector;
        awaitEmpty(group);
        List<Move> moves = plan(target);
        Map<Integer, Long> to = new TreeMap<>();
        moves.stream().filter(m -> m.reread() != 0).forEach(m -> to.put(m.partition(), m.to()));
        if (!to.isEmpty()) {
          progress.accept("moving " + to.size() + " partition(s) of " + group);
          connect.alterOffsets(connector, topic, to);
        }
        return moves;
      } finally {
        progress.accept("resuming connector " + connector);
        connect.resume(connector);
        connect.awaitState(connector, "RUNNING", WAIT);
      }
    }

    private void awaitEmpty(String group)
        throws InterruptedException, ExecutionException, TimeoutException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        ConsumerGroupDescription d =
            admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
        GroupState state = d.groupState();
        if (state == GroupState.EMPTY || state == GroupState.DEAD) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "group "
                  + group
                  + " is still "
                  + state
                  + " with "
                  + d.members().size()
                  + " member(s): offsets are moved only while it is inactive");
        }
        Thread.sleep(200);
      }
    }

    private Map<Integer, Long> offsets(OffsetSpec spec)
        throws InterruptedException, ExecutionException, TimeoutException {
      int partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(10, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        ask.put(new TopicPartition(topic, p), spec);
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> got =
          admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
      Map<Integer, Long> out = new HashMap<>();
      got.forEach((tp, info) -> out.put(tp.partition(), info.offset()));
      return out;
    }
  }
}
