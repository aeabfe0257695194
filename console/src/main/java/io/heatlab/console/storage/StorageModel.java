package io.heatlab.console.storage;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.console.context.ConsoleContext;
import io.heatlab.console.shell.Background;
import io.heatlab.console.shell.Failure;
import io.heatlab.contract.LandedEvent;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.Granularity;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The storage view's state and commands: listing the landing layout level by level (MinIO SDK
 * delimiter listings), an hour's summary (objects, bytes, records from each object's {@code
 * records} metadata), a preview of an object's first records decoded with its format, and "roll up
 * this hour".
 */
public final class StorageModel {
  public static final int PREVIEW_ROWS = 100;
  private static final int SUMMARY_MAX_OBJECTS = 5_000;

  /** What the storage view reads: the landing bucket, its objects, the hours' last rollups. */
  public interface Source {
    /** The landing bucket's name. */
    String bucket();

    ObjectStore store() throws IOException;

    /** Each rolled-up hour's start → when its last successful hourly run finished. */
    Map<Instant, Instant> lastHourlyRollups() throws SQLException;

    /** The console's clients. */
    static Source of(ConsoleContext context) {
      return new Source() {
        @Override
        public String bucket() {
          return context.config().getString(HeatlabConfig.STORAGE_BUCKET);
        }

        @Override
        public ObjectStore store() {
          return context.store();
        }

        @Override
        public Map<Instant, Instant> lastHourlyRollups() throws SQLException {
          return context.rollups().runs().lastFinished(Granularity.HOURLY);
        }
      };
    }
  }

  private final Source source;
  private final Executor background;
  private final LandingLayout layout = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private final ObservableList<LandedEvent> preview = FXCollections.observableArrayList();
  private final ReadOnlyStringWrapper summary =
      new ReadOnlyStringWrapper("select a partition or an object");
  private final Failure failure;
  private final Consumer<HourPartition> rollUp;
  private volatile Runnable lastAction = () -> {};

  /** {@code rollUp} starts an hourly rollup of an hour (the shell hands it to the Rollups view). */
  public StorageModel(ConsoleContext context, Consumer<HourPartition> rollUp) {
    this(Source.of(context), context.background(), rollUp);
  }

  /** A model over {@code source}, reading it on {@code background}. */
  StorageModel(Source source, Executor background, Consumer<HourPartition> rollUp) {
    this.source = source;
    this.background = background;
    this.rollUp = rollUp;
    this.failure = new Failure(() -> lastAction.run());
  }

  public StorageNode root() {
    return StorageNode.dir(
        StorageNode.Kind.BUCKET,
        "s3://" + source.bucket() + "/" + LandingLayout.DEFAULT_PREFIX,
        layout.prefix() + "/",
        null);
  }

  /** The children of a node (blocking: call off the FX thread). */
  public List<StorageNode> children(StorageNode node) throws IOException, SQLException {
    ObjectStore store = source.store();
    List<StorageNode> out = new ArrayList<>();
    switch (node.kind()) {
      case BUCKET -> {
        for (String p : store.children(node.prefix())) {
          String name = last(p);
          if (name.startsWith("format=")) {
            out.add(
                StorageNode.dir(
                    StorageNode.Kind.FORMAT, name, p, name.substring("format=".length())));
          }
        }
      }
      case FORMAT -> {
        for (String p : store.children(node.prefix())) {
          out.add(StorageNode.dir(StorageNode.Kind.DAY, last(p), p, node.format()));
        }
        out.sort(Comparator.comparing(StorageNode::label).reversed()); // newest day first
      }
      case DAY -> {
        LocalDate day = LocalDate.parse(last(node.prefix()).substring("dt=".length()));
        Map<Instant, Instant> finished = source.lastHourlyRollups();
        for (String p : store.children(node.prefix())) {
          HourPartition hour =
              new HourPartition(day, Integer.parseInt(last(p).substring("hour=".length())));
          out.add(hour(node.format(), hour, store.list(p), finished.get(hour.start())));
        }
        out.sort(Comparator.comparing(StorageNode::label).reversed());
      }
      case HOUR -> {
        for (ObjectStore.Entry e : store.list(node.prefix())) {
          out.add(
              new StorageNode(
                  StorageNode.Kind.OBJECT,
                  e.key().substring(node.prefix().length()),
                  e.key(),
                  node.format(),
                  node.hour(),
                  1,
                  e.size(),
                  e.lastModified(),
                  StorageNode.Rollup.NONE));
        }
      }
      case OBJECT -> {
        // leaves
      }
    }
    return out;
  }

