package io.heatlab.cli;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.ViewportClass;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.query.HeatmapService;
import io.heatlab.render.HeatmapRenderer;
import io.heatlab.render.SignificantDifference;
import io.heatlab.screens.Backdrop;
import io.heatlab.screens.KnownScreen;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.screens.ScreenTraffic;
import io.heatlab.stack.Stack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Paint the heatmap of a screen over its screenshot (PNG), from the rollups in ClickHouse:",
      "  render --client demo --screen pricing --from 2026-11-24T00:00:00Z --to 2026-11-25T00:00:00Z --out pricing.png",
      "  render --client demo --all-screens --out-dir heatmaps/        (one PNG per screen with traffic or registered)",
      "The screenshot comes from the screens registry (./heatlab screens); a screen without one is painted over a neutral grid.",
      "  render … --compare-from … --compare-to …  or  --compare-type click   (difference heatmap, shares per period)"
    })
final class RenderCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--client",
      defaultValue = "demo",
      description = "client_id. Default ${DEFAULT-VALUE}.")
  String client;

  @Option(names = "--screen", description = "Screen id (repeatable).")
  List<String> screens;

  @Option(
      names = "--all-screens",
      description = "Every screen of the client with traffic or a registered screenshot.")
  boolean allScreens;

  @Option(names = "--from", description = "Start (ISO-8601 instant); default: 24 h before --to.")
  Instant from;

  @Option(
      names = "--to",
      description = "End (ISO-8601 instant); default: the end of the current hour.")
  Instant to;

  @Option(
      names = "--type",
      split = ",",
      defaultValue = "move,click",
      description = "Event types. Default ${DEFAULT-VALUE}.")
  List<String> types;

  @Option(
      names = "--viewport",
      defaultValue = "desktop",
      description =
          "Viewport class: desktop, tablet, mobile, or unknown (batches sent without a viewport);"
              + " a heatmap never mixes them. Default ${DEFAULT-VALUE}.")
  String viewport;

  @Option(
      names = "--scale",
      defaultValue = "linear",
      description = "linear or log. Default ${DEFAULT-VALUE}.")
  HeatmapRenderer.Scale scale;

  @Option(
      names = "--radius",
      defaultValue = "2.5",
      description = "Smoothing kernel radius in grid cells. Default ${DEFAULT-VALUE}.")
  double radius;

  @Option(
      names = "--opacity",
      defaultValue = "0.75",
      description = "Opacity of the hottest colour, 0-1. Default ${DEFAULT-VALUE}.")
  double opacity;

  @Option(names = "--compare-from", description = "Compare mode: period B's start.")
  Instant compareFrom;

  @Option(names = "--compare-to", description = "Compare mode: period B's end.")
  Instant compareTo;

  @Option(
      names = "--compare-type",
      split = ",",
      description = "Compare mode: type B (e.g. click) over the same period.")
  List<String> compareType;

  @Option(
      names = "--fdr",
      defaultValue = "0.05",
      description =
          "Compare mode: cells whose difference is within chance (two-proportion z-test per cell,"
              + " Benjamini–Hochberg false-discovery rate) are faded; 0 paints every difference in"
              + " full. Default ${DEFAULT-VALUE}.")
  double fdr;

  @Option(names = "--out", description = "Output PNG (one screen).")
  Path out;

  @Option(names = "--out-dir", description = "Output directory (one <screen>.png per screen).")
  Path outDir;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    if (!allScreens && (screens == null || screens.isEmpty())) {
      throw new UserError(
          "name a --screen ("
              + HeatlabCommand.name()
              + " screens list shows them) or --all-screens");
    }
    if (outDir == null && (allScreens || screens.size() > 1)) {
      throw new UserError("several screens: give --out-dir DIR");
    }
    if (out == null && outDir == null) {
      throw new UserError("give --out FILE.png (or --out-dir DIR)");
    }
    if (radius < 0 || opacity <= 0 || opacity > 1) {
      throw new UserError("--radius must be ≥ 0 and --opacity within (0, 1]");
    }
    ViewportClass layout;
    try {
      layout = ViewportClass.of(viewport);
    } catch (IllegalArgumentException e) {
      throw new UserError("--" + e.getMessage());
    }
    Instant end =
        to != null ? to : Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    Instant start = from != null ? from : end.minus(Duration.ofHours(24));
    boolean compare = compareFrom != null || compareTo != null || compareType != null;
    if ((compareFrom == null) != (compareTo == null)) {
      throw new UserError("compare mode by period needs both --compare-from and --compare-to");
    }
    if (fdr < 0 || fdr >= 1) {
      throw new UserError(
          "--fdr " + fdr + ": a false-discovery rate between 0 and 1 (0.05 = 5 %), or 0 for none");
    }
    try (Stack stack = RunningStack.require(config);
        HeatmapService service = HeatmapService.of(config, stack.endpoints())) {
      ScreenRegistry registry = new ScreenRegistry(stack.endpoints().objectStore(config));
      List<String> ids = allScreens ? allScreensOf(config, stack, registry) : screens;
      if (ids.isEmpty()) {
        throw new UserError(
            "client '" + client + "' has no screen with traffic or a screenshot yet");
      }
      if (ids.size() > 1 && outDir == null) {
        throw new UserError("several screens: give --out-dir DIR");
      }
      HeatmapRenderer renderer =
          new HeatmapRenderer(new HeatmapRenderer.Options(radius, scale, opacity, true));
      List<Path> written = new ArrayList<>();
      for (String id : ids) {
        Backdrop backdrop = Backdrop.of(registry, client, id, layout);
        if (backdrop.note() != null) {
          System.out.println("  " + backdrop.note());
        }
        BufferedImage shot = backdrop.image();
        HeatmapService.Answer a =
            service.heatmap(new HeatmapService.Request(client, id, types, layout, start, end));
        Path target =
            outDir != null ? outDir.resolve(id + (compare ? "-compare" : "") + ".png") : out;
        if (target.toAbsolutePath().getParent() != null) {
          Files.createDirectories(target.toAbsolutePath().getParent());
        }
        BufferedImage image;
        String summary;
        if (compare) {
          HeatmapService.Answer b =
              service.heatmap(
                  new HeatmapService.Request(
                      client,
                      id,
                      compareType != null ? compareType : types,
                      layout,
                      compareFrom != null ? compareFrom : start,
                      compareTo != null ? compareTo : end));
          String labelA = compareType != null ? String.join("+", types) : "A";
          String labelB = compareType != null ? String.join("+", compareType) : "B";
          SignificantDifference significance =
              fdr == 0 ? null : SignificantDifference.of(a.grid(), b.grid(), fdr);
          image =
              renderer.renderDifference(
                  shot, a.grid(), b.grid(), labelA, labelB, null, significance);
          summary =
              String.format("A %,d events, B %,d events", a.grid().total(), b.grid().total())
                  + (significance == null ? "" : "; " + significance.describe());
        } else {
          image = renderer.render(shot, a.grid());
          summary = String.format("%,d events, hottest cell %,d", a.grid().total(), a.grid().max());
        }
        Files.write(target, HeatmapRenderer.png(image));
        written.add(target);
        System.out.printf(
            "%-10s %s %s → %s (%s … %s; %s)%n",
            id,
            layout.id(),
            summary,
            target,
            a.request().from(),
            a.request().to(),
            a.gaps().isEmpty()
                ? "every landed hour rolled up"
                : a.gaps()
                    + (a.missingHours().isEmpty()
                        ? ""
                        : " — " + HeatlabCommand.name() + " rollup hourly --from … --to …"));
      }
      return 0;
    }
  }

  /** The client's screens with traffic or a registered screenshot. */
  private List<String> allScreensOf(HeatlabConfig config, Stack stack, ScreenRegistry registry)
      throws Exception {
    return KnownScreen.join(
            new ScreenTraffic(new ClickHouseJdbc(config, stack.endpoints()))
                .list(client, Instant.now()),
            registry.list(client))
        .stream()
        .map(KnownScreen::screen)
        .toList();
  }
}
