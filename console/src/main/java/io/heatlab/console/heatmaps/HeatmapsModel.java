package io.heatlab.console.heatmaps;

import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Background;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.FxImages;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.CellSources;
import io.heatlab.landing.HourPartition;
import io.heatlab.olap.Granularity;
import io.heatlab.query.HeatmapService;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.render.HeatmapRenderer;
import io.heatlab.render.SignificantDifference;
import io.heatlab.screens.Backdrop;
import io.heatlab.screens.KnownScreen;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;

/**
 * The Heatmaps view's state and commands: the rollup-aware heatmap of the chosen client, screen,
 * types and hours (HeatmapService: weekly/daily windows where complete, else hours), painted by the
 * shared HeatmapRenderer over the screenshot; compare mode (A vs B shares); the coverage of the
 * range (hours landed but not rolled up); export of the painted image as PNG. Querying and painting
 * run off the FX thread; the result arrives as one {@link Shown}.
 */
public final class HeatmapsModel {
  /** What is on screen: the painted image, the grid(s) it came from, the coverage, a caption. */
  public record Shown(
      HeatmapRequest request,
      WritableImage image,
      BufferedImage painted,
      HeatmapGrid grid,
      HeatmapGrid compareGrid,
      List<HeatmapRequest.CoverageHour> coverage,
      String caption) {}

  /** What the Heatmaps view reads: the screens, the rolled-up clients, the heatmap service. */
  public interface Source {
    /**
     * The screens with traffic or a registered screenshot, of every client: the busiest first (the
     * view's default answer), then by name.
     */
    List<String> screenIds() throws Exception;

    /**
     * What {@code client}'s {@code screen} is painted over for {@code viewport}: its screenshot of
     * that class, or a neutral grid.
     */
    Backdrop backdrop(String client, String screenId, ViewportClass viewport) throws IOException;

    /** The clients that have rolled-up data, sorted. */
    List<String> clients() throws SQLException;

    HeatmapService.Answer heatmap(HeatmapService.Request request) throws Exception;

    /** One cell's counts per window over the request's range (the drill-down). */
    HeatmapService.Cell cell(HeatmapService.Request request, int x, int y) throws Exception;

    /**
     * The landed objects of {@code hours} (newest first) holding events {@code inCell} accepts,
     * read within {@link #SOURCES_BUDGET} bytes.
     */
    CellSources.Scan sources(List<HourPartition> hours, Predicate<LandedEvent> inCell)
        throws Exception;

    /** Where exported images are written. */
    Path exportDir();

