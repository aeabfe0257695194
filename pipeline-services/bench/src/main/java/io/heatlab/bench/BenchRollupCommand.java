package io.heatlab.bench;

import io.heatlab.cli.ProfileOptions;
import io.heatlab.cli.RunningStack;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.JsonLinesFormat;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.landing.ParquetFormat;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.Rollups;
import io.heatlab.rollup.RunState;
import io.heatlab.rollup.SparkSettings;
import io.heatlab.rollup.WarmDriver;
import io.heatlab.stack.Stack;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "rollup",
    mixinStandardHelpOptions = true,
    description = {
      "Hourly rollup speed on the running stack: writes N contract events for one hour in each format",
      "(objects of --object-events, as the connector lands them) under bench/<run>/ in the bucket and in a local",
      "directory, runs the real hourly rollup over them (spark-launcher, s3a, publish to ClickHouse) and the same",
      "aggregation with DuckDB over the local copy (DuckDB has no S3 reader offline). The rollup runs cold (an",
      "application launched for it), then twice on the stack's warm driver when one answers. Prints events/s end to",
      "end and of the Spark job alone, and the ratios to DuckDB. Cleans up afterwards (objects, aggregates, window)."
    })
final class BenchRollupCommand implements Callable<Integer> {
  private static final Pattern TIMING =
      Pattern.compile("HEATLAB_TIMING session_ms=(\\d+) work_ms=(\\d+)");

  /** A Monday hour long past: the bench publishes its window there, then drops it. */
  private static final Instant HOUR = Instant.parse("2000-01-03T00:00:00Z");

  @Mixin ProfileOptions options;

  @Option(
      names = "--events",
      defaultValue = "10000000",
      description = "Events in the hour. Default ${DEFAULT-VALUE}.")
  int events;

  @Option(
      names = "--formats",
      split = ",",
      defaultValue = "parquet,jsonl",
      description = "Formats to measure. Default ${DEFAULT-VALUE}.")
  List<String> formats;

  @Option(
      names = "--object-events",
      defaultValue = "100000",
      description = "Events per object (landing.flush.size). Default ${DEFAULT-VALUE}.")
  int objectEvents;

