package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Provenance of a heatmap cell, from pixel to Kafka offset: the landed objects whose events fall in
 * the cell, read hour by hour (newest first) within a byte budget — each object named by its topic,
 * partition and first offset. Hours past the budget are listed as not scanned, never guessed.
 */
public final class CellSources {
  /** An object holding {@code events} of the cell. */
  public record Holder(
      HourPartition hour, String key, String topic, int partition, long startOffset, long events) {}

  /** What was found, which hours were read, which were left for the budget, bytes read. */
  public record Scan(
      List<Holder> holders,
      List<HourPartition> scanned,
      List<HourPartition> notScanned,
      long bytesRead) {
    public long events() {
      return holders.stream().mapToLong(Holder::events).sum();
    }
  }

  private CellSources() {}

  /**
   * Reads the objects of {@code hours} (newest first; an hour is read whole or not at all) until
   * {@code byteBudget} is spent, counting the events {@code inCell} accepts per object.
   */
  public static Scan scan(
      LandingIndex index,
      ObjectStore store,
      List<HourPartition> hours,
      Predicate<LandedEvent> inCell,
      long byteBudget)
      throws IOException {
    List<Holder> holders = new ArrayList<>();
    List<HourPartition> scanned = new ArrayList<>();
    List<HourPartition> notScanned = new ArrayList<>();
    long read = 0;
    for (HourPartition hour : hours) {
      List<ObjectStore.Entry> objects = index.objects(hour);
      long size = objects.stream().mapToLong(ObjectStore.Entry::size).sum();
      if (read + size > byteBudget && !scanned.isEmpty()) {
        notScanned.add(hour);
        continue;
      }
      for (ObjectStore.Entry o : objects) {
        Optional<LandingLayout.ObjectName> name = LandingLayout.parse(o.key());
        Optional<byte[]> bytes = store.get(o.key());
        if (name.isEmpty() || bytes.isEmpty()) {
          continue; // replaced or removed meanwhile
        }
        read += bytes.get().length;
        long n =
            ObjectFormat.reader(name.get().format()).decode(bytes.get()).stream()
                .filter(inCell)
                .count();
        if (n > 0) {
          LandingLayout.ObjectName on = name.get();
          holders.add(new Holder(hour, o.key(), on.topic(), on.partition(), on.startOffset(), n));
        }
      }
      scanned.add(hour);
    }
    return new Scan(holders, scanned, notScanned, read);
  }
}
