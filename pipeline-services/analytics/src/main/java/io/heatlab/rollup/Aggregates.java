package io.heatlab.rollup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.contract.ViewportClass;
import io.heatlab.landing.ObjectStore;
import io.heatlab.landing.ParquetFormat;
import io.heatlab.olap.CellCount;
import io.heatlab.olap.Granularity;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * The rollup aggregates in the lake, the source ClickHouse is published from (and can be rebuilt
 * from):
 *
 * <pre>
 *   &lt;prefix&gt;/&lt;granularity&gt;/run=&lt;runId&gt;/window=&lt;partition&gt;/part-….zstd.parquet   what a run's Spark job wrote
 *   &lt;prefix&gt;/&lt;granularity&gt;/current/window=&lt;partition&gt;.json                  the published run of a window
 * </pre>
 *
 * A run writes only under its own {@code run=} directory, so a failed or killed run never touches
 * the aggregates a window is currently published from. The {@code current} pointer moves after
 * ClickHouse has the new window; coarser rollups read the finer windows the pointers name.
 * Partitions are the ClickHouse ones (YYYYMMDDHH, YYYYMMDD). Aggregates written before the viewport
 * class joined the key (migration V0002) have no {@code viewport_class} column: their cells are
 * {@code unknown}.
 */
public final class Aggregates {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VIEWPORT_CLASS = "viewport_class";
  private static final Pattern POINTER = Pattern.compile("window=(\\d+)\\.json");

  /** The published run of one window and its figures. */
  public record Pointer(
      String runId, long rowsIn, long rowsOut, long events, long startedAt, long publishedAt) {}

  private final ObjectStore store;
  private final String prefix;

  public Aggregates(ObjectStore store, String prefix) {
    this.store = store;
    this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  /** Where run {@code runId} of {@code g} writes (the job's --output). */
  public String runPrefix(Granularity g, String runId) {
    return prefix + "/" + name(g) + "/run=" + runId;
  }

  /** One window of a run: a directory of Parquet files (absent when the window had no events). */
  public String windowPrefix(Granularity g, String runId, Instant window) {
    return runPrefix(g, runId) + "/window=" + g.partition(window) + "/";
  }

  private String pointerKey(Granularity g, Instant window) {
    return prefix + "/" + name(g) + "/current/window=" + g.partition(window) + ".json";
  }

  public Optional<Pointer> current(Granularity g, Instant window) throws IOException {
    Optional<byte[]> bytes = store.get(pointerKey(g, window));
    return bytes.isEmpty()
        ? Optional.empty()
        : Optional.of(JSON.readValue(bytes.get(), Pointer.class));
  }

  /** Every published window of {@code g} with its pointer, oldest first. */
  public SortedMap<Instant, Pointer> published(Granularity g) throws IOException {
    SortedMap<Instant, Pointer> pointers = new TreeMap<>();
    String dir = prefix + "/" + name(g) + "/current/";
    for (ObjectStore.Entry e : store.list(dir)) {
      Matcher m = POINTER.matcher(e.key().substring(dir.length()));
      if (m.matches()) {
        Optional<byte[]> bytes = store.get(e.key());
        if (bytes.isPresent()) { // else replaced meanwhile
          pointers.put(
              g.windowOfPartition(Long.parseLong(m.group(1))),
              JSON.readValue(bytes.get(), Pointer.class));
        }
      }
    }
    return pointers;
  }

  /**
   * Makes {@code pointer}'s run the published one of {@code window}; removes the run it replaces.
   */
  public void publish(Granularity g, Instant window, Pointer pointer) throws IOException {
    Optional<Pointer> previous = current(g, window);
    store.put(pointerKey(g, window), JSON.writeValueAsBytes(pointer), "application/json", Map.of());
    if (previous.isPresent() && !previous.get().runId().equals(pointer.runId())) {
      for (ObjectStore.Entry e : store.list(windowPrefix(g, previous.get().runId(), window))) {
        store.delete(e.key());
      }
    }
  }

  /** Removes what a run wrote for a window that was not published (a failed run's leftovers). */
  public void discard(Granularity g, String runId, Instant window) throws IOException {
    for (ObjectStore.Entry e : store.list(windowPrefix(g, runId, window))) {
      store.delete(e.key());
    }
  }

  /**
   * The cells a run wrote for one window (aggregates are small: at most grid × screens × types per
   * client).
   */
  public List<CellCount> cells(Granularity g, String runId, Instant window) throws IOException {
    List<CellCount> cells = new ArrayList<>();
    for (ObjectStore.Entry e : store.list(windowPrefix(g, runId, window))) {
      if (!e.key().endsWith(".parquet")) {
        continue;
      }
      byte[] object =
          store
              .get(e.key())
              .orElseThrow(() -> new IOException(e.key() + " vanished while publishing"));
      try (ParquetFileReader reader = ParquetFormat.open(object)) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        boolean classified = schema.containsField(VIEWPORT_CLASS); // written since migration V0002
        var columns = new ColumnIOFactory().getColumnIO(schema);
        PageReadStore rowGroup;
        while ((rowGroup = reader.readNextRowGroup()) != null) {
          RecordReader<Group> records =
              columns.getRecordReader(rowGroup, new GroupRecordConverter(schema));
          for (long i = 0, n = rowGroup.getRowCount(); i < n; i++) {
            Group r = records.read();
            cells.add(
                new CellCount(
                    r.getString("client_id", 0),
                    r.getString("screen_id", 0),
                    r.getString("event_type", 0),
                    classified ? r.getString(VIEWPORT_CLASS, 0) : ViewportClass.UNKNOWN.id(),
                    r.getInteger("cell_x", 0),
                    r.getInteger("cell_y", 0),
                    r.getLong("count", 0)));
          }
        }
      } catch (RuntimeException ex) {
        throw new IOException("unreadable aggregate " + e.key() + ": " + ex.getMessage(), ex);
      }
    }
    return cells;
  }

  private static String name(Granularity g) {
    return g.name().toLowerCase();
  }
}
