package io.heatlab.landing;

import io.heatlab.contract.LandedEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What landed for one client over some hours, read back from storage (any format): the rows, the
 * distinct events (batch, event time, position, type), and each batch's attempts — the rows of each
 * {@code received_at} (a batch produced again after a crash hid its commit lands a second, whole
 * copy). The ground truth that fault tests and drills hold ingestion's acknowledgements and the
 * rollups' sums against.
 *
 * @param attempts per batch id: received_at → rows landed with it
 * @param distinctPerBatch per batch id: its distinct events
 */
public record LandedCount(
    long rows,
    long distinct,
    Map<String, TreeMap<Long, Integer>> attempts,
    Map<String, Integer> distinctPerBatch) {

  /** Reads every object of {@code hours} and counts {@code client}'s rows. */
  public static LandedCount of(
      ObjectStore store, LandingIndex index, String client, List<Instant> hours)
      throws IOException {
    Set<String> identities = new HashSet<>();
    Map<String, TreeMap<Long, Integer>> attempts = new HashMap<>();
    long rows = 0;
    for (Instant h : hours) {
      for (ObjectStore.Entry o : index.objects(HourPartition.of(h.toEpochMilli()))) {
        var name = LandingLayout.parse(o.key());
        if (name.isEmpty()) {
          continue;
        }
        byte[] bytes = store.get(o.key()).orElse(null);
        if (bytes == null) {
          continue; // replaced between the listing and the read: its successor is listed
        }
        for (LandedEvent e : ObjectFormat.reader(name.get().format()).decode(bytes)) {
          if (e.clientId().equals(client)) {
            rows++;
            identities.add(
                e.batchId()
                    + "/"
                    + e.eventTime()
                    + "/"
                    + e.xNorm()
                    + "/"
                    + e.yNorm()
                    + "/"
                    + e.eventType());
            attempts
                .computeIfAbsent(e.batchId(), b -> new TreeMap<>())
                .merge(e.receivedAt(), 1, Integer::sum);
          }
        }
      }
    }
    Map<String, Integer> distinctPerBatch = new HashMap<>(); // identities are "<batch>/…"
    identities.forEach(
        i -> distinctPerBatch.merge(i.substring(0, i.indexOf('/')), 1, Integer::sum));
    return new LandedCount(rows, identities.size(), attempts, distinctPerBatch);
  }

  /** Batches that landed more than once (each copy whole, see {@link #partialBatches}). */
  public long batchesLandedTwice() {
    return attempts.values().stream().filter(a -> a.size() > 1).count();
  }

  /**
   * Batches some attempt of which landed only in part (never expected: a batch is a transaction).
   */
  public List<String> partialBatches() {
    return attempts.entrySet().stream()
        .filter(
            e ->
                e.getValue().values().stream()
                    .anyMatch(n -> !n.equals(distinctPerBatch.get(e.getKey()))))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }
}