  private StorageNode hour(
      String format, HourPartition hour, List<ObjectStore.Entry> objects, Instant lastRun) {
    long bytes = objects.stream().mapToLong(ObjectStore.Entry::size).sum();
    Instant newest =
        objects.stream().map(ObjectStore.Entry::lastModified).max(Instant::compareTo).orElse(null);
    return new StorageNode(
        StorageNode.Kind.HOUR,
        "hour=" + String.format("%02d", hour.hour()),
        layout.hourPrefix(format, hour),
        format,
        hour,
        objects.size(),
        bytes,
        newest,
        StorageNode.judge(newest, lastRun));
  }

  private static String last(String prefix) {
    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return p.substring(p.lastIndexOf('/') + 1);
  }

  /** Shows a node: an hour's summary with its record count, or an object's first records. */
  public void select(StorageNode node) {
    if (node == null) {
      return;
    }
    lastAction = () -> select(node);
    switch (node.kind()) {
      case HOUR -> {
        summary.set(
            String.format(
                "%s: %,d objects, %s — counting records…",
                node.hour(), node.objects(), StorageNode.bytes(node.bytes())));
        background(() -> summarize(node), summary::set, "summarising " + node.hour());
      }
      case OBJECT -> {
        summary.set("reading " + node.prefix() + "…");
        background(
            () -> decode(node),
            rows -> {
              preview.setAll(rows.subList(0, Math.min(PREVIEW_ROWS, rows.size())));
              summary.set(
                  String.format(
                      "%s: %,d records, %s, written %s — first %d shown",
                      node.label(),
                      rows.size(),
                      StorageNode.bytes(node.bytes()),
                      node.lastModified(),
                      Math.min(PREVIEW_ROWS, rows.size())));
            },
            "previewing " + node.label());
      }
      default -> summary.set(node.label());
    }
  }

  private String summarize(StorageNode hour) throws IOException {
    long records = 0;
    int counted = 0;
    ObjectStore store = source.store();
    for (ObjectStore.Entry e : store.list(hour.prefix())) {
      if (counted++ == SUMMARY_MAX_OBJECTS) {
        break;
      }
      records += Long.parseLong(store.metadata(e.key()).getOrDefault("records", "0"));
    }
    return String.format(
        "%s: %,d objects, %s, %s%,d records%s — %s",
        hour.hour(),
        hour.objects(),
        StorageNode.bytes(hour.bytes()),
        counted > SUMMARY_MAX_OBJECTS ? "≥ " : "",
        records,
        counted > SUMMARY_MAX_OBJECTS ? " (first " + SUMMARY_MAX_OBJECTS + " objects)" : "",
        hour.rollup().describe());
  }

  private List<LandedEvent> decode(StorageNode object) throws IOException {
    Optional<byte[]> bytes = source.store().get(object.prefix());
    if (bytes.isEmpty()) {
      throw new IOException(object.prefix() + " is gone (deleted since it was listed)");
    }
    return ObjectFormat.reader(object.format()).decode(bytes.get());
  }

  /** "Roll up this hour". */
  public void rollUp(StorageNode hour) {
    if (hour != null && hour.kind() == StorageNode.Kind.HOUR) {
      rollUp.accept(hour.hour());
    }
  }

  private <T> void background(Callable<T> work, Consumer<T> onFx, String what) {
    Background.run(background, failure, what, work, onFx);
  }

  Executor contextExecutor() {
    return background;
  }

  public ObservableList<LandedEvent> preview() {
    return preview;
  }

  public ReadOnlyStringProperty summary() {
    return summary.getReadOnlyProperty();
  }

  public Failure failure() {
    return failure;
  }
}
