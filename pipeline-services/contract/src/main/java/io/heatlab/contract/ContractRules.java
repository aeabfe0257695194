package io.heatlab.contract;

import java.util.regex.Pattern;

/**
 * The contract's rules, each written once (docs/architecture.md §2): the ids' alphabet and lengths,
 * the viewport's range, normalised coordinates. {@link BatchParser} applies them to a request at
 * ingestion, {@link LandedEventValidator} to a record read back from Kafka (anyone may produce to
 * the topic), the heatmap query to its parameters — so the three can never drift apart.
 */
public final class ContractRules {
  /** The characters an id may hold. */
  public static final String ID_ALPHABET = "[A-Za-z0-9._:-]";

  private static final Pattern ID = Pattern.compile(ID_ALPHABET + "+");

  /** The largest viewport side, in CSS pixels. */
  public static final int VIEWPORT_MAX = 100_000;

  private ContractRules() {}

  /** The contract's ids, with their field names and longest length. */
  public enum Id {
    CLIENT("client_id", 64),
    BATCH("batch_id", 64),
    SCREEN("screen_id", 128),
    SESSION("session_id", 64);

    private final String field;
    private final int maxLength;

    Id(String field, int maxLength) {
      this.field = field;
      this.maxLength = maxLength;
    }

    public String field() {
      return field;
    }

    public int maxLength() {
      return maxLength;
    }

    /** Whether {@code value} has a valid length ({@code 1..maxLength}). */
    public boolean validLength(String value) {
      return value != null && !value.isEmpty() && value.length() <= maxLength;
    }

    /** Whether {@code value} is a valid id of this kind: its length and its alphabet. */
    public boolean valid(String value) {
      return validLength(value) && validChars(value);
    }

    /** The rule in words, e.g. {@code client_id must be 1-64 characters of [A-Za-z0-9._:-]}. */
    public String rule() {
      return field + " must be 1-" + maxLength + " characters of " + ID_ALPHABET;
    }
  }

  /** Whether every character of {@code value} is in {@link #ID_ALPHABET}. */
  public static boolean validChars(String value) {
    return ID.matcher(value).matches();
  }

  /** A viewport side: 1 to {@link #VIEWPORT_MAX} pixels. */
  public static boolean validViewportSide(long pixels) {
    return pixels >= 1 && pixels <= VIEWPORT_MAX;
  }

  /** A normalised coordinate: a finite number within [0, 1]. */
  public static boolean validCoordinate(double v) {
    return Double.isFinite(v) && v >= 0 && v <= 1;
  }
}
