package io.heatlab.landing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Questions about what landed, answered from storage alone (for the rollup scheduler, the console
 * and tests): which event-time hours received objects after a time T, and when last (from the
 * manifests each write cycle leaves under {@code _landing/manifests/written=<hour>/}, so only the
 * hours of writing since T are listed), which hours and objects exist, and each partition's landing
 * state.
 */
public final class LandingIndex {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_LOOKBACK = Duration.ofDays(8);

  /**
   * A writing hour's manifests are all listed this long after the hour ended (a PUT in flight has
   * landed).
   */
  private static final Duration CLOSED_AFTER = Duration.ofMinutes(5);

  private static final Pattern DAY = Pattern.compile(".*/dt=(\\d{4}-\\d{2}-\\d{2})/");

  private final ObjectStore store;
  private final LandingLayout layout;

  /** Manifest key → the object keys it lists (manifests are immutable). */
  private final Map<String, List<String>> manifests = new ConcurrentHashMap<>();

  /** Manifest prefix of a closed writing hour → its manifest keys. */
  private final Map<String, List<String>> closedHours = new ConcurrentHashMap<>();

  public LandingIndex(ObjectStore store, LandingLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  /**
   * Event-time hours that received at least one object (of any format) written at or after {@code
   * since}.
   */
  public SortedSet<HourPartition> hoursChangedSince(Instant since) throws IOException {
    return new TreeSet<>(newestWritesSince(since).keySet());
  }

  /**
   * For each event-time hour that received objects (of any format) written at or after {@code
   * since}: when the newest of them was written. Read from the manifests; a manifest never changes,
   * so each is read once per index, and the listing of a writing hour closed for {@link
   * #CLOSED_AFTER} is kept too — a caller asking every few seconds (the console's freshness) lists
   * only the current writing hour again.
   */
  public SortedMap<HourPartition, Instant> newestWritesSince(Instant since) throws IOException {
    Instant now = Instant.now();
    Instant from = since.isBefore(now.minus(MAX_LOOKBACK)) ? now.minus(MAX_LOOKBACK) : since;
    String eventsPrefix = layout.prefix() + "/format=";
    SortedMap<HourPartition, Instant> newest = new TreeMap<>();
    for (Instant h = from.truncatedTo(ChronoUnit.HOURS);
        !h.isAfter(now);
        h = h.plus(Duration.ofHours(1))) {
      for (String manifestKey : manifestKeys(h, now)) {
        Instant writtenAt = writtenAt(manifestKey);
        if (writtenAt.isBefore(since)) {
          continue;
        }
        for (String objectKey : objectsOf(manifestKey)) {
          if (objectKey.startsWith(
              eventsPrefix)) { // not another connector's prefix (e.g. a benchmark's)
            LandingLayout.parse(objectKey)
                .ifPresent(
                    name -> newest.merge(name.hour(), writtenAt, (a, b) -> a.isAfter(b) ? a : b));
          }
        }
      }
    }
    forgetBefore(now.minus(MAX_LOOKBACK));
    return newest;
  }

  /**
   * The manifests written in the hour starting at {@code writingHour}; kept once that hour is
   * closed.
   */
  private List<String> manifestKeys(Instant writingHour, Instant now) throws IOException {
    String prefix = LandingLayout.manifestHourPrefix(writingHour);
    List<String> cached = closedHours.get(prefix);
    if (cached != null) {
      return cached;
    }
    List<String> keys = store.list(prefix).stream().map(ObjectStore.Entry::key).toList();
    if (now.isAfter(writingHour.plus(Duration.ofHours(1)).plus(CLOSED_AFTER))) {
      closedHours.put(prefix, keys);
    }
    return keys;
  }

  private List<String> objectsOf(String manifestKey) throws IOException {
    List<String> cached = manifests.get(manifestKey);
    if (cached != null) {
      return cached;
    }
    Optional<byte[]> bytes = store.get(manifestKey);
    if (bytes.isEmpty()) {
      return List.of(); // removed meanwhile (retention): nothing to remember
    }
    List<String> keys = new ArrayList<>();
    for (JsonNode object : JSON.readTree(bytes.get()).path("objects")) {
      keys.add(object.path("key").asText());
    }
    manifests.put(manifestKey, List.copyOf(keys));
    return keys;
  }

  private void forgetBefore(Instant cutoff) {
    manifests.keySet().removeIf(k -> writtenAt(k).isBefore(cutoff));
    String oldest = LandingLayout.manifestHourPrefix(cutoff.minus(Duration.ofHours(1)));
    closedHours.keySet().removeIf(p -> p.compareTo(oldest) < 0);
  }

  private static Instant writtenAt(String manifestKey) {
    String name = manifestKey.substring(manifestKey.lastIndexOf('/') + 1);
    return Instant.ofEpochMilli(Long.parseLong(name.substring(0, name.indexOf('-'))));
  }

  /**
   * The hours that hold objects, oldest first — of every format: a switch of {@code landing.format}
   * leaves the hours landed before it in the other format, and they still count.
   */
  public List<HourPartition> hours() throws IOException {
    return hours(day -> true);
  }

  /**
   * The hours that hold objects (any format), on the days from {@code firstDay} to {@code lastDay}
   * included.
   */
  public List<HourPartition> hours(LocalDate firstDay, LocalDate lastDay) throws IOException {
    return hours(day -> !day.isBefore(firstDay) && !day.isAfter(lastDay));
  }

  private List<HourPartition> hours(Predicate<LocalDate> days) throws IOException {
    SortedSet<HourPartition> hours = new TreeSet<>();
    for (String format : ObjectFormat.NAMES) {
      for (String dt : store.children(layout.formatPrefix(format))) {
        Matcher m = DAY.matcher(dt);
        if (m.matches() && days.test(LocalDate.parse(m.group(1)))) {
          for (String hour : store.children(dt)) {
            LandingLayout.parseHourPrefix(hour).ifPresent(hours::add);
          }
        }
      }
    }
    return new ArrayList<>(hours);
  }

  /**
   * The landed objects of one hour (all clients, every format), with size and last-modified time.
   * Only names of the layout count: a file of another name under the hour (a PUT cut short by a
   * storage crash leaves {@code <name>-<uuid>} on some S3 servers) is not landed data.
   */
  public List<ObjectStore.Entry> objects(HourPartition hour) throws IOException {
    List<ObjectStore.Entry> objects = new ArrayList<>();
    for (String format : ObjectFormat.NAMES) {
      for (ObjectStore.Entry e : store.list(layout.hourPrefix(format, hour))) {
        if (LandingLayout.parse(e.key()).isPresent()) {
          objects.add(e);
        }
      }
    }
    return objects;
  }

  /** Every partition's landing state written by {@code connector}. */
  public List<PartitionState> partitionStates(String connector) throws IOException {
    List<PartitionState> states = new ArrayList<>();
    for (ObjectStore.Entry e : store.list(LandingLayout.STATE_PREFIX + connector + "/")) {
      Optional<byte[]> bytes = store.get(e.key());
      if (bytes.isPresent()) {
        states.add(JSON.readValue(bytes.get(), PartitionState.class));
      }
    }
    return states;
  }
}
