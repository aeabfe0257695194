package io.heatlab.ingest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body within limits: at most {@code maxWire} bytes as sent, and — when {@code
 * Content-Encoding: gzip} — at most {@code maxDecoded} bytes once inflated. Reading stops as soon
 * as a limit is passed, so neither a large upload nor a gzip bomb is ever held in memory.
 */
final class RequestBody {
  /** The body breaks a size limit: answer 413. */
  static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message);
    }
  }

  /** The body claims gzip but is not: answer 400. */
  static final class BadEncoding extends Exception {
    BadEncoding(String message) {
      super(message);
    }
  }

  private RequestBody() {}

  static byte[] read(Request request, int maxWire, int maxDecoded)
      throws IOException, TooLarge, BadEncoding {
    long declared = request.getLength();
    if (declared > maxWire) {
      throw new TooLarge(
          "body of " + declared + " bytes is over the limit of " + maxWire + " bytes");
    }
    String encoding = request.getHeaders().get("Content-Encoding");
    boolean gzip = encoding != null && encoding.strip().equalsIgnoreCase("gzip");
    if (encoding != null && !gzip && !encoding.strip().equalsIgnoreCase("identity")) {
      throw new BadEncoding(
          "Content-Encoding '" + encoding + "' is not supported: send gzip or nothing");
    }
    byte[] wire = readCapped(Content.Source.asInputStream(request), maxWire, "body", "on the wire");
    if (!gzip) {
      return wire;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
      return readCapped(in, maxDecoded, "gzip-decoded body", "after decoding");
    } catch (ZipException | EOFException e) {
      throw new BadEncoding("body is not valid gzip: " + e.getMessage());
    }
  }

  private static byte[] readCapped(InputStream in, int max, String what, String where)
      throws IOException, TooLarge {
    byte[] bytes = in.readNBytes(max + 1);
    if (bytes.length > max) {
      throw new TooLarge(what + " is over the limit of " + max + " bytes " + where);
    }
    return bytes;
  }
}
