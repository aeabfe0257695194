package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
import java.io.IOException;
import java.util.List;

/**
 * How landed rows are encoded in one immutable object: JSON lines (gzip) or Parquet. The format is
 * the only thing that changes when the {@code format} setting flips; rows, names and layout stay
 * the same.
 */
public interface ObjectFormat {
  /**
   * Every format's layout name; objects of each may be present at once (after a switch of the
   * setting).
   */
  List<String> NAMES = List.of("jsonl", "parquet");

  /** The layout's {@code format=} value: {@code jsonl} or {@code parquet}. */
  String name();

  /** Object name suffix: {@code jsonl.gz} or {@code parquet}. */
  String extension();

  String contentType();

  /**
   * Encodes rows, in order, into one object's bytes (a row's {@link Rows#cleanJson} may be used
   * instead of encoding it again).
   */
  byte[] encode(Rows rows) throws IOException;

  /** Encodes rows, in order, into one object's bytes. */
  default byte[] encode(List<LandedEvent> rows) throws IOException {
    return encode(Rows.of(rows));
  }

  /**
   * A format able to decode objects of the layout's {@code format=} value {@code name} (any codec).
   */
  static ObjectFormat reader(String name) {
    return switch (name) {
      case "jsonl" -> new JsonLinesFormat();
      case "parquet" -> new ParquetFormat("zstd");
      default ->
          throw new IllegalArgumentException(
              "unknown landing format '" + name + "' (jsonl or parquet)");
    };
  }

  /** Decodes an object written by {@link #encode} (for previews, tests and checks). */
  List<LandedEvent> decode(byte[] object) throws IOException;
}
