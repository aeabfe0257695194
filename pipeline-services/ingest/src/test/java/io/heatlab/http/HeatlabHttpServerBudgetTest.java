package io.heatlab.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * The thread budgets on a real Jetty: a flood of slow reads (each holding its thread, as a slow
 * ClickHouse query would) takes at most the reads' budget; {@code /healthz} and ingestion still
 * answer meanwhile; the reads over the budget wait without a thread and are served once the others
 * finish.
 */
class HeatlabHttpServerBudgetTest {

  /** Answers 200 with a short body once {@code release} opens, holding its thread until then. */
  private static final class SlowRead extends Handler.Abstract {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      int now = running.incrementAndGet();
      mostAtOnce.accumulateAndGet(now, Math::max);
      try {
        release.await(60, TimeUnit.SECONDS);
      } finally {
        running.decrementAndGet();
      }
      response.setStatus(200);
      response.write(true, ByteBuffer.wrap("read".getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
  }

  private static Handler answering(int status) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(status);
        callback.succeeded();
        return true;
      }
    };
  }

  @Test
  void aFloodOfSlowReadsTakesItsBudgetOnlyAndHealthAndIngestionStillAnswer() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SlowRead reads = new SlowRead();
    HeatlabHttpServer server =
        new HeatlabHttpServer("127.0.0.1", port)
            .route("/v1/heatmap", reads)
            .route("/healthz", answering(200))
            .route("/v1/batches", answering(202), HeatlabHttpServer.Budget.INGEST);
    server.start();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + port;
    try {
      int flood = HeatlabHttpServer.Budget.READS.concurrent + 40;
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < flood; i++) {
        answers.add(
            http.sendAsync(
                HttpRequest.newBuilder(URI.create(base + "/v1/heatmap?i=" + i)).build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (reads.running.get() < HeatlabHttpServer.Budget.READS.concurrent
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(reads.running.get())
          .as("the reads' budget is taken, every one of its requests holding a thread")
          .isEqualTo(HeatlabHttpServer.Budget.READS.concurrent);

      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .as("/healthz answers while the reads are saturated")
          .isEqualTo(200);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/v1/batches"))
                          .POST(HttpRequest.BodyPublishers.ofString("{}"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .as("ingestion answers while the reads are saturated")
          .isEqualTo(202);

      reads.release.countDown();
      for (CompletableFuture<HttpResponse<String>> a : answers) {
        assertThat(a.get(60, TimeUnit.SECONDS).statusCode()).isIn(200, 503);
      }
      assertThat(reads.mostAtOnce.get())
          .as("never more reads at once than the budget")
          .isEqualTo(HeatlabHttpServer.Budget.READS.concurrent);
    } finally {
      reads.release.countDown();
      server.stop();
    }
  }
}