    /** The console's screen catalog, ClickHouse and heatmap service. */
    static Source of(ConsoleContext context) {
      return new Source() {
        @Override
        public List<String> screenIds() throws Exception {
          // busiest first (events of the last 7 days, any client), then registered-only ones
          Map<String, Long> events = new HashMap<>();
          for (KnownScreen k :
              KnownScreen.join(
                  context.screenTraffic().list(null, Instant.now()),
                  context.screenRegistry().list(null))) {
            events.merge(k.screen(), k.traffic() == null ? 0L : k.traffic().events(), Long::sum);
          }
          return events.entrySet().stream()
              .sorted(
                  Map.Entry.<String, Long>comparingByValue()
                      .reversed()
                      .thenComparing(Map.Entry.comparingByKey()))
              .map(Map.Entry::getKey)
              .toList();
        }

        @Override
        public Backdrop backdrop(String client, String screenId, ViewportClass viewport)
            throws IOException {
          return Backdrop.of(context.screenRegistry(), client, screenId, viewport);
        }

        @Override
        public List<String> clients() throws SQLException {
          List<String> ids = new ArrayList<>();
          try (Connection c = context.jdbc().connect();
              Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT DISTINCT client_id FROM "
                          + Granularity.HOURLY.table()
                          + " ORDER BY client_id")) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          return ids;
        }

        @Override
        public HeatmapService.Answer heatmap(HeatmapService.Request request) throws Exception {
          return context.heatmaps().heatmap(request);
        }

        @Override
        public HeatmapService.Cell cell(HeatmapService.Request request, int x, int y)
            throws Exception {
          return context.heatmaps().cell(request, x, y);
        }

        @Override
        public CellSources.Scan sources(List<HourPartition> hours, Predicate<LandedEvent> inCell)
            throws Exception {
          return CellSources.scan(
              context.landing(), context.store(), hours, inCell, SOURCES_BUDGET);
        }

        @Override
        public Path exportDir() {
          return context.config().dataDir().resolve("exports");
        }
      };
    }
  }

  /** Bytes of landed objects a drill-down reads at most to find a cell's sources (64 MiB). */
  public static final long SOURCES_BUDGET = 64L << 20;

  /**
   * A cell drilled into: its counts over time, its share of the screen's events over the range, and
   * the landed objects holding its events (hourly ranges only: up to 7 days).
   */
  public record Drill(
      int x,
      int y,
      long events,
      long screenEvents,
      HeatmapService.Cell cell,
      CellSources.Scan scan) {
    /** The cell's share of the screen's events over the range, in [0, 1]. */
    public double share() {
      return screenEvents == 0 ? 0 : (double) events / screenEvents;
    }

    /** What the drill-down says in a line. */
    public String summary() {
      String s =
          String.format(
              "cell (%d, %d): %,d events, %.2f %% of the screen's %,d over the range",
              x, y, events, 100 * share(), screenEvents);
      if (scan == null) {
        return s + " · landed objects: narrow the range to 7 days to trace them";
      }
      return s
          + String.format(
              " · %,d landed rows in %d object(s) of %d hour(s)%s%s",
              scan.events(),
              scan.holders().size(),
              scan.scanned().size(),
              scan.notScanned().isEmpty()
                  ? ""
                  : String.format(
                      ", %d older hour(s) not read (over %d MiB)",
                      scan.notScanned().size(), SOURCES_BUDGET >> 20),
              scan.events() == events || !scan.notScanned().isEmpty()
                  ? ""
                  : " — not the heatmap's count: rows landed since the hour's rollup, or a batch"
                      + " landed twice (counted once in the heatmap)");
    }
  }

  private final Source source;
  private final Executor background;
  private final ReadOnlyObjectWrapper<Drill> drill = new ReadOnlyObjectWrapper<>();
  private final ObservableList<String> clients = FXCollections.observableArrayList();
  private final ObservableList<String> screens = FXCollections.observableArrayList();
  private final ReadOnlyObjectWrapper<Shown> shown = new ReadOnlyObjectWrapper<>();
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private final Failure failure;
  private final Map<String, Backdrop> backdrops = new ConcurrentHashMap<>();
  private volatile HeatmapRequest last;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong drills = new AtomicLong();

  public HeatmapsModel(ConsoleContext context) {
    this(Source.of(context), context.background());
  }

  /** A model over {@code source}, querying and painting on {@code background}. */
  HeatmapsModel(Source source, Executor background) {
    this.source = source;
    this.background = background;
    this.failure =
        new Failure(
            () -> {
              loadChoices();
              if (last != null) {
                show(last);
              }
            });
  }

  /**
   * Fills the client list from the rolled-up data, and the screen list with every screen that has
   * traffic or a screenshot.
   */
  public void loadChoices() {
    Background.run(background, failure, "listing screens", source::screenIds, screens::setAll);
    Background.run(
        background,
        failure,
        "listing clients",
        source::clients,
        ids -> {
          List<String> all = new ArrayList<>(ids);
          if (all.isEmpty()) {
            all.add("demo");
          }
          clients.setAll(all);
        });
  }

  /** Queries and paints {@code r}; bad input is answered in {@link #message()}. */
  public void show(HeatmapRequest r) {
    HeatmapService.Request a;
    HeatmapService.Request b;
    try {
      a = r.a();
      b = r.comparing() ? r.b() : null;
    } catch (IllegalArgumentException e) {
      message.set("Cannot show: " + e.getMessage());
      return;
    }
    last = r;
    long n = requests.incrementAndGet();
    message.set("querying…");
    Background.run(
        background,
        failure,
        "heatmap of " + r.client() + "/" + r.screen(),
        () -> paint(r, a, b),
        s -> {
          if (n == requests.get()) { // the newest request wins: a slower, older answer is dropped
            shown.set(s);
            message.set(s.caption());
          }
        });
  }

  private Shown paint(HeatmapRequest r, HeatmapService.Request a, HeatmapService.Request b)
      throws Exception {
    HeatmapService.Answer answerA = source.heatmap(a);
    HeatmapService.Answer answerB = b == null ? null : source.heatmap(b);
    Backdrop backdrop = backdrop(r.client(), r.screen(), r.viewport());
    BufferedImage screenshot = backdrop.image();
    HeatmapRenderer renderer = new HeatmapRenderer(r.options());
    BufferedImage painted =
        answerB == null
            ? renderer.render(screenshot, answerA.grid())
            : renderer.renderDifference(
                screenshot,
                answerA.grid(),
                answerB.grid(),
                "A",
                "B", // the ranges are in the caption
                null,
                SignificantDifference.of(
                    answerA.grid(), answerB.grid(), SignificantDifference.DEFAULT_Q));
    List<HeatmapRequest.CoverageHour> coverage =
        HeatmapRequest.coverage(
            answerA.request().from(),
            answerA.request().to(),
            new HashSet<>(answerA.missingHours()));
    String caption =
        String.format(
                "%,d events (%s, %s) · read %s%s",
                answerA.grid().total(),
                String.join("+", a.types()),
                a.viewport().id(),
                HeatmapRequest.describeWindows(answerA.windowsRead()),
                answerA.gaps().isEmpty() ? "" : " · " + answerA.gaps())
            + (backdrop.note() == null ? "" : " · " + backdrop.note());
    if (answerB != null) {
      caption =
          "A "
              + r.from()
              + " … "
              + r.to()
              + ": "
              + caption
              + String.format(" · B %s: %,d events", r.bLabel(), answerB.grid().total());
    }
    return new Shown(
        r,
        FxImages.toFx(painted),
        painted,
        answerA.grid(),
        answerB == null ? null : answerB.grid(),
        coverage,
        caption);
  }

  /** The backdrop of a screen, read once per console session, client and viewport class. */
  private Backdrop backdrop(String client, String screenId, ViewportClass viewport)
      throws IOException {
    String key = client + "/" + screenId + "/" + viewport.shownOver().id();
    Backdrop cached = backdrops.get(key);
    if (cached == null) {
      cached = source.backdrop(client, screenId, viewport);
      if (cached.note() == null) {
        backdrops.put(key, cached); // a missing screenshot is looked for again next time
      }
    }
    return cached;
  }

  /**
   * Drills into cell ({@code x}, {@code y}) of the heatmap shown (A): its count per hour (per day
   * or week over long ranges), its share of the screen, and — for hourly ranges — the landed
   * objects that hold its events, read back newest hour first.
   */
  public void drill(int x, int y) {
    Shown s = shown.get();
    if (s == null) {
      return;
    }
    HeatmapService.Request a = s.request().a();
    long events = s.grid().at(x, y);
    long screen = s.grid().total();
    drill.set(null);
    long click = drills.incrementAndGet();
    Background.run(
        background,
        failure,
        "the history of cell (" + x + ", " + y + ")",
        () -> {
          HeatmapService.Cell cell = source.cell(a, x, y);
          CellSources.Scan scan = null;
          if (cell.granularity() == Granularity.HOURLY) {
            List<HourPartition> hours = new ArrayList<>();
            cell.counts()
                .forEach(
                    (h, n) -> {
                      if (n > 0) {
                        hours.add(0, HourPartition.of(h.toEpochMilli())); // newest first
                      }
                    });
            scan = source.sources(hours, HeatmapService.inCell(a, x, y));
          }
          return new Drill(x, y, events, screen, cell, scan);
        },
        d -> {
          if (click == drills.get()) { // the newest click wins: an older, slower scan is dropped
            drill.set(d);
          }
        });
  }

  /** The cell drilled into last (null while it is read, or before any). */
  public ReadOnlyObjectProperty<Drill> drilled() {
    return drill.getReadOnlyProperty();
  }

  /**
   * Writes the painted image as PNG under the data directory's {@code exports/}; reports the path.
   */
  public void export() {
    Shown s = shown.get();
    if (s == null) {
      message.set("Nothing to export yet: Show a heatmap first");
      return;
    }
    Path dir = source.exportDir();
    HeatmapRequest r = s.request();
    String name =
        String.format(
                "heatmap-%s-%s-%s-%s-%s%s.png",
                r.client(),
                r.screen(),
                r.viewport().id(),
                r.from(),
                r.to(),
                r.comparing() ? "-vs-" + (r.byType() ? r.compareType() : r.compareFrom()) : "")
            .replaceAll("[^A-Za-z0-9._-]", "_");
    Background.run(
        background,
        failure,
        "exporting PNG",
        () -> {
          Files.createDirectories(dir);
          Path file = dir.resolve(name);
          Path tmp = dir.resolve(name + ".tmp");
          if (!ImageIO.write(s.painted(), "png", tmp.toFile())) {
            throw new IOException("no PNG writer available");
          }
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
          return file;
        },
        file -> {
          lastExport.set(file);
          message.set("exported " + file);
        });
  }

  private final ReadOnlyObjectWrapper<Path> lastExport = new ReadOnlyObjectWrapper<>();

  public ReadOnlyObjectProperty<Path> lastExport() {
    return lastExport.getReadOnlyProperty();
  }

  public ObservableList<String> clients() {
    return clients;
  }

  public ObservableList<String> screens() {
    return screens;
  }

  public ReadOnlyObjectProperty<Shown> shown() {
    return shown.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty message() {
    return message.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }
}
