package io.heatlab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.cli.ProfileOptions;
import io.heatlab.cli.RunningStack;
import io.heatlab.config.ClientKeys;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.ViewportClass;
import io.heatlab.http.HeatlabHttpServer;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.HeatmapQuery;
import io.heatlab.query.HeatmapHandler;
import io.heatlab.query.HeatmapService;
import io.heatlab.query.ReadAccess;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.render.HeatmapRenderer;
import io.heatlab.stack.FreePorts;
import io.heatlab.stack.Stack;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Heatmap query latency through the API, and render time: fills heatmap_hourly/daily/weekly with 31",
      "days of realistic rows for a scratch client 'bench' (3 screens × 2 types, a few thousand cells per hour),",
      "marks the windows rolled up and merges them (OPTIMIZE … FINAL), then times GET /v1/heatmap (the real",
      "handler, in-process Jetty) for one screen over 1 day, 1 week and 1 month (ragged edges): the same range",
      "again; a new range each time (an hour earlier than the last, within the hourly retention, then the next",
      "screen); with no window kept in memory — beside the baseline: the same heatmap's SQL sent straight to",
      "ClickHouse over one keep-alive HTTP connection. Renders a 100×100 grid over 1920×1080.",
      "Removes its rows after."
    })
final class BenchQueryCommand implements Callable<Integer> {
  private static final String CLIENT = "bench";
  private static final List<String> SCREENS = List.of("pricing", "landing", "checkout");

  @Mixin ProfileOptions options;

  @Option(
      names = "--requests",
      defaultValue = "1000",
      description = "Timed requests per range. Default ${DEFAULT-VALUE}.")
  int requests;

