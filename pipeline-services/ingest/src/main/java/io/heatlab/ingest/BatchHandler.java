package io.heatlab.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.heatlab.contract.BatchParser;
import io.heatlab.contract.BatchRecord;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/batches}: the ingestion endpoint (contract in docs/architecture.md §2 and §5).
 *
 * <p>Reached through {@link IngestEndpoint} (CORS, then the write key: 401/403). Order of its own
 * checks, each answering as soon as it fails: method (405) → content type (415) → body size on the
 * wire and after gzip (413) → JSON and the whole batch against the contract, in one streaming pass
 * ({@link BatchParser}: 400 malformed, or 400 with every violation) → key matches client_id (403) →
 * per-client rate (429) → Kafka admission (503) → de-duplication (202 duplicate, or 503 while the
 * same batch is in flight) → produce. The answer {@code 202 {accepted, batch_id}} is written only
 * after Kafka acked every event of the batch; a produce failure answers 503 and releases the batch
 * id so the page's retry goes through. A commit in doubt ({@link EventProducer.OutcomeUnknown})
 * answers 503 but keeps the batch id claimed (renewed while Kafka has not answered) until its
 * outcome is known: committed → the retry is answered 202 duplicate; aborted → released, the retry
 * is produced. Nothing is produced for a rejected batch.
 *
 * <p>The request thread is released while Kafka acks (the response completes from the producer's
 * callback), so slow acks never pile up threads; {@link EventProducer#admit} bounds the work in
 * flight.
 *
 * <p>Lifecycle (Jetty's): {@code doStart} opens the producer and the de-duplication store, {@code
 * doStop} closes them, draining what was accepted.
 */
public final class BatchHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(BatchHandler.class);

  private final IngestSettings settings;
  private final BatchParser parser;
  private final ClientRateLimiter rateLimiter;
  private final Clock clock;
  private final AtomicLong acceptedEvents = new AtomicLong();
  private final AtomicLong acceptedBatches = new AtomicLong();
  private final Instant startedAt = Instant.now();
  private EventProducer producer;
  private BatchDeduplicator dedup;

  /** Renews the claims of batches whose commit is in doubt. */
  private ScheduledExecutorService claimKeeper;

  public BatchHandler(IngestSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.parser = new BatchParser(settings.limits(), clock);
    this.rateLimiter = new ClientRateLimiter(settings.rateLimitPerClient());
  }

  IngestSettings settings() {
    return settings;
  }

  /**
   * The de-duplication store's state for {@code /healthz}: where it is, and whether it answers
   * (while it does not, batches are answered 503 with Retry-After).
   */
  public String dedupState() {
    BatchDeduplicator d = dedup;
    if (d == null) {
      return "not started";
    }
    return d.reachable() ? d.describe() + " answering" : d.describe() + " NOT answering";
  }

  /**
   * The producer lanes that do not take batches now (resting after an unexpected failure); empty
   * when ingestion can produce.
   */
  public List<String> lanesDown() {
    EventProducer p = producer;
    return p == null ? List.of("not started") : p.lanesDown();
  }

  /** Whether the de-duplication store answers. */
  public boolean dedupReachable() {
    BatchDeduplicator d = dedup;
    return d != null && d.reachable();
  }

  /**
   * What this handler answered 202 for since it was created (duplicates not counted), for {@code
   * /healthz} and the console's pipeline line: {@code accepted_events}, {@code accepted_batches},
   * {@code since}.
   */
  public Map<String, Object> counters() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("accepted_events", acceptedEvents.get());
    c.put("accepted_batches", acceptedBatches.get());
    c.put("since", startedAt.toString());
    if (producer != null) {
      c.put("doubtful_commits_committed", producer.doubtsCommitted());
      c.put("doubtful_commits_aborted", producer.doubtsAborted());
      c.put("producer_lane_restarts", producer.laneRestarts());
    }
    return c;
  }

  @Override
  protected void doStart() throws Exception {
    producer =
        new EventProducer(
            settings.bootstrapServers(),
            settings.topic(),
            settings.maxInflightEvents(),
            settings.shedAfter(),
            settings.deliveryTimeout(),
            settings.transactionalIdPrefix(),
            settings.producerLanes());
    dedup = settings.newDeduplicator();
    claimKeeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "heatlab-ingest-claims");
              t.setDaemon(true);
              return t;
            });
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    super.doStop();
    if (producer != null) {
      producer.close();
    }
    if (claimKeeper != null) {
      claimKeeper.shutdownNow();
    }
    if (dedup != null) {
      dedup.close();
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange x = new Exchange(request, response, callback);
    if (HttpMethod.OPTIONS.is(
        request.getMethod())) { // not a CORS preflight (IngestEndpoint answers those)
      response.getHeaders().put(HttpHeader.ALLOW, "POST, OPTIONS");
      x.respond(204, null);
      return true;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST, OPTIONS");
      x.error(405, "use POST", null);
      return true;
    }
    try {
      accept(x);
    } catch (RuntimeException e) {
      x.error(500, "internal error", null);
      AccessLog.failure(x, e);
    }
    return true;
  }

  private void accept(Exchange x) {
    String contentType = x.request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
    // text/plain: heatlab.js's sendBeacon at pagehide (a cross-origin beacon of another type would
    // need a preflight, which beacons cannot make); the body is the same JSON either way
    if (!mediaType.equalsIgnoreCase("application/json")
        && !mediaType.equalsIgnoreCase("text/plain")) {
      x.refuseUnread(415, "Content-Type must be application/json (or text/plain for beacons)");
      return;
    }
    String keyClient = (String) x.request.getAttribute(WriteKeyAuthentication.CLIENT);
    if (keyClient
        == null) { // never reached through IngestEndpoint: a handler without its guard is a bug
      throw new IllegalStateException(
          "BatchHandler must be reached through IngestEndpoint (write key unchecked)");
    }
    RequestBody.read(
            x.request,
            settings.maxBodyBytes(),
            settings.bodyDeadline(x.request.getLength()),
            getServer().getScheduler())
        .whenCompleteAsync(
            (wire, failure) -> {
              try {
                if (failure != null) {
                  refuseBody(x, failure);
                } else {
                  accept(x, keyClient, wire);
                }
              } catch (RuntimeException e) {
                x.error(500, "internal error", null);
                AccessLog.failure(x, e);
              }
            },
            getServer().getThreadPool());
  }

  /** Answers a body that could not be read: its size, encoding, pace, or the connection failed. */
  private static void refuseBody(Exchange x, Throwable failure) {
    Throwable cause = failure instanceof CompletionException c ? c.getCause() : failure;
    if (cause instanceof RequestBody.TooLarge) {
      x.refuseUnread(413, cause.getMessage());
    } else if (cause instanceof RequestBody.BadEncoding) {
      x.refuseUnread(400, cause.getMessage());
    } else if (cause instanceof RequestBody.TooSlow) {
      x.refuseUnread(408, cause.getMessage());
    } else { // the client went away or broke the framing: no internal text in the answer
      x.refuseUnread(400, "could not read the body");
    }
  }

  private void accept(Exchange x, String keyClient, byte[] wire) {
    byte[] body;
    try {
      body =
          RequestBody.isGzip(x.request)
              ? RequestBody.gunzip(wire, settings.maxDecodedBytes())
              : wire;
    } catch (RequestBody.TooLarge e) {
      x.error(413, e.getMessage(), null);
      return;
    } catch (RequestBody.BadEncoding e) {
      x.error(400, e.getMessage(), null);
      return;
    } catch (IOException e) {
      x.error(400, "could not decode the body", null);
      return;
    }
    x.bytes = body.length;
    BatchParser.Result result;
    try {
      // one streaming pass: the JSON read straight into the batch record's columns, checked on the
      // way
      result = parser.parse(body, clock.millis());
    } catch (JsonProcessingException e) {
      x.error(
          400,
          "malformed JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")"),
          null);
      return;
    } catch (IOException e) {
      x.error(400, "malformed JSON", null);
      return;
    }
    if (!result.valid()) {
      x.error(400, "invalid batch", result.violations());
      return;
    }
    BatchRecord batch = result.batch();
    x.batch = batch;
    if (!batch.clientId().equals(keyClient)) {
      x.error(403, "the write key is not valid for client_id '" + batch.clientId() + "'", null);
      return;
    }
    produce(x, batch);
  }

  private void produce(Exchange x, BatchRecord batch) {
    int n = batch.size();
    if (!rateLimiter.tryAcquire(batch.clientId(), n)) {
      x.retryLater(
          429,
          "rate limit of "
              + settings.rateLimitPerClient()
              + " events/s for client '"
              + batch.clientId()
              + "' exceeded");
      return;
    }
    Admission.Refusal refusal = producer.admit(n);
    if (refusal != null) {
      x.retryLater(
          503,
          refusal == Admission.Refusal.AT_CAPACITY
              ? "ingestion is at capacity"
              : "Kafka is not acknowledging writes at the moment");
      return;
    }
    BatchDeduplicator.Claim claim;
    try {
      claim = dedup.claim(batch.clientId(), batch.batchId());
    } catch (RuntimeException e) {
      x.retryLater(503, "the de-duplication store is unavailable");
      return;
    }
    if (claim == BatchDeduplicator.Claim.DONE) {
      x.ok(Map.of("duplicate", true, "batch_id", batch.batchId()));
      return;
    }
    if (claim == BatchDeduplicator.Claim.PENDING) {
      x.retryLater(503, "this batch is being processed: retry with the same batch_id");
      return;
    }
    // answer on a Jetty thread, never on the producer's I/O thread (the de-dup store may be a
    // network call)
    producer
        .send(batch)
        .whenCompleteAsync(
            (ok, error) -> {
              try {
                if (error == null) {
                  accepted(batch);
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("accepted", n);
                  body.put("batch_id", batch.batchId());
                  x.ok(body);
                } else if (error instanceof EventProducer.OutcomeUnknown unknown) {
                  holdUntilSettled(batch, unknown.outcome());
                  x.retryLater(
                      503, "Kafka has not confirmed the batch yet: retry with the same batch_id");
                } else {
                  dedup.release(batch.clientId(), batch.batchId());
                  LOG.debug("batch {} not acknowledged: {}", batch.batchId(), error.toString());
                  x.retryLater(503, "Kafka did not acknowledge the batch");
                }
              } catch (RuntimeException e) {
                x.retryLater(503, "the de-duplication store is unavailable");
              }
            },
            getServer().getThreadPool());
  }

  private void accepted(BatchRecord batch) {
    dedup.complete(batch.clientId(), batch.batchId());
    acceptedEvents.addAndGet(batch.size());
    acceptedBatches.incrementAndGet();
  }

  /**
   * Keeps the batch id claimed (pending) while its commit is in doubt — renewed a few times per
   * pending TTL, so a retry is answered 503 however long Kafka takes — then completes it
   * (committed: the retry is answered 202 duplicate) or releases it (aborted: the retry is
   * produced).
   */
  private void holdUntilSettled(BatchRecord batch, CompletableFuture<Boolean> outcome) {
    long every =
        Math.max(1, BatchDeduplicator.pendingTtl(settings.deliveryTimeout()).toMillis() / 3);
    var renewal =
        claimKeeper.scheduleWithFixedDelay(
            () -> {
              try {
                dedup.hold(batch.clientId(), batch.batchId());
              } catch (RuntimeException e) {
                LOG.warn(
                    "could not renew the claim of batch {} (commit in doubt) in {}: {}",
                    batch.batchId(),
                    dedup.describe(),
                    e.toString());
              }
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
    outcome.whenCompleteAsync(
        (committed, error) -> {
          renewal.cancel(false);
          try {
            if (Boolean.TRUE.equals(committed)) {
              accepted(batch);
            } else {
              dedup.release(batch.clientId(), batch.batchId());
            }
          } catch (RuntimeException e) {
            LOG.warn(
                "could not record the settled outcome of batch {} in {}: {}",
                batch.batchId(),
                dedup.describe(),
                e.toString());
          }
        },
        claimKeeper);
  }
}
