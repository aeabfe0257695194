package io.heatlab.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.contract.ViewportClass;
import io.heatlab.olap.Granularity;
import io.heatlab.render.HeatmapGrid;
import io.heatlab.render.SignificantDifference;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET
 * /v1/heatmap?client_id=&screen_id=&type=move,click&viewport=desktop&from=ISO&to=ISO[&compare_from=&compare_to=|&compare_type=]}
 * → {@code {grid:{w,h}, cells:[[x,y,count]…], max, total, coverage:{missing_hours:[…],
 * expired:[{granularity, from, to}…]}, …}} — {@code expired}: windows of the range past their
 * retention, whose counts are not in the answer. {@code viewport}: one viewport class, {@code
 * desktop} (the default), {@code tablet}, {@code mobile} or {@code unknown} (batches sent without a
 * viewport); a heatmap never mixes them. An empty answer names the classes that have events in
 * {@code other_viewports: {class: events}}.
 *
 * <p>Read access is per client with one of the client's <b>read keys</b> ({@code api.read.keys}),
 * in {@code Authorization: Bearer} only (never in the URL, where logs and referrers would keep it):
 * 401 without one; 403 for a write key (write keys are public, in every page that embeds
 * heatlab.js: they never read), an unknown key or another client's. Bad parameters: 400 with the
 * reason; ClickHouse or storage unreachable: 503 with {@code Retry-After}. Compare mode returns
 * period (or type) B as {@code compare} and {@code diff:{cells:[[x,y,share_a - share_b]…], max_abs,
 * significance:{test, fdr, tested, significant, cells:[[x,y,share_a - share_b,p]…]}}} where shares
 * are each period's cell count over its own total, so periods of different volume compare fairly,
 * and {@code significance} keeps the cells whose difference is beyond chance: a two-proportion
 * z-test per cell with the Benjamini–Hochberg false-discovery rate {@code fdr} (parameter, default
 * 0.05; {@link SignificantDifference}).
 */