  @Option(
      names = "--warmup",
      defaultValue = "200",
      description = "Untimed requests per range first. Default ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--cells",
      defaultValue = "3000",
      description = "Cells per (hour, screen, type). Default ${DEFAULT-VALUE}.")
  int cells;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    PrintStream out = System.out;
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    Instant from = now.minus(Duration.ofDays(31)).truncatedTo(ChronoUnit.DAYS);
    try (Stack stack = RunningStack.require(config)) {
      // first, while the stack is idle: after the query series ClickHouse runs the mutations of
      // the cleanup's deletes, and their CPU showed up as render p99 (15–34 ms for a 6 ms render)
      renderTiming(out);
      ClickHouseJdbc jdbc = new ClickHouseJdbc(config, stack.endpoints());
      long t0 = System.nanoTime();
      long rows = fill(jdbc, from, now);
      out.printf(
          "filled %,d hourly rows (+ daily, weekly) for client '%s' over %s … %s in %.1f s%n",
          rows, CLIENT, from, now, (System.nanoTime() - t0) / 1e9);
      merge(jdbc, out);
      int port = FreePorts.next();
      HeatmapService service = HeatmapService.of(config, stack.endpoints());
      // the same service with no window kept: every request asks ClickHouse for all its windows
      HeatmapService uncached =
          HeatmapService.of(
              config.with(Map.of(HeatlabConfig.QUERY_CACHE_MB, "0")), stack.endpoints());
      ReadAccess access =
          new ReadAccess(
              ClientKeys.parse("bench read keys", CLIENT + "=bench-key"),
              ClientKeys.parse("bench write keys", ""));
      HeatlabHttpServer server =
          new HeatlabHttpServer("127.0.0.1", port)
              .route("/v1/heatmap", new HeatmapHandler(service, access))
              .route("/uncached/v1/heatmap", new HeatmapHandler(uncached, access));
      server.start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        Instant end = now.minus(Duration.ofMinutes(17));
        out.printf(
            "%d warm-up + %d timed requests per range, one at a time; baseline: the handler's SQL"
                + " POSTed to ClickHouse alone%n",
            warmup, requests);
        for (Object[] range :
            List.of(
                new Object[] {"1 day", Duration.ofDays(1)},
                new Object[] {"1 week", Duration.ofDays(7)},
                new Object[] {"1 month", Duration.ofDays(30)})) {
          Instant start = end.minus((Duration) range[1]).plus(Duration.ofMinutes(23));
          String query =
              "/v1/heatmap?client_id="
                  + CLIENT
                  + "&screen_id=pricing&type=move,click&from="
                  + start
                  + "&to="
                  + end;
          String[] body = {""};
          double[] api = time(() -> body[0] = get(http, port, query));
          // a range never asked before each time: the previous one an hour earlier (a dashboard
          // over "the last week" as hours go by): the windows at its new edges are read, the rest
          // are kept
          // a range not asked before each time: an hour earlier than the last, within the hourly
          // windows' retention (older ones are never kept: a drop changes them without a run); at
          // the end of the room, again from the start on the next screen
          long room =
              Duration.ofDays(config.getInt(HeatlabConfig.RETENTION_HOURLY_DAYS))
                  .minus((Duration) range[1])
                  .minus(Duration.ofDays(2))
                  .toHours();
          int[] asked = {0};
          double[] sliding =
              room < 24
                  ? null
                  : time(
                      () -> {
                        int i = asked[0]++;
                        Duration back = Duration.ofHours(1 + i % room);
                        get(
                            http,
                            port,
                            "/v1/heatmap?client_id="
                                + CLIENT
                                + "&screen_id="
                                + SCREENS.get((int) (i / room) % SCREENS.size())
                                + "&type=move,click&from="
                                + start.minus(back)
                                + "&to="
                                + end.minus(back));
                      });
          double[] asks = time(() -> get(http, port, "/uncached" + query));
          var json = new ObjectMapper().readTree(body[0]);
          // the plan the handler used (whole hours, every window rolled up) and its SQL
          String sql =
              HeatmapQuery.heatmapSql(
                  CLIENT,
                  "pricing",
                  List.of("move", "click"),
                  ViewportClass.DESKTOP,
                  HeatmapQuery.plan(
                      start.truncatedTo(ChronoUnit.HOURS),
                      end.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))));
          HttpRequest raw =
              HttpRequest.newBuilder(
                      URI.create(
                          stack.endpoints().clickhouseUrl()
                              + "/?database="
                              + config.getString(HeatlabConfig.CLICKHOUSE_DATABASE)))
                  .header("X-ClickHouse-User", config.getString(HeatlabConfig.CLICKHOUSE_USER))
                  .header("X-ClickHouse-Key", config.secret(HeatlabConfig.CLICKHOUSE_PASSWORD))
                  .POST(HttpRequest.BodyPublishers.ofString(sql))
                  .build();
          double[] alone =
              time(
                  () -> {
                    HttpResponse<String> r = http.send(raw, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                      throw new IllegalStateException("ClickHouse: " + r.body());
                    }
                  });
          out.printf(
              "  %-8s (%,d events, %d cells, windows read %s)%n",
              range[0],
              json.get("total").asLong(),
              json.get("cells").size(),
              json.get("windows_read"));
          out.printf(
              "    API, same range again       p50 %5.1f ms  p99 %5.1f ms  max %6.1f ms%n",
              pct(api, 50), pct(api, 99), api[api.length - 1]);
          if (sliding != null) {
            out.printf(
                "    API, a new range each time  p50 %5.1f ms  p99 %5.1f ms  max %6.1f ms%n",
                pct(sliding, 50), pct(sliding, 99), sliding[sliding.length - 1]);
          } else {
            out.println(
                "    API, a new range each time  (no room to move within the hourly retention)");
          }
          out.printf(
              "    API, nothing kept           p50 %5.1f ms  p99 %5.1f ms  max %6.1f ms  (%.1f×"
                  + " ClickHouse alone at p99)%n",
              pct(asks, 50), pct(asks, 99), asks[asks.length - 1], pct(asks, 99) / pct(alone, 99));
          out.printf(
              "    ClickHouse alone            p50 %5.1f ms  p99 %5.1f ms  max %6.1f ms%n",
              pct(alone, 50), pct(alone, 99), alone[alone.length - 1]);
        }
      } finally {
        server.stop();
        service.close();
        uncached.close();
        clean(jdbc);
      }
      return 0;
    }
  }

  /**
   * Hourly rows from numbers(); daily and weekly summed from them; rollup_runs rows that mark them
   * rolled up.
   */
  private long fill(ClickHouseJdbc jdbc, Instant from, Instant to) throws Exception {
    long hours = Duration.between(from, to).toHours();
    long rowsPerHour = 3L * 2 * cells;
    String start = Granularity.dateTime(from);
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement()) {
      clean(jdbc);
      // cell = a hash of (hour, screen, type, k) spread around two hot spots; count 1-50
      st.execute(
          "INSERT INTO heatmap_hourly SELECT '"
              + CLIENT
              + "', ['landing','pricing','checkout'][intDiv(number, "
              + (2L * cells)
              + ") % 3 + 1], ['move','click'][intDiv(number, "
              + cells
              + ") % 2 + 1], 'desktop', toDateTime('"
              + start
              + "', 'UTC') + 3600 * intDiv(number, "
              + rowsPerHour
              + "), (number % "
              + cells
              + ") % 100, intDiv(number % "
              + cells
              + ", 100) % 100, 1 + cityHash64(number) % 50"
              + " FROM numbers("
              + hours * rowsPerHour
              + ")");
      st.execute(
          "INSERT INTO heatmap_daily SELECT client_id, screen_id, event_type, viewport_class, toStartOfDay(window_start), cell_x, cell_y, sum(count)"
              + " FROM heatmap_hourly WHERE client_id = '"
              + CLIENT
              + "' GROUP BY client_id, screen_id, event_type, viewport_class, toStartOfDay(window_start), cell_x, cell_y");
      st.execute(
          "INSERT INTO heatmap_weekly SELECT client_id, screen_id, event_type, viewport_class, toDateTime(toMonday(window_start), 'UTC'), cell_x, cell_y, sum(count)"
              + " FROM heatmap_daily WHERE client_id = '"
              + CLIENT
              + "' GROUP BY client_id, screen_id, event_type, viewport_class, toDateTime(toMonday(window_start), 'UTC'), cell_x, cell_y");
      // what the rollups would have recorded (the query uses a daily/weekly window only when rolled
      // up after its parts)
      long v = System.currentTimeMillis() * 1000;
      st.execute(
          "INSERT INTO rollup_runs (run_id, job, window_start, state, rows_in, rows_out, started_at, finished_at, spark_app_id, error, updated_at) SELECT 'bench-query', 'hourly', toDateTime('"
              + start
              + "', 'UTC') + 3600 * number, 'FINISHED', 0, 0,"
              + " now() - 60, now() - 60, '', '', "
              + v
              + " FROM numbers("
              + hours
              + ")");
      st.execute(
          "INSERT INTO rollup_runs (run_id, job, window_start, state, rows_in, rows_out, started_at, finished_at, spark_app_id, error, updated_at) SELECT 'bench-query', 'daily', toDateTime('"
              + start
              + "', 'UTC') + 86400 * number, 'FINISHED', 0, 0,"
              + " now() - 30, now() - 30, '', '', "
              + v
              + " FROM numbers("
              + (hours / 24 + 1)
              + ")");
      st.execute(
          "INSERT INTO rollup_runs (run_id, job, window_start, state, rows_in, rows_out, started_at, finished_at, spark_app_id, error, updated_at) SELECT 'bench-query', 'weekly', toDateTime(toMonday(toDateTime('"
              + start
              + "', 'UTC')), 'UTC') + 604800 * number,"
              + " 'FINISHED', 0, 0, now() - 10, now() - 10, '', '', "
              + v
              + " FROM numbers("
              + (hours / 168 + 2)
              + ")");
    }
    return hours * rowsPerHour;
  }

  /** GET {@code pathAndQuery} of the bench's server with its read key: the body, or a throw. */
  private static String get(HttpClient http, int port, String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .header("Authorization", "Bearer bench-key")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** A request to time; throws on a wrong answer. */
  private interface Sample {
    void run() throws Exception;
  }

  /** {@code warmup} untimed runs, then {@code requests} timed ones: milliseconds, sorted. */
  private double[] time(Sample sample) throws Exception {
    for (int i = 0; i < warmup; i++) {
      sample.run();
    }
    double[] ms = new double[requests];
    for (int i = 0; i < requests; i++) {
      long s = System.nanoTime();
      sample.run();
      ms[i] = (System.nanoTime() - s) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }

  /**
   * Merges the filled tables' parts as a day of inserts and background merges would have: reads
   * then see one part per partition, as in a settled deployment.
   */
  private static void merge(ClickHouseJdbc jdbc, PrintStream out) throws Exception {
    long t0 = System.nanoTime();
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement()) {
      for (Granularity g : Granularity.values()) {
        st.execute("OPTIMIZE TABLE " + g.table() + " FINAL");
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT table, count() FROM system.parts WHERE active AND database = currentDatabase()"
                  + " AND table LIKE 'heatmap_%' GROUP BY table ORDER BY table")) {
        StringBuilder parts = new StringBuilder();
        while (rs.next()) {
          parts.append(parts.length() == 0 ? "" : ", ").append(rs.getString(1)).append(' ');
          parts.append(rs.getLong(2));
        }
        out.printf(
            "merged (OPTIMIZE … FINAL) in %.1f s; active parts: %s%n",
            (System.nanoTime() - t0) / 1e9, parts);
      }
    }
  }

  private static void clean(ClickHouseJdbc jdbc) throws Exception {
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement()) {
      for (Granularity g : Granularity.values()) {
        st.execute("ALTER TABLE " + g.table() + " DELETE WHERE client_id = '" + CLIENT + "'");
      }
      st.execute("ALTER TABLE rollup_runs DELETE WHERE run_id = 'bench-query'");
    }
  }

  /**
   * Render time of a 100×100 grid over a 1920×1080 TYPE_INT_ARGB screenshot (smoothing, gradient,
   * legend; no PNG encoding): into one reused buffer, as a caller rendering again and again does,
   * and allocating a new image per render ({@code render(shot, grid)}) for comparison.
   */
  private static void renderTiming(PrintStream out) {
    BufferedImage shot = new BufferedImage(1920, 1080, BufferedImage.TYPE_INT_ARGB);
    Random r = new Random(1);
    for (int y = 0; y < shot.getHeight(); y++) {
      for (int x = 0; x < shot.getWidth(); x++) {
        shot.setRGB(x, y, 0xff000000 | r.nextInt(0x1000000));
      }
    }
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    for (int i = 0; i < 100_000; i++) {
      grid.add(
          (int) Math.min(99, Math.abs(50 + r.nextGaussian() * 20)),
          (int) Math.min(99, Math.abs(40 + r.nextGaussian() * 20)),
          1);
    }
    HeatmapRenderer renderer = new HeatmapRenderer(HeatmapRenderer.Options.DEFAULT);
    int warmups = 200;
    int renders = 1000;
    BufferedImage[] buffer = {null};
    double[] reused =
        renderMillis(warmups, renders, () -> buffer[0] = renderer.render(shot, grid, buffer[0]));
    double[] allocating = renderMillis(warmups, renders, () -> renderer.render(shot, grid));
    out.printf(
        "render 100×100 grid over 1920×1080 (smoothing, gradient, legend; no PNG encoding),"
            + " %,d renders after %d warm-up:%n",
        renders, warmups);
    String line = "  %-38s p50 %5.1f ms  p99 %5.1f ms  max %5.1f ms%n";
    out.printf(
        line,
        "into a reused buffer",
        reused[renders / 2],
        reused[(int) Math.ceil(renders * 0.99) - 1],
        reused[renders - 1]);
    out.printf(
        line,
        "a new image each (render(shot, grid))",
        allocating[renders / 2],
        allocating[(int) Math.ceil(renders * 0.99) - 1],
        allocating[renders - 1]);
  }

  /** {@code warmups} untimed renders, then {@code renders} timed ones: milliseconds, sorted. */
  private static double[] renderMillis(int warmups, int renders, Supplier<BufferedImage> render) {
    for (int i = 0; i < warmups; i++) {
      render.get();
    }
    double[] ms = new double[renders];
    for (int i = 0; i < renders; i++) {
      long s = System.nanoTime();
      render.get();
      ms[i] = (System.nanoTime() - s) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }
}
