package io.heatlab.landing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Questions about what landed, answered from storage alone (for the rollup scheduler, the console and tests):
 * which event-time hours received objects after a time T (from the manifests each write cycle leaves under
 * {@code _landing/manifests/written=<hour>/}, so only the hours of writing since T are listed), which hours
 * and objects exist, and each partition's landing state.
 */
public final class LandingIndex {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_LOOKBACK = Duration.ofDays(8);

  private final ObjectStore store;
  private final LandingLayout layout;

  public LandingIndex(ObjectStore store, LandingLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  /** Event-time hours of {@code format} that received at least one object written at or after {@code since}. */
  public SortedSet<HourPartition> hoursChangedSince(String format, Instant since) throws IOException {
    Instant now = Instant.now();
    Instant from = since.isBefore(now.minus(MAX_LOOKBACK)) ? now.minus(MAX_LOOKBACK) : since;
    SortedSet<HourPartition> hours = new TreeSet<>();
    for (Instant h = from.truncatedTo(ChronoUnit.HOURS); !h.isAfter(now); h = h.plus(Duration.ofHours(1))) {
      for (ObjectStore.Entry manifest : store.list(LandingLayout.manifestHourPrefix(h))) {
        if (writtenAt(manifest.key()).isBefore(since)) {
          continue;
        }
        Optional<byte[]> bytes = store.get(manifest.key());
        if (bytes.isEmpty()) {
          continue;
        }
        for (JsonNode object : JSON.readTree(bytes.get()).path("objects")) {
          String key = object.path("key").asText();
          if (key.startsWith(layout.formatPrefix(format))) { // not another connector's prefix (e.g. a benchmark's)
            LandingLayout.parse(key).ifPresent(name -> hours.add(name.hour()));
          }
        }
      }
    }
    return hours;
  }

  private static Instant writtenAt(String manifestKey) {
    String name = manifestKey.substring(manifestKey.lastIndexOf('/') + 1);
    return Instant.ofEpochMilli(Long.parseLong(name.substring(0, name.indexOf('-'))));
  }

  /** The hours of {@code format} that hold objects, oldest first. */
  public List<HourPartition> hours(String format) throws IOException {
    List<HourPartition> hours = new ArrayList<>();
    for (String dt : store.children(layout.formatPrefix(format))) {
      for (String hour : store.children(dt)) {
        LandingLayout.parseHourPrefix(hour).ifPresent(hours::add);
      }
    }
    hours.sort(null);
    return hours;
  }

  /** The hours of {@code format} that hold objects, on the days from {@code firstDay} to {@code lastDay} included. */
  public List<HourPartition> hours(String format, java.time.LocalDate firstDay, java.time.LocalDate lastDay) throws IOException {
    List<HourPartition> hours = new ArrayList<>();
    for (String dt : store.children(layout.formatPrefix(format))) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(".*/dt=(\\d{4}-\\d{2}-\\d{2})/").matcher(dt);
      if (m.matches()) {
        java.time.LocalDate day = java.time.LocalDate.parse(m.group(1));
        if (!day.isBefore(firstDay) && !day.isAfter(lastDay)) {
          for (String hour : store.children(dt)) {
            LandingLayout.parseHourPrefix(hour).ifPresent(hours::add);
          }
        }
      }
    }
    hours.sort(null);
    return hours;
  }

  /** The objects of one hour (all clients), with size and last-modified time. */
  public List<ObjectStore.Entry> objects(String format, HourPartition hour) throws IOException {
    return store.list(layout.hourPrefix(format, hour));
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
