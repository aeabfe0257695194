package io.heatlab.console.overview;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline line of the overview — accepted → in Kafka → landed → aggregated — and the
 * freshness, with the rules that turn it red. Pure: computed from one sample and the previous
 * verdict, tested without a toolkit.
 *
 * <ul>
 *   <li>{@code accepted}: batches the HTTP endpoint answered 202 for since it started, each one
 *       Kafka record (contract v2; null: not reachable);
 *   <li>{@code inKafka}: records ever appended to the batches topic (Σ log end offsets);
 *   <li>{@code landed}: offsets the landing connector committed (Σ committed offsets), and {@code
 *       lag}: the records it has not landed yet (transaction markers take offsets but are not
 *       records);
 *   <li>{@code aggregated}: events counted in {@code heatmap_hourly} (Σ count, all time);
 *   <li>{@code overCounted}: rolled-up hours whose count exceeds the rows their last successful run
 *       read (a run counts each batch once, so it can only count fewer);
 *   <li>{@code freshThrough}: everything landed before this instant is rolled up ({@link
 *       #freshThrough}).
 * </ul>
 *
 * Red when a later stage holds more than an earlier one (lost or double-counted data), when the
 * landing lag has not moved for {@code stuckAfter}, or when freshness is older than {@code
 * freshnessThreshold}.
 */
public record PipelineStatus(
    Instant at,
    Long accepted,
    long inKafka,
    long landed,
    long lag,
    long aggregated,
    Instant freshThrough,
    Instant landedLastMoved,
    List<String> problems) {

  /**
   * Σ heatmap_hourly of a rolled-up hour against the rows its last successful run read from the
   * lake.
   */
  public record HourCheck(String hour, long counted, long rowsRead) {}

  /** How a problem of landing that stopped moving begins. */
  public static final String STUCK = "landing stuck";

  /** How a problem of freshness past its threshold begins. */
  public static final String FRESHNESS = "freshness";

  public boolean ok() {
    return problems.isEmpty();
  }

  /** How far behind now the rolled-up data is; zero when nothing has landed yet. */
  public Duration freshness() {
    return freshThrough == null
        ? Duration.ZERO
        : Duration.between(freshThrough, at).isNegative()
            ? Duration.ZERO
            : Duration.between(freshThrough, at);
  }

  /** One sample of the pipeline's counters (see the class comment for each). */
  public record Sample(
      Instant at,
      Long accepted,
      long inKafka,
      long landed,
      long lag,
      long aggregated,
      List<HourCheck> overCounted,
      Instant freshThrough) {}

  /**
   * When the line turns red: landing not moving for {@code stuckAfter}, freshness past {@code
   * freshness}.
   */
  public record Thresholds(Duration stuckAfter, Duration freshness) {}

  /**
   * Judges a sample; {@code previous} (or null) tells since when the landed count has not moved.
   */
  public static PipelineStatus judge(
      Sample sample, PipelineStatus previous, Thresholds thresholds) {
    Instant at = sample.at();
    Long accepted = sample.accepted();
    long inKafka = sample.inKafka();
    long landed = sample.landed();
    long lag = sample.lag();
    long aggregated = sample.aggregated();
    List<HourCheck> overCounted = sample.overCounted();
    Instant freshThrough = sample.freshThrough();
    Duration stuckAfter = thresholds.stuckAfter();
    Duration freshnessThreshold = thresholds.freshness();
    Instant lastMoved =
        previous == null || previous.landed() != landed ? at : previous.landedLastMoved();
    List<String> problems = new ArrayList<>();
    if (accepted != null && accepted > inKafka) {
      problems.add(
          String.format(
              "accepted %,d batches > in Kafka %,d records: acknowledged batches are missing from the"
                  + " topic",
              accepted, inKafka));
    }
    if (landed > inKafka) {
      problems.add(
          String.format(
              "landed %,d > in Kafka %,d: the connector's offsets are ahead of the log",
              landed, inKafka));
    }
    for (HourCheck h : overCounted) {
      problems.add(
          String.format(
              "hour %s counts %,d events but its rollup read %,d rows: events are counted twice",
              h.hour(), h.counted(), h.rowsRead()));
    }
    if (lag > 0 && Duration.between(lastMoved, at).compareTo(stuckAfter) >= 0) {
      problems.add(
          String.format(
              STUCK + ": %,d records behind and nothing landed for %s",
              lag,
              human(Duration.between(lastMoved, at))));
    }
    PipelineStatus s =
        new PipelineStatus(
            at, accepted, inKafka, landed, lag, aggregated, freshThrough, lastMoved, problems);
    if (s.freshness().compareTo(freshnessThreshold) > 0) {
      problems.add(
          FRESHNESS
              + " "
              + human(s.freshness())
              + " is past the "
              + human(freshnessThreshold)
              + " threshold: run the hourly rollup");
    }
    return new PipelineStatus(
        at,
        accepted,
        inKafka,
        landed,
        lag,
        aggregated,
        freshThrough,
        lastMoved,
        List.copyOf(problems));
  }

  /**
   * The freshness rule: the start of the oldest hour whose landed data is not all rolled up — of
   * the hours that received objects ({@code newestWrite}: hour → when its newest object was
   * written), one with no successful hourly run, or whose newest object was written at or after
   * that run started (late data, or the hour still being written) — else the end of the newest
   * rolled-up hour, never later than {@code now}; null when nothing landed or was rolled up.
   */
  public static Instant freshThrough(
      Instant now, Map<Instant, Instant> lastRunStarted, Map<Instant, Instant> newestWrite) {
    Optional<Instant> oldestBehind =
        newestWrite.entrySet().stream()
            .filter(
                w -> {
                  Instant run = lastRunStarted.get(w.getKey());
                  return run == null || !w.getValue().isBefore(run);
                })
            .map(Map.Entry::getKey)
            .min(Instant::compareTo);
    if (oldestBehind.isPresent()) {
      return oldestBehind.get();
    }
    return lastRunStarted.keySet().stream()
        .max(Instant::compareTo)
        .map(h -> h.plus(Duration.ofHours(1)))
        .map(end -> end.isAfter(now) ? now : end)
        .orElse(null);
  }

  /** "2 h 05 min", "3 min 10 s", "12 s". */
  public static String human(Duration d) {
    long s = d.getSeconds();
    if (s >= 3600) {
      return String.format("%d h %02d min", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format("%d min %02d s", s / 60, s % 60);
    }
    return s + " s";
  }
}
