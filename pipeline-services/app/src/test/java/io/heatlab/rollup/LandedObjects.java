package io.heatlab.rollup;

import io.heatlab.contract.LandedEvent;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Lands synthetic objects in a store, named as the connector names them, each at the next offset.
 */
final class LandedObjects {
  private final ObjectStore store;
  private final LandingLayout layout;
  private long offset;

  LandedObjects(ObjectStore store, LandingLayout layout) {
    this.store = store;
    this.layout = layout;
  }

  /** The offset the next object starts at. */
  long offset() {
    return offset;
  }

  /** One object of {@code rows} in {@code hour}'s folder of {@code format}. */
  void land(ObjectFormat format, Instant hour, List<LandedEvent> rows) throws Exception {
    String key =
        layout.objectKey(
            format, HourPartition.of(hour.toEpochMilli()), null, "heatmap.events", 0, offset);
    offset += rows.size();
    store.put(key, format.encode(rows), format.contentType(), Map.of());
  }
}