  @Option(
      names = "--keep-local",
      description = "Keep the local copy of the objects (its path is printed) for other tools.")
  boolean keepLocal;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    PrintStream out = System.out;
    String run = "rollup-" + System.currentTimeMillis();
    Path local = Files.createTempDirectory(config.dataDir(), "bench-rollup-");
    try (Stack stack = RunningStack.require(config)) {
      ObjectStore store = stack.endpoints().objectStore(config);
      ClickHouseJdbc jdbc = new ClickHouseJdbc(config, stack.endpoints());
      out.printf(
          "heatlab bench rollup: %,d events in hour %s, objects of %,d events, formats %s%n",
          events, Granularity.HOURLY.label(HOUR), objectEvents, formats);
      for (String format : formats) {
        ObjectFormat codec =
            format.equals("parquet")
                ? new ParquetFormat(config.getString(HeatlabConfig.LANDING_PARQUET_CODEC))
                : new JsonLinesFormat();
        Path dir = Files.createDirectories(local.resolve(format));
        LandingLayout layout =
            new LandingLayout(
                "bench/" + run + "/" + format
                    + "/events"); // a rollup reads every format of its layout
        long bytes = generate(codec, layout, store, dir, out);
        SparkSettings spark = SparkSettings.of(config, stack.endpoints());
        boolean warm = spark.warmDriver() && WarmDriver.connect(spark.driverFiles()).isPresent();
        if (!warm) {
          out.println(
              "  (no warm Spark driver answers — rollup.driver.warm=false, or still warming up:"
                  + " cold launches only)");
        }
        double duck = duckdb(format, dir);
        out.printf(
            "  DuckDB %s over the same files (local): %.1f s = %,.0f events/s%n",
            format, duck, events / duck);
        List<Mode> modes = new ArrayList<>();
        modes.add(new Mode("cold launch", spark.cold()));
        if (warm) {
          modes.add(new Mode("warm driver", spark));
          modes.add(new Mode("warm driver, again", spark));
        }
        for (Mode mode : modes) {
          out.printf("  %s:%n", mode.name());
          int code = rollupOnce(mode.spark(), store, layout, run, format, jdbc, bytes, duck, out);
          if (code != 0) {
            return code;
          }
        }
      }
      new HeatmapWindows(jdbc)
          .replace(Granularity.HOURLY, HOUR, List.of()); // drop the bench window
      BenchLandingCommand.deleteObjects(config, stack, "bench/" + run + "/");
      return 0;
    } finally {
      if (keepLocal) {
        out.println("local copy kept in " + local);
      } else {
        try (var paths = Files.walk(local)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** Writes the hour's objects (in parallel) to storage and to {@code dir}; returns the bytes. */
  private long generate(
      ObjectFormat codec, LandingLayout layout, ObjectStore store, Path dir, PrintStream out)
      throws Exception {
    int objects = (events + objectEvents - 1) / objectEvents;
    AtomicLong bytes = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    try {
      List<Future<?>> futures = new ArrayList<>();
      String[] screens = {"landing", "pricing", "checkout"};
      for (int o = 0; o < objects; o++) {
        int first = o * objectEvents;
        int n = Math.min(objectEvents, events - first);
        futures.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(first);
                  List<LandedEvent> rows = new ArrayList<>(n);
                  for (int i = first; i < first + n; i++) {
                    // clustered like pointer traffic: most events near a few hotspots, a floor of
                    // uniform noise
                    double cx = 0.2 + 0.3 * (i % 3);
                    double x =
                        random.nextInt(5) == 0
                            ? random.nextDouble()
                            : clamp(cx + random.nextGaussian() * 0.08);
                    double y =
                        random.nextInt(5) == 0
                            ? random.nextDouble()
                            : clamp(0.3 + random.nextGaussian() * 0.1);
                    long t = HOUR.toEpochMilli() + random.nextLong(3_600_000L);
                    long receivedAt =
                        HOUR.toEpochMilli()
                            + 3_600_000L
                            + i / 50; // one HTTP request per batch of 50
                    rows.add(
                        new LandedEvent(
                            "demo",
                            screens[i % 3],
                            "s-" + (i % 5000),
                            "b-" + (i / 50),
                            i % 20 == 0 ? "click" : "move",
                            t,
                            Math.round(x * 10_000) / 10_000.0,
                            Math.round(y * 10_000) / 10_000.0,
                            1440,
                            900,
                            receivedAt));
                  }
                  byte[] object = codec.encode(rows);
                  String key =
                      layout.objectKey(
                          codec,
                          HourPartition.of(HOUR.toEpochMilli()),
                          null,
                          "heatmap.events",
                          0,
                          first);
                  Files.write(dir.resolve(key.substring(key.lastIndexOf('/') + 1)), object);
                  store.put(key, object, codec.contentType(), Map.of());
                  bytes.addAndGet(object.length);
                  long d = done.incrementAndGet();
                  if (d % Math.max(1, objects / 10) == 0 || d == objects) {
                    out.printf(
                        "  %s: %d/%d objects written (%.1f s)%n",
                        codec.name(), d, objects, (System.nanoTime() - t0) / 1e9);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    return bytes.get();
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(0.9999, v));
  }

  /**
   * The hourly aggregation in DuckDB over the local objects, written to Parquet like the Spark job;
   * seconds.
   */
  /** How a measured rollup runs. */
  private record Mode(String name, SparkSettings spark) {}

  /** One hourly rollup of the bench's hour: its times, and the ratios to DuckDB's {@code duck}. */
  private int rollupOnce(
      SparkSettings spark,
      ObjectStore store,
      LandingLayout layout,
      String run,
      String format,
      ClickHouseJdbc jdbc,
      long bytes,
      double duck,
      PrintStream out)
      throws Exception {
    try (Rollups rollups =
        new Rollups(spark, store, layout, "bench/" + run + "/" + format + "/aggregates", jdbc)) {
      long[] timing = new long[2];
      long t0 = System.nanoTime();
      RollupRun.Result r =
          rollups.run(
              Granularity.HOURLY,
              List.of(HOUR),
              new RollupRun.Listener() {
                @Override
                public void line(RollupRun run, String line) {
                  Matcher m = TIMING.matcher(line);
                  if (m.matches()) {
                    timing[0] = Long.parseLong(m.group(1));
                    timing[1] = Long.parseLong(m.group(2));
                  }
                }

                @Override
                public void state(RollupRun run, RunState state) {
                  out.printf("    %5.1fs  %s%n", (System.nanoTime() - t0) / 1e9, state);
                }
              });
      double e2e = (System.nanoTime() - t0) / 1e9;
      if (!r.succeeded()) {
        out.println("    rollup " + r.state() + ": " + r.error());
        return 1;
      }
      RollupRun.WindowResult w = r.windows().get(HOUR);
      double work = timing[1] / 1000.0;
      out.printf(
          "    %s: %,d bytes (%.2f B/event); rollup %,d events → %,d cells: end to end %.1f s (launch"
              + " + publish included) = %,.0f events/s; Spark job alone %.1f s = %,.0f events/s →"
              + " Spark/DuckDB %.1f× end to end, %.1f× job alone%n",
          format,
          bytes,
          (double) bytes / events,
          w.events(),
          w.rowsOut(),
          e2e,
          events / e2e,
          work,
          events / work,
          e2e / duck,
          work / duck);
      if (w.events() != events) {
        out.println(
            "    MISMATCH: the rollup counted "
                + w.events()
                + " events, "
                + events
                + " were written");
        return 1;
      }
      return 0;
    }
  }

  private static double duckdb(String format, Path dir) throws Exception {
    String source =
        format.equals("parquet")
            ? "read_parquet('" + dir + "/*.parquet')"
            : "read_json('"
                + dir
                + "/*.jsonl.gz', format = 'newline_delimited', compression = 'gzip', columns = {client_id: 'VARCHAR',"
                + " screen_id: 'VARCHAR', session_id: 'VARCHAR', batch_id: 'VARCHAR', event_type: 'VARCHAR', event_time: 'BIGINT',"
                + " x_norm: 'DOUBLE', y_norm: 'DOUBLE', viewport_w: 'INTEGER', viewport_h: 'INTEGER', received_at: 'BIGINT'})";
    // the same logic as the Spark job: each batch's most complete attempt only
    // (RollupJob.onceEach), then the grid
    String query =
        "WITH e AS (SELECT * FROM "
            + source
            + "), best AS (SELECT client_id, batch_id, received_at FROM"
            + " (SELECT client_id, batch_id, received_at, count(*) AS n FROM e GROUP BY ALL)"
            + " QUALIFY row_number() OVER (PARTITION BY client_id, batch_id ORDER BY n DESC, received_at) = 1)"
            + " SELECT client_id, screen_id, event_type, CASE WHEN viewport_w IS NULL THEN 'unknown'"
            + " WHEN viewport_w >= "
            + ViewportClass.DESKTOP_MIN
            + " THEN 'desktop' WHEN viewport_w >= "
            + ViewportClass.TABLET_MIN
            + " THEN 'tablet' ELSE 'mobile' END AS viewport_class,"
            + " least(99, floor(x_norm * 100))::INTEGER AS cell_x,"
            + " least(99, floor(y_norm * 100))::INTEGER AS cell_y, count(*) AS count FROM e JOIN best USING (client_id, batch_id, received_at)"
            + " GROUP BY ALL";
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute(
          "COPY ("
              + query
              + ") TO '"
              + dir.resolve("duckdb-out.parquet")
              + "' (FORMAT parquet, COMPRESSION zstd)");
      double seconds = (System.nanoTime() - t0) / 1e9;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT sum(count) FROM read_parquet('" + dir.resolve("duckdb-out.parquet") + "')")) {
        rs.next();
      }
      return seconds;
    }
  }
}
