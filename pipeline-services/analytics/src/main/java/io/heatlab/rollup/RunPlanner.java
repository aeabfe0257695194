package io.heatlab.rollup;

import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.Granularity;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a run reads: for an hour, its raw prefix of every landing format that holds objects (a
 * switch of {@code landing.format} leaves the earlier hours in the other format, and they still
 * count); for a day or a week, the current aggregate of each finer window. Also which finer windows
 * must be rolled up first.
 */
final class RunPlanner {
  private final SparkSettings spark;
  private final ObjectStore store;
  private final LandingLayout layout;
  private final LandingIndex landing;
  private final Aggregates aggregates;

  RunPlanner(
      SparkSettings spark,
      ObjectStore store,
      LandingLayout layout,
      LandingIndex landing,
      Aggregates aggregates) {
    this.spark = spark;
    this.store = store;
    this.layout = layout;
    this.landing = landing;
    this.aggregates = aggregates;
  }

  RunPlan plan(RollupRun run) throws IOException {
    Granularity g = run.granularity();
    Map<Instant, RunPlan.Expected> inputs = new LinkedHashMap<>();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--granularity",
                g.name().toLowerCase(),
                "--output",
                spark.s3a(aggregates.runPrefix(g, run.id())),
                // the contract's viewport classes, which the job cannot import
                "--desktop-min",
                String.valueOf(ViewportClass.DESKTOP_MIN),
                "--tablet-min",
                String.valueOf(ViewportClass.TABLET_MIN)));
    for (Instant w : run.windows()) {
      String label = String.valueOf(g.partition(w));
      args.add("--window");
      args.add(label);
      Optional<Granularity> finer = g.finer();
      if (finer.isEmpty()) {
        for (String prefix : rawPrefixes(HourPartition.of(w.toEpochMilli()))) {
          args.add("--input");
          args.add(label + "=" + spark.s3a(prefix));
        }
        continue;
      }
      long rows = 0;
      long events = 0;
      for (Instant f : finer.get().windows(w, g.end(w))) {
        Optional<Aggregates.Pointer> current = aggregates.current(finer.get(), f);
        if (current.isPresent() && current.get().rowsOut() > 0) {
          rows += current.get().rowsOut();
          events += current.get().events();
          args.add("--input");
          args.add(
              label
                  + "="
                  + spark.s3a(aggregates.windowPrefix(finer.get(), current.get().runId(), f)));
        }
      }
      inputs.put(w, new RunPlan.Expected(rows, events));
    }
    return new RunPlan(args, inputs);
  }

  /** The hour's prefixes, one per landing format that holds objects of it. */
  private List<String> rawPrefixes(HourPartition hour) throws IOException {
    List<String> prefixes = new ArrayList<>();
    for (String format : ObjectFormat.NAMES) {
      String prefix = layout.hourPrefix(format, hour);
      String suffix = "." + ObjectFormat.reader(format).extension();
      if (store.list(prefix).stream().anyMatch(o -> o.key().endsWith(suffix))) {
        prefixes.add(prefix);
      }
    }
    return prefixes;
  }

  /**
   * The finer windows below {@code windowStarts} of {@code g} that hold data but were never rolled
   * up (hours with landed objects and no current hourly aggregate; days with such hours or hourly
   * aggregates and no current daily aggregate), per granularity, finest first — what must run
   * before {@code g} can be exact.
   */
  Map<Granularity, List<Instant>> missingBelow(Granularity g, List<Instant> windowStarts)
      throws IOException {
    Map<Granularity, List<Instant>> missing = new LinkedHashMap<>();
    if (g == Granularity.HOURLY) {
      return missing;
    }
    Instant from = windowStarts.get(0);
    Instant to = g.end(windowStarts.get(windowStarts.size() - 1));
    SortedSet<Instant> landedHours = new TreeSet<>();
    for (HourPartition h : landing.hours()) {
      Instant start = h.dt().atTime(h.hour(), 0).toInstant(ZoneOffset.UTC);
      if (!start.isBefore(from) && start.isBefore(to)) {
        landedHours.add(start);
      }
    }
    List<Instant> hours = new ArrayList<>();
    for (Instant h : landedHours) {
      if (aggregates.current(Granularity.HOURLY, h).isEmpty()) {
        hours.add(h);
      }
    }
    if (!hours.isEmpty()) {
      missing.put(Granularity.HOURLY, hours);
    }
    if (g == Granularity.WEEKLY) {
      List<Instant> days = new ArrayList<>();
      for (Instant d : Granularity.DAILY.windows(from, to)) {
        boolean hasData =
            landedHours.stream().anyMatch(h -> Granularity.DAILY.windowOf(h).equals(d));
        if (hasData
            && (aggregates.current(Granularity.DAILY, d).isEmpty()
                || hours.stream().anyMatch(h -> Granularity.DAILY.windowOf(h).equals(d)))) {
          days.add(d);
        }
      }
      if (!days.isEmpty()) {
        missing.put(Granularity.DAILY, days);
      }
    }
    return missing;
  }
}
