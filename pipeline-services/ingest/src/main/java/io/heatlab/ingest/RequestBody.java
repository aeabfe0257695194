package io.heatlab.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body within limits: at most {@code maxWire} bytes as sent, and — when {@code
 * Content-Encoding: gzip} — at most {@code maxDecoded} bytes once inflated. Reading stops as soon
 * as a limit is passed, so neither a large upload nor a gzip bomb is ever held in memory.
 *
 * <p>The bytes on the wire are read asynchronously ({@link #read}: Jetty's demand callbacks, no
 * thread waits for a slow sender) against a deadline: a body that has not arrived whole by then is
 * refused ({@link TooSlow}) and the request failed, which closes its connection. So hundreds of
 * slow senders hold a connection each and no thread; the memory of one request is bounded by {@code
 * maxWire + maxDecoded}.
 */
final class RequestBody {
  /** The body breaks a size limit: answer 413. */
  static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /** The body claims gzip but is not: answer 400. */
  static final class BadEncoding extends Exception {
    BadEncoding(String message) {
      super(message, null, false, false);
    }
  }

  /** The body did not arrive in time: answer 408 and close the connection. */
  static final class TooSlow extends Exception {
    TooSlow(String message) {
      super(message, null, false, false);
    }
  }

  private RequestBody() {}

  /**
   * The body as sent, read without blocking: completes with the bytes, or exceptionally with {@link
   * TooLarge}, {@link BadEncoding} (an unsupported {@code Content-Encoding}), {@link TooSlow} (not
   * whole within {@code deadline}) or the connection's own failure.
   */
  static CompletableFuture<byte[]> read(
      Request request, int maxWire, Duration deadline, Scheduler scheduler) {
    CompletableFuture<byte[]> body = new CompletableFuture<>();
    long declared = request.getLength();
    if (declared > maxWire) {
      body.completeExceptionally(
          new TooLarge(
              "body of " + declared + " bytes is over the limit of " + maxWire + " bytes"));
      return body;
    }
    String encoding = request.getHeaders().get("Content-Encoding");
    if (encoding != null && !isGzip(encoding) && !encoding.strip().equalsIgnoreCase("identity")) {
      body.completeExceptionally(
          new BadEncoding(
              "Content-Encoding '" + encoding + "' is not supported: send gzip or nothing"));
      return body;
    }
    Scheduler.Task timer =
        scheduler.schedule(
            () -> {
              TooSlow slow =
                  new TooSlow(
                      "the body did not arrive within "
                          + deadline.toMillis()
                          + " ms (send it faster, or smaller batches)");
              if (body.completeExceptionally(slow)) {
                request.fail(slow); // wakes a pending demand; the connection is closed
              }
            },
            deadline.toMillis(),
            TimeUnit.MILLISECONDS);
    body.whenComplete((bytes, error) -> timer.cancel());
    new Reader(request, maxWire, declared, body).run();
    return body;
  }

  /** Whether the request's body is gzip ({@code Content-Encoding: gzip}). */
  static boolean isGzip(Request request) {
    String encoding = request.getHeaders().get("Content-Encoding");
    return encoding != null && isGzip(encoding);
  }

  private static boolean isGzip(String encoding) {
    return encoding.strip().equalsIgnoreCase("gzip");
  }

  /** {@code wire} inflated, at most {@code maxDecoded} bytes. */
  static byte[] gunzip(byte[] wire, int maxDecoded) throws IOException, TooLarge, BadEncoding {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
      byte[] bytes = in.readNBytes(maxDecoded + 1);
      if (bytes.length > maxDecoded) {
        throw new TooLarge(
            "gzip-decoded body is over the limit of " + maxDecoded + " bytes after decoding");
      }
      return bytes;
    } catch (ZipException | EOFException e) {
      throw new BadEncoding("body is not valid gzip: " + e.getMessage());
    }
  }

  /** Jetty's read/demand loop into a buffer capped at {@code max} bytes. */
  private static final class Reader implements Runnable {
    private final Content.Source source;
    private final int max;
    private final CompletableFuture<byte[]> body;
    private final ByteArrayOutputStream bytes;

    Reader(Content.Source source, int max, long declared, CompletableFuture<byte[]> body) {
      this.source = source;
      this.max = max;
      this.body = body;
      this.bytes = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
    }

    @Override
    public void run() {
      while (!body.isDone()) {
        Content.Chunk chunk = source.read();
        if (chunk == null) {
          source.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          body.completeExceptionally(chunk.getFailure());
          return;
        }
        boolean last = chunk.isLast();
        try {
          ByteBuffer buffer = chunk.getByteBuffer();
          if (bytes.size() + buffer.remaining() > max) {
            body.completeExceptionally(
                new TooLarge("body is over the limit of " + max + " bytes on the wire"));
            return;
          }
          if (buffer.hasArray()) {
            bytes.write(
                buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
          } else {
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy);
            bytes.write(copy, 0, copy.length);
          }
        } finally {
          chunk.release();
        }
        if (last) {
          body.complete(bytes.toByteArray());
          return;
        }
      }
    }
  }
}
