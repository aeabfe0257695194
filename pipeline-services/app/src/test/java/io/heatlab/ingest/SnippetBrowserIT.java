package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.LandedEvent;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.Granularity;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.render.HeatmapRenderer;
import io.heatlab.rollup.RollupRun;
import io.heatlab.rollup.Rollups;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.stack.testing.CliProcess;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * heatlab.js on a customer's page, end to end: this test serves a small site
 * (src/test/resources/site) on another origin than heatlab ({@code http://localhost:<port>};
 * heatlab is at 127.0.0.1), whose pages embed the snippet from heatlab with one tag; real Chromium
 * (simulator-web/src/test/js/drive-snippet.mjs) moves, scrolls and clicks two buttons, one far
 * below the fold. Every event is acknowledged, lands, and after an hourly rollup the heatmap of
 * that screen — read with the read key — has its clicks in the cells of those buttons' page
 * positions; {@code ./heatlab screens capture} of the page registers a full-page PNG, and the
 * heatmap rendered over it puts its hottest pixel inside the button clicked most. Also: the snippet
 * is served compressed and cacheable, the client's path patterns name screens, opt-out sends
 * nothing, a page of an origin the client does not allow is refused, and the write key reads
 * nothing.
 */
class SnippetBrowserIT {

  @RegisterExtension
  static final EmbeddedStackExtension STACK =
      new EmbeddedStackExtension()
          .with(HeatlabConfig.INGEST_SCREEN_PATTERNS, "demo:/product/*=product")
          .with(HeatlabConfig.LANDING_ROTATE_SCHEDULE_INTERVAL_MS, "1000")
          .with(HeatlabConfig.CONNECT_COMMIT_INTERVAL_MS, "1000");

  private static final Path WEB_MODULE =
      Path.of("..", "..", "simulator-web").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static JsonNode run;
  private static Instant from;
  private static Instant to;
  private static HttpServer site;
  private static String siteUrl;

  @BeforeAll
  static void aBrowserOnAnotherOrigin() throws Exception {
    assertThat(WEB_MODULE.resolve("node_modules/playwright-core"))
        .as("installed by ./heatlab test")
        .isDirectory();
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serve("/pricing/", "pricing.html");
    serve("/product/12345", "product.html");
    serve("/opted-out/", "opted-out.html");
    site.start();
    siteUrl = "http://localhost:" + site.getAddress().getPort(); // heatlab is at 127.0.0.1
    from = Instant.now();
    Process node =
        new ProcessBuilder("node", "src/test/js/drive-snippet.mjs", siteUrl)
            .directory(WEB_MODULE.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output =
        new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(node.waitFor(3, TimeUnit.MINUTES)).isTrue();
    to = Instant.now();
    assertThat(node.exitValue()).as(output).isZero();
    run = JSON.readTree(output.substring(output.lastIndexOf('\n') + 1));
    assertThat(run.get("errors")).as("errors on the page").isEmpty();
  }

  @AfterAll
  static void stopTheSite() {
    if (site != null) {
      site.stop(0);
    }
  }

  /** Serves a page of src/test/resources/site/ at {@code path}, pointing at this test's heatlab. */
  private static void serve(String path, String resource) throws Exception {
    byte[] page;
    try (InputStream in = SnippetBrowserIT.class.getResourceAsStream("/site/" + resource)) {
      page =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("HEATLAB_URL", STACK.endpoints().httpUrl())
              .getBytes(StandardCharsets.UTF_8);
    }
    site.createContext(
        path,
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
  }

  @Test
  void everyEventOfTheCrossOriginPageIsAcknowledged() {
    JsonNode pricing = run.get("pricing");
    assertThat(pricing.get("screen_id").asText()).isEqualTo("pricing");
    assertThat(pricing.get("sent").asInt()).isGreaterThanOrEqualTo(20 + 5); // moves + clicks
    assertThat(pricing.get("acked").asInt()).isEqualTo(pricing.get("sent").asInt());
    assertThat(pricing.get("failed").asInt()).isZero();
    assertThat(pricing.get("pending").asInt()).isZero();
    assertThat(pricing.get("session_id").asText()).matches("s-[0-9a-f]{12}");
  }

  @Test
  void screensAreNamedByTheDefaultMappingOrTheClientsPatterns() {
    Map<String, String> expected = new HashMap<>();
    expected.put("/", "home");
    expected.put("/pricing/", "pricing");
    expected.put("/Pricing", "pricing");
    expected.put("/docs/getting-started/", "docs.getting-started");
    expected.put("/product/12345", "product.id");
    expected.put("/users/3f2a9c1e-77aa-4d1b-9c11-0a1b2c3d4e5f/settings", "users.id.settings");
    expected.put("/blog/2026/12/hello%20world", "blog.id.id.hello-world");
    expected.put("/a/8f3b2c1d9e", "a.id");
    expected.put("/deadbeef/cafe", "deadbeef.cafe");
    expected.put("/search?q=shoes#top", "search");
    Map<String, String> got = new HashMap<>();
    run.get("screens").fields().forEachRemaining(e -> got.put(e.getKey(), e.getValue().asText()));
    assertThat(got).isEqualTo(expected);

    JsonNode product = run.get("product");
    assertThat(product.get("screen_id").asText())
        .as("demo:/product/*=product, from GET /v1/snippet/demo")
        .isEqualTo("product");
    assertThat(product.get("sent").asInt()).as("the click (and the move to it)").isPositive();
    assertThat(product.get("acked").asInt()).isEqualTo(product.get("sent").asInt());
  }

  @Test
  void nothingIsSentAfterOptOut() {
    JsonNode optedOut = run.get("optedOut");
    assertThat(optedOut.get("opted_out").asBoolean()).isTrue();
    assertThat(optedOut.get("sent").asInt()).isZero();
    assertThat(optedOut.get("buffered").asInt()).isZero();
  }

  @Test
  void theClicksLandAndRollUpOntoTheButtonsPagePositions() throws Exception {
    HeatlabConfig config = STACK.config();
    ObjectStore store = STACK.endpoints().objectStore(config);
    List<Instant> hours = Granularity.HOURLY.windows(Granularity.HOURLY.windowOf(from), to);
    int clicks = run.get("clicks").get("docs").asInt() + run.get("clicks").get("buy").asInt();
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> landedClicks(store, hours, "pricing").size() == clicks);

    try (Rollups rollups = new Rollups(config, STACK.endpoints())) {
      RollupRun.Result result =
          rollups.start(Granularity.HOURLY, hours, new RollupRun.Listener() {}).await();
      assertThat(result.succeeded()).as(String.valueOf(result.error())).isTrue();
    }
    String query =
        "client_id=demo&screen_id=pricing&type=click&from="
            + hours.get(0)
            + "&to="
            + Granularity.HOURLY.end(hours.get(hours.size() - 1));
    JsonNode heatmap = get("/v1/heatmap?" + query, "demo-read-key", 200);
    assertThat(heatmap.get("total").asInt()).isEqualTo(clicks);

    double docW = run.get("doc").get("w").asDouble();
    double docH = run.get("doc").get("h").asDouble();
    assertThat(docH).as("the page is taller than the window").isGreaterThan(2000);
    Map<String, Integer> byButton = new HashMap<>();
    for (JsonNode cell : heatmap.get("cells")) {
      int x = cell.get(0).asInt();
      int y = cell.get(1).asInt();
      String button = null;
      for (String name : List.of("docs", "buy")) {
        JsonNode b = run.get("boxes").get(name);
        int cx = (int) Math.floor((b.get("x").asDouble() + b.get("w").asDouble() / 2) / docW * 100);
        int cy = (int) Math.floor((b.get("y").asDouble() + b.get("h").asDouble() / 2) / docH * 100);
        if (Math.abs(x - cx) <= 1 && Math.abs(y - cy) <= 1) {
          button = name;
        }
      }
      assertThat(button).as("click cell [%d, %d] lies on a clicked button", x, y).isNotNull();
      byButton.merge(button, cell.get(2).asInt(), Integer::sum);
    }
    assertThat(byButton)
        .isEqualTo(
            Map.of(
                "docs", run.get("clicks").get("docs").asInt(),
                "buy", run.get("clicks").get("buy").asInt()));

    assertThat(get("/v1/heatmap?" + query, "demo-write-key", 403).get("error").asText())
        .as("the write key sits in every page: it reads nothing")
        .startsWith("this is a write key");

    // ./heatlab screens capture: a full-page PNG of the page, registered for the screen
    String captured =
        heatlab(
            "screens",
            "capture",
            "--client",
            "demo",
            "--screen",
            "pricing",
            "--url",
            siteUrl + "/pricing/");
    assertThat(captured).contains("demo/pricing desktop: 1440×2400 png");
    byte[] png =
        new ScreenRegistry(store)
            .screenshot("demo", "pricing", ViewportClass.DESKTOP)
            .orElseThrow();
    BufferedImage shot = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(shot.getWidth()).isEqualTo((int) docW);
    assertThat(shot.getHeight()).as("the whole page, below the fold too").isEqualTo((int) docH);
    JsonNode buy = run.get("boxes").get("buy");
    assertThat(new Color(shot.getRGB(buy.get("x").asInt() + 20, buy.get("y").asInt() + 20)))
        .as("the capture shows #buy (#cc3333) where the browser had it")
        .isEqualTo(new Color(0xcc, 0x33, 0x33));

    // the heatmap rendered over it: its hottest pixel lies inside #buy, the button clicked most
    HeatmapGrid grid = HeatmapGrid.empty(100, 100);
    for (JsonNode cell : heatmap.get("cells")) {
      grid.add(cell.get(0).asInt(), cell.get(1).asInt(), cell.get(2).asLong());
    }
    HeatmapRenderer renderer =
        new HeatmapRenderer(
            new HeatmapRenderer.Options(2.5, HeatmapRenderer.Scale.LINEAR, 0.75, false));
    assertThat(renderer.render(shot, grid).getRGB(hottestX(buy), hottestY(buy)))
        .as("painted over the screenshot")
        .isNotEqualTo(shot.getRGB(hottestX(buy), hottestY(buy)));
    int[] hottest = hottestPixel(renderer, grid, shot.getWidth(), shot.getHeight());
    assertThat(hottest[0])
        .as("hottest pixel %s inside #buy %s", Arrays.toString(hottest), buy)
        .isBetween(buy.get("x").asInt(), buy.get("x").asInt() + buy.get("w").asInt());
    assertThat(hottest[1])
        .as("hottest pixel %s inside #buy %s", Arrays.toString(hottest), buy)
        .isBetween(buy.get("y").asInt(), buy.get("y").asInt() + buy.get("h").asInt());

    String listed = heatlab("screens", "list", "--client", "demo");
    assertThat(listed)
        .containsPattern("demo +pricing +[0-9,]+ +[0-9-]+ [0-9:]+ +1440x2400 +missing");
  }

  private static int hottestX(JsonNode box) {
    return box.get("x").asInt() + box.get("w").asInt() / 2;
  }

  private static int hottestY(JsonNode box) {
    return box.get("y").asInt() + box.get("h").asInt() / 2;
  }

  /**
   * Where the rendered heatmap is most opaque, whatever its palette: painted over white and over
   * black, a pixel of opacity a differs by (1 - a) × 255 between the two.
   */
  private static int[] hottestPixel(HeatmapRenderer renderer, HeatmapGrid grid, int w, int h) {
    BufferedImage white = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = white.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.dispose();
    BufferedImage overWhite = renderer.render(white, grid);
    BufferedImage overBlack =
        renderer.render(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), grid);
    int[] best = {0, 0};
    int least = Integer.MAX_VALUE;
    for (int y = 0; y < h; y += 2) {
      for (int x = 0; x < w; x += 2) {
        Color a = new Color(overWhite.getRGB(x, y));
        Color b = new Color(overBlack.getRGB(x, y));
        int transparency =
            (a.getRed() - b.getRed()) + (a.getGreen() - b.getGreen()) + (a.getBlue() - b.getBlue());
        if (transparency < least) {
          least = transparency;
          best = new int[] {x, y};
        }
      }
    }
    return best;
  }

  /** Runs the CLI in its own JVM against this test's stack, as a user would; its output. */
  private static String heatlab(String... args) throws Exception {
    CliProcess.Run run = CliProcess.run(CliProcess.envOf(STACK.config()), args);
    assertThat(run.exitCode()).as(run.output()).isZero();
    return run.output();
  }

  @Test
  void theSnippetIsServedCompressedCacheableAndToAnyOrigin() throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/heatlab.js"))
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(r.body().length).as("gzipped size").isLessThanOrEqualTo(6 * 1024);
    String source =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(source).startsWith("/*! heatlab.js");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> again =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/heatlab.js"))
                .header("If-None-Match", etag)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(again.statusCode()).as("revalidated by its ETag").isEqualTo(304);

    JsonNode settings = get("/v1/snippet/demo", null, 200);
    assertThat(settings.get("screens").get(0).get("path").asText()).isEqualTo("/product/*");
    assertThat(get("/v1/snippet/not%20an%20id", null, 400).get("error").asText())
        .contains("client_id");
  }

  @Test
  void aPageOfAnOriginTheClientDoesNotAllowIsRefused() throws Exception {
    String batch =
        "{\"client_id\":\"demo\",\"batch_id\":\"b-origin-1\",\"screen_id\":\"origin-check\",\"events\":"
            + "[{\"t\":"
            + System.currentTimeMillis()
            + ",\"x\":0.5,\"y\":0.5,\"type\":\"click\"}]}";
    HttpResponse<String> refused = post(batch, "https://evil.example");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(JSON.readTree(refused.body()).get("error").asText())
        .isEqualTo(
            "pages of https://evil.example may not post batches for client 'demo': add the origin"
                + " to ingest.origins (demo=https://evil.example)");
    HttpResponse<String> loopback = post(batch, "http://localhost:5173");
    assertThat(loopback.statusCode())
        .as("the embedded demo client takes any loopback page: " + loopback.body())
        .isEqualTo(202);
  }

  @Test
  void aBeaconAtPagehideIsAcceptedAsTextWithTheKeyInTheQuery() throws Exception {
    String batch =
        "{\"client_id\":\"demo\",\"batch_id\":\"b-beacon-1\",\"screen_id\":\"origin-check\","
            + "\"events\":[{\"t\":"
            + System.currentTimeMillis()
            + ",\"x\":0.5,\"y\":0.5,\"type\":\"click\"}]}";
    HttpResponse<String> beacon =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(STACK.endpoints().httpUrl() + "/v1/batches?key=demo-write-key"))
                .header("Content-Type", "text/plain;charset=UTF-8") // what sendBeacon sends
                .header("Origin", "http://localhost:5173")
                .POST(HttpRequest.BodyPublishers.ofString(batch))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(beacon.statusCode()).as(beacon.body()).isEqualTo(202);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** The click events of {@code screen} landed in {@code hours}, whatever their format. */
  private static List<LandedEvent> landedClicks(
      ObjectStore store, List<Instant> hours, String screen) throws Exception {
    LandingLayout layout = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
    List<LandedEvent> out = new ArrayList<>();
    for (String format : ObjectFormat.NAMES) {
      for (Instant hour : hours) {
        for (ObjectStore.Entry e :
            store.list(layout.hourPrefix(format, HourPartition.of(hour.toEpochMilli())))) {
          for (LandedEvent ev :
              ObjectFormat.reader(format).decode(store.get(e.key()).orElseThrow())) {
            if (ev.screenId().equals(screen) && ev.eventType().equals("click")) {
              out.add(ev);
            }
          }
        }
      }
    }
    return out;
  }

  private static HttpResponse<String> post(String body, String origin) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + "/v1/batches"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer demo-write-key")
            .header("Origin", origin)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode get(String path, String readKey, int status) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(STACK.endpoints().httpUrl() + path));
    if (readKey != null) {
      b.header("Authorization", "Bearer " + readKey);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }
}
