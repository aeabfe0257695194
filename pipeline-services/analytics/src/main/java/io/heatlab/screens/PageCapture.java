package io.heatlab.screens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heatlab.contract.ViewportClass;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A full-page screenshot of a URL, taken by headless Chromium (Debian's {@code /usr/bin/chromium},
 * or {@code HEATLAB_CHROMIUM}) through the DevTools protocol: the window is set to the viewport
 * class's width, the page loads, and the whole document — its full height, scrolled content
 * included, as heatlab.js's page-relative coordinates measure it — is captured as one PNG.
 *
 * <p>Each capture runs its own Chromium with a throw-away profile (no cookies, nothing shared) and
 * stops it afterwards. Pages taller than {@link #MAX_HEIGHT} are cut there.
 */
public final class PageCapture {
  /** The tallest capture, in CSS pixels. */
  public static final int MAX_HEIGHT = 16_384;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final int WINDOW_HEIGHT = 900;

  /** A captured page: the PNG and its size in CSS pixels. */
  public record Captured(byte[] png, int width, int height) {}

  private final String chromium;
  private final Duration timeout;

  public PageCapture(String chromium, Duration timeout) {
    this.chromium = chromium;
    this.timeout = timeout;
  }

  /** Chromium from {@code HEATLAB_CHROMIUM}, else {@code /usr/bin/chromium}; a minute per page. */
  public static PageCapture defaults() {
    String bin = System.getenv().getOrDefault("HEATLAB_CHROMIUM", "/usr/bin/chromium");
    return new PageCapture(bin, Duration.ofSeconds(60));
  }

  /** Captures {@code url} as a page of {@code viewport}'s width. */
  public Captured capture(String url, ViewportClass viewport) throws IOException {
    URI uri = URI.create(url);
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException("--url: '" + url + "' is not an http(s) URL");
    }
    if (!Files.isExecutable(Path.of(chromium))) {
      throw new IOException(
          "no Chromium at "
              + chromium
              + ": install Debian's (apt-get install chromium) or set HEATLAB_CHROMIUM");
    }
    int width = viewport.captureWidth();
    Path profile = Files.createTempDirectory("heatlab-capture-");
    Process browser =
        new ProcessBuilder(
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + WINDOW_HEIGHT,
                "about:blank")
            .redirectErrorStream(true)
            .start();
    try (Session session = Session.open(devtoolsUrl(browser), timeout)) {
      JsonNode target = session.call("Target.createTarget", Map.of("url", "about:blank"), null);
      String targetId = target.get("targetId").asText();
      String sessionId =
          session
              .call("Target.attachToTarget", Map.of("targetId", targetId, "flatten", true), null)
              .get("sessionId")
              .asText();
      session.call(
          "Emulation.setDeviceMetricsOverride",
          Map.of(
              "width",
              width,
              "height",
              WINDOW_HEIGHT,
              "deviceScaleFactor",
              1,
              "mobile",
              viewport == ViewportClass.MOBILE),
          sessionId);
      session.call("Page.enable", Map.of(), sessionId);
      CompletableFuture<JsonNode> loaded = session.event("Page.loadEventFired");
      JsonNode navigated = session.call("Page.navigate", Map.of("url", url), sessionId);
      if (navigated.hasNonNull("errorText")) {
        throw new IOException(url + " did not load: " + navigated.get("errorText").asText());
      }
      session.await(loaded, "the page's load event");
      JsonNode size =
          session.call(
              "Runtime.evaluate",
              Map.of(
                  "expression",
                  "(() => { const d = document.documentElement, b = document.body || d;"
                      + " return [Math.max(d.scrollWidth, b.scrollWidth, d.clientWidth),"
                      + " Math.max(d.scrollHeight, b.scrollHeight, d.clientHeight)]; })()",
                  "returnByValue",
                  true),
              sessionId);
      JsonNode value = size.path("result").path("value");
      int pageWidth = Math.max(width, value.path(0).asInt(width));
      int pageHeight = Math.min(MAX_HEIGHT, Math.max(1, value.path(1).asInt(WINDOW_HEIGHT)));
      JsonNode shot =
          session.call(
              "Page.captureScreenshot",
              Map.of(
                  "format",
                  "png",
                  "captureBeyondViewport",
                  true,
                  "clip",
                  Map.of("x", 0, "y", 0, "width", pageWidth, "height", pageHeight, "scale", 1)),
              sessionId);
      byte[] png = Base64.getDecoder().decode(shot.get("data").asText());
      return new Captured(png, pageWidth, pageHeight);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while capturing " + url, e);
    } finally {
      browser.descendants().forEach(ProcessHandle::destroyForcibly);
      browser.destroyForcibly();
      try {
        browser.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deleteQuietly(profile);
    }
  }

  /** The browser's DevTools WebSocket URL, as Chromium prints it on start. */
  private String devtoolsUrl(Process browser) throws IOException {
    CompletableFuture<String> found = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                for (String line; (line = r.readLine()) != null; ) {
                  Matcher m = DEVTOOLS.matcher(line);
                  if (m.find()) {
                    found.complete(m.group(1));
                  } else if (seen.length() < 4_000) {
                    seen.append(line).append('\n');
                  }
                }
                found.completeExceptionally(
                    new IOException(
                        "Chromium exited before it listened: " + seen.toString().strip()));
              } catch (IOException e) {
                found.completeExceptionally(e);
              }
            },
            "heatlab-chromium-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("Chromium did not start its DevTools endpoint within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting Chromium", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory: the system cleans it
    }
  }

  /** One DevTools WebSocket: commands by id, their answers, and awaited events. */
  private static final class Session implements WebSocket.Listener, AutoCloseable {
    private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> events = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder partial = new StringBuilder();
    private final Duration timeout;
    private WebSocket socket;

    private Session(Duration timeout) {
      this.timeout = timeout;
    }

    static Session open(String url, Duration timeout) throws IOException, InterruptedException {
      Session s = new Session(timeout);
      try {
        s.socket =
            HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(timeout)
                .buildAsync(URI.create(url), s)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("cannot reach Chromium's DevTools at " + url + ": " + e, e);
      }
      return s;
    }

    /**
     * Sends {@code method} (to the page of {@code sessionId}, or the browser) and awaits its
     * result.
     */
    JsonNode call(String method, Map<String, Object> params, String sessionId)
        throws IOException, InterruptedException {
      int id = ids.incrementAndGet();
      ObjectNode message = JSON.createObjectNode();
      message.put("id", id);
      message.put("method", method);
      message.set("params", JSON.valueToTree(params));
      if (sessionId != null) {
        message.put("sessionId", sessionId);
      }
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      answers.put(id, answer);
      socket.sendText(JSON.writeValueAsString(message), true);
      JsonNode reply = await(answer, method);
      if (reply.has("error")) {
        throw new IOException(method + " failed: " + reply.get("error").path("message").asText());
      }
      return reply.path("result");
    }

    /** The next event named {@code method}, from now on. */
    CompletableFuture<JsonNode> event(String method) {
      return events.computeIfAbsent(method, m -> new CompletableFuture<>());
    }

    JsonNode await(CompletableFuture<JsonNode> f, String what)
        throws IOException, InterruptedException {
      try {
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IOException("Chromium gave no " + what + " within " + timeout);
      } catch (ExecutionException e) {
        throw new IOException(what + ": " + e.getCause(), e.getCause());
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode message = JSON.readTree(text);
          if (message.has("id")) {
            CompletableFuture<JsonNode> f = answers.remove(message.get("id").asInt());
            if (f != null) {
              f.complete(message);
            }
          } else if (message.has("method")) {
            CompletableFuture<JsonNode> f = events.remove(message.get("method").asText());
            if (f != null) {
              f.complete(message.path("params"));
            }
          }
        } catch (IOException e) {
          answers.values().forEach(f -> f.completeExceptionally(e));
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      answers.values().forEach(f -> f.completeExceptionally(error));
      events.values().forEach(f -> f.completeExceptionally(error));
    }

    @Override
    public void close() {
      if (socket != null) {
        socket.abort();
      }
    }
  }
}
