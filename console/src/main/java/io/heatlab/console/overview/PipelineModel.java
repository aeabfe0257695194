package io.heatlab.console.overview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.Refresher;
import io.heatlab.olap.Granularity;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.ConsumerLag;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * Samples the pipeline line every five seconds from each stage's own source — the HTTP endpoint's
 * counter ({@code /healthz}), the topic's end offsets and the connector's commits (Kafka Admin),
 * {@code heatmap_hourly} (JDBC), freshness (the landing manifests + {@code rollup_runs}) — and
 * judges it with {@link PipelineStatus}.
 */
public final class PipelineModel {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ConsoleContext context;
  private final ReadOnlyObjectWrapper<PipelineStatus> status = new ReadOnlyObjectWrapper<>();
  private final Failure failure;
  private final Refresher<PipelineStatus> refresher;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Duration freshnessThreshold;
  private volatile PipelineStatus last;
  private CommittedTail tail; // the sampler's; guarded by this
  private boolean closed; // guarded by this

  public PipelineModel(ConsoleContext context) {
    this.context = context;
    this.freshnessThreshold =
        Duration.ofMillis(context.config().getLong(HeatlabConfig.CONSOLE_FRESHNESS_THRESHOLD_MS));
    this.failure = new Failure(this::refresh);
    this.refresher =
        new Refresher<>(
            context.timers(),
            context.background(),
            Duration.ofSeconds(5),
            "pipeline counts",
            this::sample,
            s -> status.set(s),
            failure);
  }

  private synchronized PipelineStatus sample() throws Exception {
    if (closed) {
      throw new IllegalStateException("the overview is closed");
    }
    Instant now = Instant.now();
    if (tail == null) {
      tail = new CommittedTail(context.stack().endpoints().kafkaBootstrap());
    }
    ConsumerLag lag =
        ConsumerLag.landing(context.admin(), tail, context.config(), Duration.ofSeconds(5));
    long aggregated;
    try (Connection c = context.jdbc().connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sum(count) FROM " + Granularity.HOURLY.table())) {
      aggregated = rs.next() ? rs.getLong(1) : 0;
    }
    Duration lookback =
        Duration.ofHours(context.config().getInt(HeatlabConfig.ROLLUP_SCHEDULER_LOOKBACK_HOURS));
    Map<Instant, Instant> finished = context.rollups().runs().lastFinished(Granularity.HOURLY);
    Map<Instant, Instant> written = new HashMap<>(); // every hour that landed within the lookback
    context
        .rollups()
        .landing()
        .newestWritesSince(now.minus(lookback))
        .forEach((hour, at) -> written.put(hour.start(), at));
    Instant freshThrough = PipelineStatus.freshThrough(now, finished, written);
    PipelineStatus s =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                now,
                accepted(),
                lag.totalEnd(),
                lag.totalCommitted(),
                lag.totalLag(),
                aggregated,
                overCounted(now.minus(lookback)),
                freshThrough),
            last,
            new PipelineStatus.Thresholds(Duration.ofMinutes(2), freshnessThreshold));
    last = s;
    return s;
  }

  /**
   * Rolled-up hours since {@code since} whose Σ count exceeds the rows their last successful hourly
   * run read.
   */
  private List<PipelineStatus.HourCheck> overCounted(Instant since) throws SQLException {
    return context.rollups().runs().overCounted(since).stream()
        .map(
            o ->
                new PipelineStatus.HourCheck(
                    Granularity.dateTime(o.hour()), o.counted(), o.rowsRead()))
        .toList();
  }

  /** The HTTP endpoint's accepted-events counter, or null when it does not answer. */
  private Long accepted() {
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(URI.create(context.stack().endpoints().httpUrl() + "/healthz"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      JsonNode n = JSON.readTree(r.body()).path("ingest").path("accepted_events");
      return n.isNumber() ? n.asLong() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public ReadOnlyObjectProperty<PipelineStatus> status() {
    return status.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }

  public void refresh() {
    refresher.now();
  }

  public void start() {
    refresher.start();
  }

  public void stop() {
    refresher.stop();
  }

  /**
   * Stops sampling for good and closes the tail reader (after a sample still running; at the
   * console's exit).
   */
  public void close() {
    refresher.stop();
    synchronized (
        this) { // waits for a sample still running; before the stack stops (the console's exit)
      closed = true;
      if (tail != null) {
        tail.close();
      }
    }
  }
}
