package io.heatlab.traffic;

import io.heatlab.assets.Screen;
import io.heatlab.contract.EventBatch;
import io.heatlab.contract.EventCodec;
import io.heatlab.contract.EventType;
import io.heatlab.contract.PointerEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Simulated traffic over real HTTP: virtual page sessions post contract batches to {@code
 * /v1/batches} at a target rate (with optional bursts) or as fast as {@code maxInFlight} concurrent
 * requests allow, with positions drawn from each screen's hot spots. Like the simulator page, a
 * batch answered 429/503 (or not answered) is retried with the same batch_id after an exponential
 * backoff (0.25 s doubling to 5 s, with jitter) that Retry-After can only lengthen — about a minute
 * of retries before a batch counts as failed, so a part's restart does not drop traffic.
 *
 * <p>Lifecycle: {@link #start(Consumer)} (one {@link TrafficStats.Snapshot} per second to the
 * listener) → {@link #awaitEnd()} when the plan has a duration, or {@link #stop()} → {@link
 * #stats()}.
 */
public final class TrafficGenerator implements AutoCloseable {
  /** 0.25 + 0.5 + 1 + 2 + 4 + 11 × 5 s ≈ 63 s of retrying. */
  private static final int MAX_RETRIES = 16;

  private final TrafficPlan plan;
  private final TrafficStats stats = new TrafficStats();
  private final Semaphore inFlight;
  private final HttpClient http;
  private final List<String> urls;
  private final AtomicLong nextUrl = new AtomicLong();
  private final ScheduledExecutorService scheduler;
  private final VirtualClient[] clients;
  private final AtomicLong nextClient = new AtomicLong();
  private final CountDownLatch ended = new CountDownLatch(1);

  /** New batches are sent while this holds (until the plan's duration, or a stop). */
  private volatile boolean running;

  /**
   * {@link #stop()} or {@link #close()}: batches waiting for a retry give up. The end of the plan's
   * duration does not: the batches sent before it keep their retries, as a page would.
   */
  private volatile boolean stopped;

  private volatile long startNanos;
  private volatile ScheduledFuture<?> reporter;

  /** One simulated page session. */
  private static final class VirtualClient {
    final SplittableRandom random;
    final String sessionId;
    int screenIndex;
    PointerModel model;
    long batchSeq;

    VirtualClient(SplittableRandom random, String sessionId) {
      this.random = random;
      this.sessionId = sessionId;
    }
  }

  public TrafficGenerator(TrafficPlan plan) {
    this.plan = plan;
    this.inFlight = new Semaphore(plan.maxInFlight());
    // several servers (the cluster profile's ingestion services): each request to the next one
    this.urls =
        Arrays.stream(plan.baseUrl().split(",")).map(u -> u.strip() + "/v1/batches").toList();
    // Jetty's client (not the JDK's): non-blocking, one connection per request in flight, a few
    // threads — the JDK client capped this generator near 60k events/s at 256 in flight on two
    // cores, below what the server answers (docs/ingestion.md)
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("heatlab-traffic-http");
    threads.setDaemon(true);
    this.http = new HttpClient();
    http.setExecutor(threads);
    http.setConnectTimeout(5_000);
    http.setMaxConnectionsPerDestination(plan.maxInFlight());
    http.setMaxRequestsQueuedPerDestination(Math.max(1024, 2 * plan.maxInFlight()));
    http.setFollowRedirects(false);
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the HTTP client: " + e, e);
    }
    this.scheduler = Executors.newScheduledThreadPool(2, daemon("heatlab-traffic"));
    SplittableRandom seed = new SplittableRandom(plan.seed());
    this.clients = new VirtualClient[plan.virtualClients()];
    for (int i = 0; i < clients.length; i++) {
      VirtualClient c =
          new VirtualClient(seed.split(), "s-" + Long.toHexString(seed.nextLong() & 0xffffffffL));
      c.screenIndex = i % plan.screens().size();
      c.model = new PointerModel(plan.screens().get(c.screenIndex));
      clients[i] = c;
    }
  }

  public TrafficStats stats() {
    return stats;
  }

  public void start(Consumer<TrafficStats.Snapshot> everySecond) {
    running = true;
    startNanos = System.nanoTime();
    reporter =
        scheduler.scheduleAtFixedRate(
            () -> everySecond.accept(stats.interval()), 1, 1, TimeUnit.SECONDS);
    Thread pacer = new Thread(this::pace, "heatlab-traffic-pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  /** Sends batches on schedule (target rate) or whenever a request slot frees up (rate 0). */
  private void pace() {
    long sentBatches = 0;
    double targetBatches = 0;
    long last = startNanos;
    try {
      while (running) {
        long now = System.nanoTime();
        if (plan.duration() != null && now - startNanos >= plan.duration().toNanos()) {
          break;
        }
        if (plan.eventsPerSecond() == 0) {
          inFlight.acquire();
          send(newBatch(), 0);
          continue;
        }
        double factor = plan.burst() == null ? 1.0 : plan.burst().factorAt(now - startNanos);
        targetBatches += (now - last) / 1e9 * plan.eventsPerSecond() * factor / plan.batchSize();
        last = now;
        while (sentBatches < (long) targetBatches && running) {
          if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue; // the server is slower than the target: the generator falls behind, it does
            // not pile up
          }
          send(newBatch(), 0);
          sentBatches++;
        }
        Thread.sleep(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running = false;
    awaitInFlight();
    ended.countDown();
  }

  private record Batch(byte[] json, int events) {}

  private Batch newBatch() {
    VirtualClient c = clients[(int) (nextClient.getAndIncrement() % clients.length)];
    synchronized (c) {
      if (++c.batchSeq % 20 == 0
          && plan.screens().size() > 1) { // now and then a session moves to another page
        c.screenIndex = (c.screenIndex + 1) % plan.screens().size();
        c.model = new PointerModel(plan.screens().get(c.screenIndex));
      }
      Screen screen = plan.screens().get(c.screenIndex);
      long now = System.currentTimeMillis();
      long base =
          plan.backfillHours() > 0
              ? now - (long) (c.random.nextDouble() * plan.backfillHours() * 3_600_000L) - 60_000
              : now - 50L * plan.batchSize();
      double[] xy = new double[2];
      List<PointerEvent> events = new ArrayList<>(plan.batchSize());
      for (int i = 0; i < plan.batchSize(); i++) {
        boolean click = c.random.nextDouble() < plan.clickRatio();
        if (click) {
          c.model.click(c.random, xy);
        } else {
          c.model.move(c.random, xy);
        }
        events.add(
            new PointerEvent(
                base + 50L * i,
                round(xy[0]),
                round(xy[1]),
                click ? EventType.CLICK : EventType.MOVE));
      }
      EventBatch batch =
          new EventBatch(
              plan.clientId(),
              c.sessionId + "-" + c.batchSeq,
              screen.id(),
              c.sessionId,
              new EventBatch.Viewport(1440, 900),
              events);
      return new Batch(EventCodec.requestJson(batch), plan.batchSize());
    }
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private void send(Batch batch, int attempt) {
    send(batch, attempt, (int) (nextUrl.getAndIncrement() % urls.size()));
  }

  /** One attempt at server {@code server} of {@link #urls}. */
  private void send(Batch batch, int attempt, int server) {
    if (attempt == 0) {
      stats.sent(batch.events());
    }
    long t0 = System.nanoTime();
    http.newRequest(urls.get(server))
        .method(HttpMethod.POST)
        .timeout(30, TimeUnit.SECONDS)
        .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + plan.writeKey()))
        .body(new BytesRequestContent("application/json", batch.json()))
        .send(
            result -> {
              Response response = result.isFailed() ? null : result.getResponse();
              int status = response == null ? -1 : response.getStatus();
              stats.answered(status, System.nanoTime() - t0, batch.events());
              boolean retry =
                  (status == 429 || status == 503 || status == -1)
                      && attempt < MAX_RETRIES
                      && !stopped;
              if (retry) {
                stats.retried();
                long delayMs = retryDelayMs(response, attempt);
                // no answer at all (a server down): the retry goes to the next server
                int next = status == -1 ? (server + 1) % urls.size() : server;
                scheduler.schedule(
                    () -> send(batch, attempt + 1, next), delayMs, TimeUnit.MILLISECONDS);
                return; // keeps its in-flight slot until it is answered for good
              }
              if (status != 202) {
                stats.failed();
              }
              inFlight.release();
            });
  }

  private static long retryDelayMs(Response response, int attempt) {
    long backoff = Math.min(5_000, 250L << attempt);
    String retryAfter = response == null ? null : response.getHeaders().get(HttpHeader.RETRY_AFTER);
    if (retryAfter != null) {
      try {
        backoff = Math.max(backoff, Math.min(30_000, Long.parseLong(retryAfter.strip()) * 1000));
      } catch (NumberFormatException ignored) {
        // an HTTP date: keep the exponential backoff
      }
    }
    return backoff + (long) (Math.random() * backoff * 0.2);
  }

  /** Retries run for about a minute, each attempt up to its 30 s timeout. */
  private static final long IN_FLIGHT_WAIT_SECONDS = 120;

  private void awaitInFlight() {
    try {
      if (inFlight.tryAcquire(plan.maxInFlight(), IN_FLIGHT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        inFlight.release(plan.maxInFlight());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Blocks until a plan with a duration has run and every request has its final answer. */
  public TrafficStats.Snapshot awaitEnd() throws InterruptedException {
    ended.await();
    ScheduledFuture<?> r = reporter;
    if (r != null) {
      r.cancel(false);
    }
    stats.interval();
    return stats.total();
  }

  /** Stops sending, waits for requests in flight, returns the totals. */
  public TrafficStats.Snapshot stop() throws InterruptedException {
    stopped = true;
    running = false;
    return awaitEnd();
  }

  @Override
  public void close() {
    stopped = true;
    running = false;
    scheduler.shutdownNow();
    try {
      http.stop();
    } catch (Exception e) {
      // closing: nothing left to do with a client that would not stop
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
