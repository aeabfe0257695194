package io.heatlab.console.overview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Failure;
import io.heatlab.console.shell.Refresher;
import io.heatlab.olap.Granularity;
import io.heatlab.rollup.RollupRuns;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.StackPart;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * Samples the pipeline line every five seconds from each stage's own source — the HTTP endpoint's
 * counter ({@code /healthz}), the topic's end offsets and the connector's commits (Kafka Admin),
 * {@code heatmap_hourly} (JDBC), freshness (the landing manifests + {@code rollup_runs}) — and
 * judges it with {@link PipelineStatus}.
 */
public final class PipelineModel {
  /** Each stage's own counter, as the overview samples it. */
  public interface Source extends AutoCloseable {
    /**
     * The HTTP endpoint's accepted-batches counter (one Kafka record each, contract v2), or null
     * when it does not answer.
     */
    Long acceptedBatches();

    /** The landing connector's position on the events topic. */
    ConsumerLag landingLag() throws Exception;

    /** Σ count of {@code heatmap_hourly}. */
    long aggregatedEvents() throws SQLException;

    /** Each rolled-up hour's start → when its last successful hourly run finished. */
    Map<Instant, Instant> lastHourlyRollups() throws SQLException;

    /** Each hour that received objects since {@code since} → when its newest was written. */
    Map<Instant, Instant> newestWritesSince(Instant since) throws IOException;

    /** Rolled-up hours since {@code since} that count more events than their run read. */
    List<RollupRuns.OverCount> overCounted(Instant since) throws SQLException;

    @Override
    void close();

    /** The console's clients and the stack's {@code /healthz}. */
    static Source of(ConsoleContext context) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      return new Source() {
        private CommittedTail tail; // guarded by this

        /**
         * The http part's counter, plus each ingestion service's when the stack runs some (the
         * cluster profile): every counter since its process started; null if the http part does not
         * answer.
         */
        @Override
        public Long acceptedBatches() {
          Long http = acceptedBatches(context.stack().endpoints().httpUrl());
          if (http == null) {
            return null;
          }
          long all = http;
          for (StackPart ingest : context.stack().nodes("ingest")) {
            Long n = acceptedBatches(ingest.address());
            all += n == null ? 0 : n;
          }
          return all;
        }

        private Long acceptedBatches(String baseUrl) {
          try {
            HttpResponse<byte[]> r =
                http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/healthz"))
                        .timeout(Duration.ofSeconds(3))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode n = JSON.readTree(r.body()).path("ingest").path("accepted_batches");
            return n.isNumber() ? n.asLong() : null;
          } catch (IOException e) {
            return null;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
          }
        }

        @Override
        public synchronized ConsumerLag landingLag() throws Exception {
          if (tail == null) {
            tail = new CommittedTail(context.stack().endpoints().kafkaBootstrap());
          }
          return ConsumerLag.landing(
              context.admin(), tail, context.config(), Duration.ofSeconds(5));
        }

        @Override
        public long aggregatedEvents() throws SQLException {
          try (Connection c = context.jdbc().connect();
              Statement st = c.createStatement();
              ResultSet rs =
                  st.executeQuery("SELECT sum(count) FROM " + Granularity.HOURLY.table())) {
            return rs.next() ? rs.getLong(1) : 0;
          }
        }

        @Override
        public Map<Instant, Instant> lastHourlyRollups() throws SQLException {
          return context.rollups().runs().lastFinished(Granularity.HOURLY);
        }

        @Override
        public Map<Instant, Instant> newestWritesSince(Instant since) throws IOException {
          Map<Instant, Instant> written = new HashMap<>();
          context
              .rollups()
              .landing()
              .newestWritesSince(since)
              .forEach((hour, at) -> written.put(hour.start(), at));
          return written;
        }

        @Override
        public List<RollupRuns.OverCount> overCounted(Instant since) throws SQLException {
          return context.rollups().runs().overCounted(since);
        }

        @Override
        public synchronized void close() {
          if (tail != null) {
            tail.close();
          }
        }
      };
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Source source;
  private final Clock clock;
  private final ReadOnlyObjectWrapper<PipelineStatus> status = new ReadOnlyObjectWrapper<>();
  private final Failure failure;
  private final Refresher<PipelineStatus> refresher;
  private final Duration freshnessThreshold;
  private final Duration lookback;
  private volatile PipelineStatus last;
  private boolean closed; // guarded by this

  public PipelineModel(ConsoleContext context) {
    this(
        Source.of(context),
        context.timers(),
        context.background(),
        Clock.systemUTC(),
        Duration.ofMillis(context.config().getLong(HeatlabConfig.CONSOLE_FRESHNESS_THRESHOLD_MS)),
        Duration.ofHours(context.config().getInt(HeatlabConfig.ROLLUP_SCHEDULER_LOOKBACK_HOURS)));
  }

  /**
   * A model sampling {@code source} every five seconds; hours within {@code lookback} are checked
   * for freshness and double counts.
   */
  PipelineModel(
      Source source,
      ScheduledExecutorService timers,
      ExecutorService background,
      Clock clock,
      Duration freshnessThreshold,
      Duration lookback) {
    this.source = source;
    this.clock = clock;
    this.freshnessThreshold = freshnessThreshold;
    this.lookback = lookback;
    this.failure = new Failure(this::refresh);
    this.refresher =
        new Refresher<>(
            timers,
            background,
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
    Instant now = clock.instant();
    // the HTTP counter before the topic's end offsets: every batch acknowledged by then is in
    // Kafka when the offsets are read, so accepted > in Kafka means lost batches, never a race
    Long accepted = source.acceptedBatches();
    ConsumerLag lag = source.landingLag();
    long aggregated = source.aggregatedEvents();
    Instant since = now.minus(lookback);
    Instant freshThrough =
        PipelineStatus.freshThrough(
            now, source.lastHourlyRollups(), source.newestWritesSince(since));
    List<PipelineStatus.HourCheck> overCounted =
        source.overCounted(since).stream()
            .map(
                o ->
                    new PipelineStatus.HourCheck(
                        Granularity.dateTime(o.hour()), o.counted(), o.rowsRead()))
            .toList();
    PipelineStatus s =
        PipelineStatus.judge(
            new PipelineStatus.Sample(
                now,
                accepted,
                lag.totalEnd(),
                lag.totalCommitted(),
                lag.totalLag(),
                aggregated,
                overCounted,
                freshThrough),
            last,
            new PipelineStatus.Thresholds(Duration.ofMinutes(2), freshnessThreshold));
    last = s;
    return s;
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
   * Stops sampling for good and closes the source's readers (after a sample still running; at the
   * console's exit).
   */
  public void close() {
    refresher.stop();
    synchronized (
        this) { // waits for a sample still running; before the stack stops (the console's exit)
      closed = true;
      source.close();
    }
  }
}