public final class HeatmapHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(HeatmapHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HeatmapService service;
  private final ReadAccess access;

  /** Answers with {@code service} to the holders of a client's read key ({@link ReadAccess}). */
  public HeatmapHandler(HeatmapService service, ReadAccess access) {
    this.service = service;
    this.access = access;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.GET.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      return send(response, callback, 405, Map.of("error", "use GET"));
    }
    Fields params = Request.extractQueryParameters(request);
    String client = params.getValue("client_id");
    Optional<ReadAccess.Refusal> refused = access.check(request, client);
    if (refused.isPresent()) {
      if (refused.get().status() == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      }
      return send(
          response, callback, refused.get().status(), Map.of("error", refused.get().error()));
    }
    long t0 = System.nanoTime();
    HeatmapService.Request a;
    HeatmapService.Request b = null;
    double fdr = SignificantDifference.DEFAULT_Q;
    try {
      List<String> types =
          List.of(
              params.getValue("type") == null
                  ? new String[] {"move", "click"}
                  : params.getValue("type").split(","));
      ViewportClass viewport =
          params.getValue("viewport") == null
              ? ViewportClass.DESKTOP
              : ViewportClass.of(params.getValue("viewport"));
      a =
          new HeatmapService.Request(
              client,
              params.getValue("screen_id"),
              types,
              viewport,
              instant(params, "from"),
              instant(params, "to"));
      String compareType = params.getValue("compare_type");
      fdr = fdr(params.getValue("fdr"));
      if (params.getValue("compare_from") != null
          || params.getValue("compare_to") != null
          || compareType != null) {
        boolean period =
            params.getValue("compare_from") != null || params.getValue("compare_to") != null;
        b =
            new HeatmapService.Request(
                client,
                a.screenId(),
                compareType == null ? types : List.of(compareType.split(",")),
                viewport,
                period ? instant(params, "compare_from") : a.from(),
                period ? instant(params, "compare_to") : a.to());
      }
    } catch (IllegalArgumentException e) {
      return send(response, callback, 400, Map.of("error", e.getMessage()));
    }
    try {
      HeatmapService.Answer answer = service.heatmap(a);
      Map<String, Object> body = body(answer);
      if (b != null) {
        HeatmapService.Answer other = service.heatmap(b);
        body.put("compare", body(other));
        body.put("diff", diff(answer.grid(), other.grid(), fdr));
      }
      body.put("took_ms", (System.nanoTime() - t0) / 1_000_000.0);
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      return send(response, callback, 200, body);
    } catch (Exception e) {
      LOG.warn("GET /v1/heatmap failed: {}", e.toString());
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
      return send(
          response, callback, 503, Map.of("error", "heatmap store unavailable, retry later"));
    }
  }

  static Map<String, Object> body(HeatmapService.Answer answer) {
    HeatmapGrid g = answer.grid();
    List<long[]> cells = new ArrayList<>();
    for (int y = 0; y < g.height(); y++) {
      for (int x = 0; x < g.width(); x++) {
        long c = g.at(x, y);
        if (c > 0) {
          cells.add(new long[] {x, y, c});
        }
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("client_id", answer.request().clientId());
    body.put("screen_id", answer.request().screenId());
    body.put("types", answer.request().types());
    body.put("viewport", answer.request().viewport().id());
    body.put("from", answer.request().from().toString());
    body.put("to", answer.request().to().toString());
    body.put("grid", Map.of("w", g.width(), "h", g.height()));
    body.put("cells", cells);
    body.put("max", g.max());
    body.put("total", g.total());
    List<Map<String, String>> expired =
        answer.expired().stream()
            .map(
                e ->
                    Map.of(
                        "granularity",
                        e.granularity().name().toLowerCase(),
                        "from",
                        e.from().toString(),
                        "to",
                        e.to().toString()))
            .toList();
    body.put(
        "coverage",
        Map.of(
            "missing_hours",
            answer.missingHours().stream().map(Granularity.HOURLY::label).toList(),
            "expired",
            expired));
    Map<String, Long> others = new LinkedHashMap<>();
    answer.otherViewports().forEach((v, n) -> others.put(v.id(), n));
    body.put("other_viewports", others); // filled only when this class has no event
    Map<String, Integer> read = new LinkedHashMap<>();
    answer.windowsRead().forEach((gr, n) -> read.put(gr.name().toLowerCase(), n));
    body.put("windows_read", read);
    return body;
  }

  private static double fdr(String value) {
    if (value == null) {
      return SignificantDifference.DEFAULT_Q;
    }
    try {
      double q = Double.parseDouble(value);
      if (q > 0 && q < 1) {
        return q;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(
        "fdr '" + value + "' must be a false-discovery rate between 0 and 1, e.g. 0.05");
  }

  /**
   * Per cell: A's share of its total minus B's, for the cells where either is non-zero, and the
   * cells whose difference is significant at false-discovery rate {@code fdr}.
   */
  static Map<String, Object> diff(HeatmapGrid a, HeatmapGrid b, double fdr) {
    double ta = a.total();
    double tb = b.total();
    List<double[]> cells = new ArrayList<>();
    double maxAbs = 0;
    for (int y = 0; y < a.height(); y++) {
      for (int x = 0; x < a.width(); x++) {
        double d = (ta == 0 ? 0 : a.at(x, y) / ta) - (tb == 0 ? 0 : b.at(x, y) / tb);
        if (d != 0) {
          cells.add(new double[] {x, y, d});
          maxAbs = Math.max(maxAbs, Math.abs(d));
        }
      }
    }
    SignificantDifference sig = SignificantDifference.of(a, b, fdr);
    List<double[]> kept = new ArrayList<>();
    for (int y = 0; y < a.height(); y++) {
      for (int x = 0; x < a.width(); x++) {
        int i = y * a.width() + x;
        if (sig.significant()[i]) {
          kept.add(new double[] {x, y, sig.share()[i], sig.pValue()[i]});
        }
      }
    }
    Map<String, Object> significance = new LinkedHashMap<>();
    significance.put("test", "two-proportion z-test per cell, Benjamini–Hochberg");
    significance.put("fdr", fdr);
    significance.put("tested", sig.tested());
    significance.put("significant", sig.discoveries());
    significance.put("cells", kept);
    Map<String, Object> diff = new LinkedHashMap<>();
    diff.put("cells", cells);
    diff.put("max_abs", maxAbs);
    diff.put("significance", significance);
    return diff;
  }

  private static Instant instant(Fields params, String name) {
    String v = params.getValue(name);
    if (v == null) {
      throw new IllegalArgumentException(
          name + " is required (ISO-8601, e.g. 2026-11-23T10:00:00Z)");
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " '" + v + "' is not an ISO-8601 instant, e.g. 2026-11-23T10:00:00Z");
    }
  }

  private static boolean send(Response response, Callback callback, int status, Map<String, ?> body)
      throws Exception {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
    return true;
  }
}
