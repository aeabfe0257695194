package io.heatlab.query;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.contract.ContractRules;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.ClickHouseReader;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.olap.Retention;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.rollup.RollupRuns;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The heatmap of one screen over a time range, answered from the coarsest rollups that are complete
 * for it ({@link HeatmapQuery}, {@link RollupCoverage}) — the same counts as summing {@code
 * heatmap_hourly} alone — with its coverage: which landed hours of the range are not rolled up yet.
 * Ranges are widened to whole UTC hours (the rollups' resolution); the answer says which range it
 * covers.
 */
public final class HeatmapService implements AutoCloseable {
  /** The longest range one query may cover. */
  public static final Duration MAX_RANGE = Duration.ofDays(400);

  private final HeatmapQuery query;
  private final RollupCoverage coverage;
  private final Cache<AnswerKey, Counts> answers;

  /**
   * A kept answer's key: the request over whole hours, its plan, and the version of each planned
   * window ({@link RollupCoverage#version}) — a rerun of any of them makes a new key.
   */
  private record AnswerKey(
      String clientId,
      String screenId,
      List<String> types,
      ViewportClass viewport,
      List<HeatmapQuery.Window> plan,
      List<Instant> versions) {}

  /** A kept answer's counts (copied out: grids are mutable). */
  private record Counts(long[] grid, Map<ViewportClass, Long> otherViewports) {}

  /**
   * A heatmap request: ids as in the contract, event types among move/click, one viewport class (a
   * heatmap never mixes layouts), any instants.
   */
  public record Request(
      String clientId,
      String screenId,
      List<String> types,
      ViewportClass viewport,
      Instant from,
      Instant to) {
    public Request {
      HeatmapQuery.requireId(ContractRules.Id.CLIENT, clientId);
      HeatmapQuery.requireId(ContractRules.Id.SCREEN, screenId);
      if (viewport == null) {
        throw new IllegalArgumentException(
            "viewport: name a viewport class (desktop, tablet, mobile, unknown)");
      }
      if (types == null || types.isEmpty()) {
        throw new IllegalArgumentException("type: name at least one event type (move, click)");
      }
      for (String t : types) {
        if (!t.equals("move") && !t.equals("click")) {
          throw new IllegalArgumentException(
              "type: '" + t + "' is not an event type (move, click)");
        }
      }
      types = List.copyOf(types);
      if (from == null || to == null || !from.isBefore(to)) {
        throw new IllegalArgumentException("from must be before to");
      }
      if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
        throw new IllegalArgumentException(
            "the range is longer than " + MAX_RANGE.toDays() + " days");
      }
    }

    /** The same request over whole hours: from down, to up. */
    Request wholeHours() {
      Instant f = from.truncatedTo(ChronoUnit.HOURS);
      Instant t = to.truncatedTo(ChronoUnit.HOURS);
      return new Request(
          clientId, screenId, types, viewport, f, t.equals(to) ? t : t.plus(Duration.ofHours(1)));
    }
  }

  /**
   * The answer: the range covered, the grid, the landed hours not rolled up, the windows past their
   * retention (not counted), the windows read per table, and — only when the grid is empty — the
   * events the other viewport classes have over the same range (rows rolled up before the viewport
   * class joined the key are all {@code unknown}).
   */
  public record Answer(
      Request request,
      HeatmapGrid grid,
      List<Instant> missingHours,
      List<RollupCoverage.Expired> expired,
      Map<Granularity, Integer> windowsRead,
      Map<ViewportClass, Long> otherViewports) {
    /** What the answer lacks, in words (empty when it lacks nothing). */
    public String gaps() {
      List<String> gaps = new ArrayList<>();
      if (!otherViewports.isEmpty()) {
        List<String> others = new ArrayList<>();
        otherViewports.forEach((v, n) -> others.add(String.format("%s %,d", v.id(), n)));
        gaps.add(
            "no "
                + request.viewport().id()
                + " events; other viewport classes have some: "
                + String.join(", ", others));
      }
      if (!missingHours.isEmpty()) {
        gaps.add(missingHours.size() + " landed hour(s) not rolled up yet");
      }
      for (RollupCoverage.Expired e : expired) {
        gaps.add(
            e.granularity().label(e.from())
                + " … "
                + e.granularity().label(e.granularity().windowOf(e.to().minusSeconds(1)))
                + " past the "
                + e.granularity().name().toLowerCase()
                + " retention: not counted");
      }
      return String.join("; ", gaps);
    }
  }

  public HeatmapService(HeatmapQuery query, RollupCoverage coverage) {
    this(query, coverage, 0);
  }

  /** With up to {@code cachedAnswers} answers kept in memory (0: none). */
  public HeatmapService(HeatmapQuery query, RollupCoverage coverage, int cachedAnswers) {
    this.query = query;
    this.coverage = coverage;
    this.answers =
        cachedAnswers == 0
            ? null
            : Caffeine.newBuilder()
                .maximumSize(cachedAnswers)
                .expireAfterAccess(Duration.ofMinutes(30))
                .build();
  }

  /**
   * The service over the stack of {@code config}: ClickHouse for counts and runs, storage for
   * landed hours.
   */
  public static HeatmapService of(HeatlabConfig config, StackEndpoints endpoints) {
    ClickHouseJdbc jdbc = ClickHouseJdbc.forQueries(config, endpoints);
    ClickHouseReader reader = jdbc.reader();
    ObjectStore store = endpoints.objectStore(config);
    LandingIndex landing = new LandingIndex(store, new LandingLayout(LandingLayout.DEFAULT_PREFIX));
    RollupCoverage coverage =
        new RollupCoverage(
            new RollupRuns(jdbc),
            landing,
            Retention.of(config),
            Duration.ofSeconds(10),
            Duration.ofDays(400),
            Clock.systemUTC());
    coverage.refreshInBackground(reader, Duration.ofSeconds(1));
    return new HeatmapService(
        new HeatmapQuery(reader),
        coverage,
        config.getInt(HeatlabConfig.QUERY_ANSWER_CACHE_ENTRIES));
  }

  /**
   * Closes the ClickHouse client and stops the coverage refresh (before ClickHouse stops: 18.16
   * waits for open keep-alive connections).
   */
  @Override
  public void close() {
    coverage.close();
    query.close();
  }

  public RollupCoverage coverage() {
    return coverage;
  }

  public Answer heatmap(Request request) throws SQLException, IOException {
    Request r = request.wholeHours();
    List<HeatmapQuery.Window> plan = new ArrayList<>();
    try {
      plan =
          HeatmapQuery.plan(
              r.from(),
              r.to(),
              w -> {
                try {
                  return coverage.usable(w);
                } catch (IOException | SQLException e) {
                  throw new CoverageFailure(e);
                }
              });
    } catch (CoverageFailure e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw (IOException) e.getCause();
    }
    Map<Granularity, Integer> read = new EnumMap<>(Granularity.class);
    plan.forEach(w -> read.merge(w.granularity(), 1, Integer::sum));
    AnswerKey key = key(r, plan);
    Counts kept = key == null ? null : answers.getIfPresent(key);
    HeatmapGrid grid;
    Map<ViewportClass, Long> others = new EnumMap<>(ViewportClass.class);
    if (kept != null) {
      grid = new HeatmapGrid(HeatmapGrid.SIZE, HeatmapGrid.SIZE, kept.grid().clone());
      others.putAll(kept.otherViewports());
    } else {
      grid = query.heatmap(r.clientId(), r.screenId(), r.types(), r.viewport(), plan);
      if (grid.total() == 0) {
        others.putAll(query.totalsByViewport(r.clientId(), r.screenId(), r.types(), plan));
        others.remove(r.viewport());
      }
      if (key != null) {
        answers.put(key, new Counts(grid.counts().clone(), Map.copyOf(others)));
      }
    }
    return new Answer(
        r, grid, coverage.missingHours(r.from(), r.to()), coverage.expired(plan), read, others);
  }

  /**
   * One cell of a heatmap over time (the drill-down): its count per window of {@code granularity}
   * (hours up to 7 days, days up to 90, else weeks), every window of the range present (0 when
   * empty), the hours of the range that landed but are not rolled up and the windows past their
   * retention (neither counted).
   */
  public record Cell(
      int x,
      int y,
      Granularity granularity,
      SortedMap<Instant, Long> counts,
      List<Instant> missingHours,
      List<RollupCoverage.Expired> expired) {
    public long total() {
      return counts.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The drill-down of cell ({@code x}, {@code y}) of {@code request}'s heatmap. */
  public Cell cell(Request request, int x, int y) throws SQLException, IOException {
    Request r = request.wholeHours();
    Duration range = Duration.between(r.from(), r.to());
    Granularity g =
        range.compareTo(Duration.ofDays(7)) <= 0
            ? Granularity.HOURLY
            : range.compareTo(Duration.ofDays(90)) <= 0 ? Granularity.DAILY : Granularity.WEEKLY;
    List<HeatmapQuery.Window> windows =
        g.windows(r.from(), r.to()).stream().map(w -> new HeatmapQuery.Window(g, w)).toList();
    SortedMap<Instant, Long> counts = new TreeMap<>();
    windows.forEach(w -> counts.put(w.start(), 0L));
    counts.putAll(
        query.cellCounts(r.clientId(), r.screenId(), r.types(), r.viewport(), windows, x, y));
    return new Cell(
        x, y, g, counts, coverage.missingHours(r.from(), r.to()), coverage.expired(windows));
  }

  /**
   * Whether a landed event counts in cell ({@code x}, {@code y}) of {@code request}'s heatmap: its
   * client, screen, an asked type, its viewport class and cell — the rollup's rules, row by row.
   */
  public static Predicate<LandedEvent> inCell(Request request, int x, int y) {
    return e ->
        e.clientId().equals(request.clientId())
            && e.screenId().equals(request.screenId())
            && request.types().contains(e.eventType())
            && ViewportClass.ofWidth(e.viewportW()) == request.viewport()
            && HeatmapGrid.cellOf(e.xNorm()) == x
            && HeatmapGrid.cellOf(e.yNorm()) == y;
  }

  /** The key of a request's answer; null when it must not be kept (a window past retention). */
  private AnswerKey key(Request r, List<HeatmapQuery.Window> plan)
      throws IOException, SQLException {
    if (answers == null) {
      return null;
    }
    List<Instant> versions = new ArrayList<>(plan.size());
    for (HeatmapQuery.Window w : plan) {
      Optional<Instant> v = coverage.version(w);
      if (v.isEmpty()) {
        return null;
      }
      versions.add(v.get());
    }
    return new AnswerKey(
        r.clientId(), r.screenId(), r.types(), r.viewport(), List.copyOf(plan), versions);
  }

  private static final class CoverageFailure extends RuntimeException {
    CoverageFailure(Exception cause) {
      super(cause);
    }
  }
}
