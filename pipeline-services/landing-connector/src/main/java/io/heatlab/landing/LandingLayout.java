package io.heatlab.landing;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object names of the landing layout, in one place:
 *
 * <pre>
 *   &lt;prefix&gt;/format=&lt;jsonl|parquet&gt;/dt=YYYY-MM-DD/hour=HH/[client=&lt;id&gt;/]&lt;topic&gt;+&lt;partition&gt;+&lt;startOffset:20&gt;.&lt;ext&gt;
 *   _landing/state/&lt;connector&gt;/&lt;topic&gt;+&lt;partition&gt;.json            per partition: logged cycle ends, counters
 *   _landing/manifests/written=YYYY-MM-DDTHH/&lt;millis&gt;-&lt;connector&gt;-&lt;topic&gt;+&lt;partition&gt;+&lt;cycleEnd:20&gt;.json
 * </pre>
 *
 * Object names are a pure function of (format, hour, client, topic, partition, first offset), so
 * writing the same records again overwrites instead of duplicating. The {@code _landing/} prefix is
 * never read as data. Only names of this exact form are landed objects: anything else under the
 * prefix (an S3 server's leftover of a PUT cut short, {@code <name>-<uuid>}, or a stranger's file)
 * is never listed, read or counted as data ({@link #parse} refuses it).
 */
public record LandingLayout(String prefix) {
  public static final String DEFAULT_PREFIX = "events/v1";
  public static final String STATE_PREFIX = "_landing/state/";
  public static final String MANIFEST_PREFIX = "_landing/manifests/";
  private static final Pattern OBJECT =
      Pattern.compile(
          ".*/format=([a-z]+)/dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/(?:client=([^/]+)/)?(.+)\\+(\\d+)\\+(\\d{20})\\.(?:jsonl\\.gz|parquet)");

  /** A landed object's name, parsed. */
  public record ObjectName(
      String format,
      HourPartition hour,
      String client,
      String topic,
      int partition,
      long startOffset) {}

  public String formatPrefix(String format) {
    return prefix + "/format=" + format + "/";
  }

  public String hourPrefix(String format, HourPartition hour) {
    return formatPrefix(format) + hour.path() + "/";
  }

  public String objectKey(
      ObjectFormat format,
      HourPartition hour,
      String clientOrNull,
      String topic,
      int partition,
      long startOffset) {
    return hourPrefix(format.name(), hour)
        + (clientOrNull == null ? "" : "client=" + clientOrNull + "/")
        + topic
        + "+"
        + partition
        + "+"
        + String.format("%020d", startOffset)
        + "."
        + format.extension();
  }

  public static Optional<ObjectName> parse(String key) {
    Matcher m = OBJECT.matcher(key);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new ObjectName(
            m.group(1),
            new HourPartition(LocalDate.parse(m.group(2)), Integer.parseInt(m.group(3))),
            m.group(4),
            m.group(5),
            Integer.parseInt(m.group(6)),
            Long.parseLong(m.group(7))));
  }

  private static final Pattern HOUR_PREFIX =
      Pattern.compile(".*/dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/?");

  /** The hour of a prefix ending in {@code dt=YYYY-MM-DD/hour=HH/}. */
  public static Optional<HourPartition> parseHourPrefix(String prefix) {
    Matcher m = HOUR_PREFIX.matcher(prefix);
    return m.matches()
        ? Optional.of(new HourPartition(LocalDate.parse(m.group(1)), Integer.parseInt(m.group(2))))
        : Optional.empty();
  }

  public static String stateKey(String connector, String topic, int partition) {
    return STATE_PREFIX + connector + "/" + topic + "+" + partition + ".json";
  }

  public static String manifestHourPrefix(Instant writtenAt) {
    return MANIFEST_PREFIX + "written=" + HourPartition.of(writtenAt.toEpochMilli()) + "/";
  }

  public static String manifestKey(
      Instant writtenAt, String connector, String topic, int partition, long cycleEnd) {
    return manifestHourPrefix(writtenAt)
        + writtenAt.toEpochMilli()
        + "-"
        + connector
        + "-"
        + topic
        + "+"
        + partition
        + "+"
        + String.format("%020d", cycleEnd)
        + ".json";
  }
}
