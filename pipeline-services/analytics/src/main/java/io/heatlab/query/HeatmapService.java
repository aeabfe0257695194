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
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heatmap of one screen over a time range, answered from the coarsest rollups that are complete
 * for it ({@link HeatmapQuery}, {@link RollupCoverage}) — the same counts as summing {@code
 * heatmap_hourly} alone — with its coverage: which landed hours of the range are not rolled up yet.
 * Ranges are widened to whole UTC hours (the rollups' resolution); the answer says which range it
 * covers.
 */
public final class HeatmapService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeatmapService.class);

  /** The longest range one query may cover. */
  public static final Duration MAX_RANGE = Duration.ofDays(400);

  private final HeatmapQuery query;
  private final RollupCoverage coverage;
  private final Cache<WindowKey, WindowCounts> windows;

  /** Loads windows into {@link #windows} after a first ask answered them summed. */
  private final ThreadPoolExecutor loader;

  /** The loads queued or running (one per request shape and windows: no load twice). */
  private final Set<Load> loading = ConcurrentHashMap.newKeySet();

  /**
   * Most windows a request reads one by one (and keeps) before it answers; with more missing (a
   * first ask of a range) their sum is read instead — about a tenth of the rows to send and parse —
   * and the windows are loaded in the background for the next asks.
   */
  private static final int READ_INLINE = 8;

  /** What a request asks of each window: one (client, screen, types, viewport class). */
  private record Shape(
      String clientId, String screenId, List<String> types, ViewportClass viewport) {
    static Shape of(Request r) {
      return new Shape(r.clientId(), r.screenId(), r.types(), r.viewport());
    }
  }

  /** A background read of {@code windows} for {@code shape}. */
  private record Load(Shape shape, List<HeatmapQuery.Window> windows) {}

  /**
   * Most windows of one publish loaded ahead for each shape asked lately (the newest: a rerun of
   * months is read when asked).
   */
  private static final int LOAD_AHEAD = 48;

  /**
   * The shapes asked in the last hour (up to 64): what a publish's windows are loaded ahead for.
   */
  private final Cache<Shape, Boolean> recent =
      Caffeine.newBuilder().maximumSize(64).expireAfterWrite(Duration.ofHours(1)).build();

  /**
   * A kept window's key: one type of one (client, screen, viewport class) in one window, under the
   * window's version ({@link RollupCoverage#version}: the run that published it) — a rerun makes a
   * new key, so a kept window is never stale.
   */
  private record WindowKey(
      String clientId,
      String screenId,
      String type,
      ViewportClass viewport,
      HeatmapQuery.Window window,
      Instant version) {}

  /**
   * A window's published cells ({@code y * SIZE + x}) and their counts, as read: a cell may appear
   * twice (parts not merged yet), {@link #addTo} sums.
   */
  private record WindowCounts(short[] cells, long[] counts) {
    static final WindowCounts EMPTY = new WindowCounts(new short[0], new long[0]);

    void addTo(long[] grid) {
      for (int i = 0; i < cells.length; i++) {
        grid[cells[i]] += counts[i];
      }
    }

    /** Its size in memory, about: what the cache weighs it at. */
    int bytes() {
      return 96 + cells.length * (Short.BYTES + Long.BYTES);
    }
  }

  /** Collects one window's rows as they are read. */
  private static final class WindowRows {
    private short[] cells = new short[256];
    private long[] counts = new long[256];
    private int n;

    void add(int x, int y, long count) {
      if (n == cells.length) {
        cells = Arrays.copyOf(cells, n * 2);
        counts = Arrays.copyOf(counts, n * 2);
      }
      cells[n] = (short) (y * HeatmapGrid.SIZE + x);
      counts[n++] = count;
    }

    WindowCounts counts() {
      return new WindowCounts(Arrays.copyOf(cells, n), Arrays.copyOf(counts, n));
    }
  }

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

  /**
   * With up to {@code cacheMegabytes} of published windows kept in memory (0: none): a request asks
   * ClickHouse only for the windows of its plan that are not kept at their current version.
   */
  public HeatmapService(HeatmapQuery query, RollupCoverage coverage, int cacheMegabytes) {
    this.query = query;
    this.coverage = coverage;
    this.windows =
        cacheMegabytes == 0
            ? null
            : Caffeine.newBuilder()
                .maximumWeight(cacheMegabytes * 1024L * 1024L)
                .<WindowKey, WindowCounts>weigher((k, v) -> v.bytes())
                .expireAfterAccess(Duration.ofHours(6))
                .build();
    this.loader =
        cacheMegabytes == 0
            ? null
            : new ThreadPoolExecutor(
                1,
                1,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(64),
                r -> {
                  Thread t = new Thread(r, "heatmap-window-loader");
                  t.setDaemon(true);
                  return t;
                });
    if (windows != null) {
      coverage.onPublished(this::loadAhead);
    }
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
        new HeatmapQuery(reader), coverage, config.getInt(HeatlabConfig.QUERY_CACHE_MB));
  }

  /**
   * Closes the ClickHouse client and stops the coverage refresh (before ClickHouse stops: 18.16
   * waits for open keep-alive connections).
   */
  @Override
  public void close() {
    coverage.close();
    if (loader != null) {
      loader.shutdownNow();
    }
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
    HeatmapGrid grid = counts(r, plan);
    Map<ViewportClass, Long> others = new EnumMap<>(ViewportClass.class);
    if (grid.total() == 0) {
      others.putAll(query.totalsByViewport(r.clientId(), r.screenId(), r.types(), plan));
      others.remove(r.viewport());
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

  /**
   * The grid of {@code r} over the windows of {@code plan}: kept windows summed in memory, the
   * others from ClickHouse in one query — up to {@link #READ_INLINE} read one by one and kept, more
   * read as their sum and loaded in the background. Windows past their retention are never kept: a
   * drop changes a window without a run, so it has no version to be kept under.
   */
  private HeatmapGrid counts(Request r, List<HeatmapQuery.Window> plan)
      throws IOException, SQLException {
    long[] grid = new long[HeatmapGrid.SIZE * HeatmapGrid.SIZE];
    Shape shape = Shape.of(r);
    if (windows != null) {
      recent.put(shape, Boolean.TRUE);
    }
    List<HeatmapQuery.Window> toRead = new ArrayList<>();
    Map<HeatmapQuery.Window, Instant> versions = new HashMap<>();
    for (HeatmapQuery.Window w : plan) {
      Optional<Instant> version = windows == null ? Optional.empty() : coverage.version(w);
      List<WindowCounts> kept = version.map(v -> kept(shape, w, v)).orElse(null);
      if (kept != null) {
        kept.forEach(c -> c.addTo(grid));
      } else {
        toRead.add(w);
        version.ifPresent(v -> versions.put(w, v));
      }
    }
    if (windows != null && !toRead.isEmpty() && toRead.size() <= READ_INLINE) {
      read(shape, toRead, versions, grid);
    } else if (!toRead.isEmpty()) { // their sum; with a cache, the windows for the next asks
      long[] summed =
          query.heatmap(r.clientId(), r.screenId(), r.types(), r.viewport(), toRead).counts();
      for (int i = 0; i < grid.length; i++) {
        grid[i] += summed[i];
      }
      if (windows != null) {
        loadLater(shape, toRead, versions);
      }
    }
    if (windows != null) {
      loadEdges(shape, plan);
    }
    return new HeatmapGrid(HeatmapGrid.SIZE, HeatmapGrid.SIZE, grid);
  }

  /** The kept counts of each of {@code shape}'s types in {@code w} at {@code version}, or null. */
  private List<WindowCounts> kept(Shape shape, HeatmapQuery.Window w, Instant version) {
    List<WindowCounts> kept = new ArrayList<>(shape.types().size());
    for (String type : shape.types()) {
      WindowCounts c =
          windows.getIfPresent(
              new WindowKey(
                  shape.clientId(), shape.screenId(), type, shape.viewport(), w, version));
      if (c == null) {
        return null;
      }
      kept.add(c);
    }
    return kept;
  }

  /**
   * Loads in the background the finer windows of the first and the last daily or weekly window of
   * {@code plan} (24 hours of a day, 7 days of a week) that are not kept: when the range moves
   * across a day's or a week's boundary — "the last 7 days" an hour later — its edge day is read as
   * 23 hourly windows instead of one daily, and they are then in memory rather than asked of
   * ClickHouse as a sum. Within retention only (a window without a version is never kept).
   */
  private void loadEdges(Shape shape, List<HeatmapQuery.Window> plan)
      throws IOException, SQLException {
    HeatmapQuery.Window first = null;
    HeatmapQuery.Window last = null;
    for (HeatmapQuery.Window w : plan) {
      if (w.granularity().finer().isPresent()) {
        first = first == null || w.start().isBefore(first.start()) ? w : first;
        last = last == null || w.start().isAfter(last.start()) ? w : last;
      }
    }
    if (first == null) {
      return;
    }
    for (HeatmapQuery.Window edge : first.equals(last) ? List.of(first) : List.of(first, last)) {
      Granularity finer = edge.granularity().finer().orElseThrow();
      Map<HeatmapQuery.Window, Instant> versions = new HashMap<>();
      List<HeatmapQuery.Window> missing = new ArrayList<>();
      for (Instant start : finer.windows(edge.start(), edge.granularity().end(edge.start()))) {
        HeatmapQuery.Window w = new HeatmapQuery.Window(finer, start);
        Optional<Instant> version = coverage.version(w);
        if (version.isPresent() && kept(shape, w, version.get()) == null) {
          missing.add(w);
          versions.put(w, version.get());
        }
      }
      if (!missing.isEmpty()) {
        loadLater(shape, missing, versions);
      }
    }
  }

  /**
   * Reads {@code toRead}'s windows one by one (one query), adds them to {@code grid} (unless null)
   * and keeps those with a version.
   */
  private void read(
      Shape shape,
      List<HeatmapQuery.Window> toRead,
      Map<HeatmapQuery.Window, Instant> versions,
      long[] grid)
      throws SQLException {
    int types = shape.types().size();
    WindowRows[] read = new WindowRows[toRead.size() * types];
    query.windowCells(
        shape.clientId(),
        shape.screenId(),
        shape.types(),
        shape.viewport(),
        toRead,
        (w, type, x, y, count) -> {
          int i = w * types + type;
          if (read[i] == null) {
            read[i] = new WindowRows();
          }
          read[i].add(x, y, count);
        });
    for (int w = 0; w < toRead.size(); w++) {
      for (int t = 0; t < types; t++) {
        WindowRows wr = read[w * types + t];
        WindowCounts c = wr == null ? WindowCounts.EMPTY : wr.counts();
        if (grid != null) {
          c.addTo(grid);
        }
        Instant version = versions.get(toRead.get(w));
        if (version != null) {
          windows.put(
              new WindowKey(
                  shape.clientId(),
                  shape.screenId(),
                  shape.types().get(t),
                  shape.viewport(),
                  toRead.get(w),
                  version),
              c);
        }
      }
    }
  }

  /**
   * After a refresh of the coverage found windows published anew: loads the newest of them for each
   * shape asked in the last hour, so that a dashboard's range moved by the hour just rolled up
   * finds its new window kept.
   */
  private void loadAhead(Map<HeatmapQuery.Window, Instant> published) {
    List<HeatmapQuery.Window> newest =
        published.keySet().stream()
            .sorted(Comparator.comparing(HeatmapQuery.Window::start).reversed())
            .limit(LOAD_AHEAD)
            .toList();
    for (Shape shape : recent.asMap().keySet()) {
      loadLater(shape, newest, published);
    }
  }

  /** Whether windows are being loaded into memory in the background (tests). */
  public boolean loading() {
    return !loading.isEmpty();
  }

  /** Queues the reading of {@code toRead}'s windows into memory; dropped if 64 wait already. */
  private void loadLater(
      Shape shape, List<HeatmapQuery.Window> toRead, Map<HeatmapQuery.Window, Instant> versions) {
    List<HeatmapQuery.Window> keepable = toRead.stream().filter(versions::containsKey).toList();
    Load load = new Load(shape, keepable);
    if (keepable.isEmpty() || !loading.add(load)) {
      return;
    }
    Map<HeatmapQuery.Window, Instant> at = Map.copyOf(versions);
    try {
      loader.execute(
          () -> {
            try {
              read(shape, load.windows(), at, null);
            } catch (SQLException | RuntimeException e) {
              LOG.debug("Loading {} heatmap window(s) failed: {}", at.size(), e.toString());
            } finally {
              loading.remove(load);
            }
          });
    } catch (RejectedExecutionException full) {
      loading.remove(load);
    }
  }

  private static final class CoverageFailure extends RuntimeException {
    CoverageFailure(Exception cause) {
      super(cause);
    }
  }
}
