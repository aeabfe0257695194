package io.heatlab.console.storage;

import static io.heatlab.console.testing.FxTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.console.testing.FxTesting;
import io.heatlab.contract.LandedEvent;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.InMemoryObjectStore;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectFormat;
import io.heatlab.landing.ObjectStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Storage view's model over an in-memory object store: the tree, summaries, previews. */
class StorageModelTest {
  private static final HourPartition TEN = new HourPartition(LocalDate.parse("2026-11-25"), 10);
  private static final HourPartition ELEVEN = new HourPartition(LocalDate.parse("2026-11-25"), 11);
  private static final HourPartition LATE = new HourPartition(LocalDate.parse("2026-11-24"), 23);

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final LandingLayout layout = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private final Map<Instant, Instant> lastRollups = new HashMap<>();
  private final List<HourPartition> rolledUp = new ArrayList<>();
  private StorageModel model;
  private long offset;

  @BeforeAll
  static void toolkit() throws Exception {
    FxTesting.startToolkit();
  }

  @BeforeEach
  void landedObjects() throws Exception {
    land(ObjectFormat.reader("jsonl"), TEN, 3);
    land(ObjectFormat.reader("jsonl"), TEN, 2);
    land(ObjectFormat.reader("jsonl"), ELEVEN, 4);
    land(ObjectFormat.reader("parquet"), LATE, 1);
    lastRollups.put(TEN.start(), Instant.now().plusSeconds(3600)); // after its objects
    lastRollups.put(LATE.start(), Instant.EPOCH); // before its object: changed since
    model =
        new StorageModel(
            new StorageModel.Source() {
              @Override
              public String bucket() {
                return "heatlab-raw";
              }

              @Override
              public ObjectStore store() {
                return store;
              }

              @Override
              public Map<Instant, Instant> lastHourlyRollups() {
                return lastRollups;
              }
            },
            Runnable::run,
            rolledUp::add);
  }

  @Test
  void theTreeGoesFromFormatsToDaysToHoursWithTheirRollupState() throws Exception {
    StorageNode root = model.root();
    assertThat(root.label()).isEqualTo("s3://heatlab-raw/events/v1");

    List<StorageNode> formats = model.children(root);
    assertThat(formats)
        .extracting(StorageNode::label)
        .containsExactly("format=jsonl", "format=parquet");

    List<StorageNode> days = model.children(formats.get(0));
    assertThat(days).extracting(StorageNode::label).containsExactly("dt=2026-11-25");

    List<StorageNode> hours = model.children(days.get(0));
    assertThat(hours).extracting(StorageNode::label).containsExactly("hour=11", "hour=10");
    assertThat(hours).extracting(StorageNode::objects).containsExactly(1L, 2L);
    assertThat(hours)
        .extracting(StorageNode::rollup)
        .containsExactly(StorageNode.Rollup.NOT_ROLLED_UP, StorageNode.Rollup.ROLLED_UP);
    long bytesOfTen =
        store.list(layout.hourPrefix("jsonl", TEN)).stream()
            .mapToLong(ObjectStore.Entry::size)
            .sum();
    assertThat(hours.get(1).bytes()).isEqualTo(bytesOfTen);

    StorageNode late = model.children(model.children(formats.get(1)).get(0)).get(0);
    assertThat(late.hour()).isEqualTo(LATE);
    assertThat(late.rollup()).isEqualTo(StorageNode.Rollup.CHANGED_SINCE);

    List<StorageNode> objects = model.children(hours.get(1));
    assertThat(objects).hasSize(2).allMatch(o -> o.kind() == StorageNode.Kind.OBJECT);
    assertThat(objects.get(0).label()).endsWith(".jsonl.gz");
  }

  @Test
  void anHoursSummaryCountsTheRecordsOfItsObjects() throws Exception {
    StorageNode ten = hourNode(TEN);
    model.select(ten);
    await(() -> model.summary().get().contains("records"));
    assertThat(model.summary().get())
        .startsWith("2026-11-25T10: 2 objects")
        .contains("5 records")
        .endsWith("rolled up");
  }

  @Test
  void anObjectsPreviewDecodesItsRecords() throws Exception {
    StorageNode object = model.children(hourNode(ELEVEN)).get(0);
    model.select(object);
    await(() -> model.preview().size() == 4);
    assertThat(model.preview()).extracting(LandedEvent::screenId).containsOnly("pricing");
    assertThat(model.summary().get()).contains("4 records").contains("first 4 shown");
  }

  @Test
  void anObjectDeletedSinceItWasListedIsReportedNotShown() throws Exception {
    StorageNode object = model.children(hourNode(ELEVEN)).get(0);
    store.delete(object.prefix());
    model.select(object);
    await(() -> !model.failure().message().get().isEmpty());
    assertThat(model.failure().message().get()).contains("is gone");
    assertThat(model.preview()).isEmpty();
  }

  @Test
  void rollUpThisHourHandsOnlyHoursOn() throws Exception {
    StorageNode ten = hourNode(TEN);
    model.rollUp(model.children(ten).get(0)); // an object: nothing
    model.rollUp(ten);
    assertThat(rolledUp).containsExactly(TEN);
  }

  private StorageNode hourNode(HourPartition hour) throws Exception {
    StorageNode jsonl = model.children(model.root()).get(0);
    StorageNode day = model.children(jsonl).get(0);
    return model.children(day).stream()
        .filter(h -> h.hour().equals(hour))
        .findFirst()
        .orElseThrow();
  }

  private void land(ObjectFormat format, HourPartition hour, int records) throws Exception {
    List<LandedEvent> rows =
        IntStream.range(0, records)
            .mapToObj(
                i ->
                    new LandedEvent(
                        "acme",
                        "pricing",
                        "s-" + i,
                        "b-" + offset,
                        "click",
                        hour.start().toEpochMilli() + i,
                        0.25,
                        0.5,
                        1440,
                        900,
                        hour.start().toEpochMilli() + 1000))
            .toList();
    String key = layout.objectKey(format, hour, null, "heatmap.events", 0, offset);
    offset += records;
    store.put(
        key, format.encode(rows), format.contentType(), Map.of("records", String.valueOf(records)));
  }

  /**
   * The Storage view on the headless toolkit: the tree lists formats, days, hours (an hour not
   * rolled up marked ⚠) and objects as they are expanded; choosing an hour shows its summary and
   * enables "Roll up this hour", which hands the hour on; choosing an object previews its records.
   */
  @Test
  void theViewsTreeExpandsToHoursAndObjectsAndRollsAnHourUp() throws Exception {
    StorageView[] view = new StorageView[1];
    FxTesting.run(
        () -> {
          view[0] = new StorageView(model);
          FxTesting.laidOut(view[0].root());
        });
    TreeView<StorageNode> tree = view[0].tree();
    TreeItem<StorageNode> jsonl = child(tree.getRoot(), "format=jsonl");
    TreeItem<StorageNode> day = child(jsonl, "dt=2026-11-25");
    TreeItem<StorageNode> eleven = child(day, "hour=11");
    assertThat(eleven.getValue().toString()).as("not rolled up: marked").contains("⚠");
    TreeItem<StorageNode> ten = child(day, "hour=10");
    Button rollUp = (Button) view[0].root().lookup("#roll-up-hour");
    assertThat(rollUp.isDisabled()).isTrue();
    FxTesting.run(() -> tree.getSelectionModel().select(ten));
    await(() -> ((Label) view[0].root().lookup("#storage-summary")).getText().contains("records"));
    assertThat(rollUp.isDisabled()).isFalse();
    FxTesting.run(rollUp::fire);
    assertThat(rolledUp).containsExactly(TEN);

    FxTesting.run(() -> ten.setExpanded(true));
    await(() -> ten.getChildren().size() == 2 && ten.getChildren().get(0).getValue() != null);
    FxTesting.run(() -> tree.getSelectionModel().select(ten.getChildren().get(0)));
    TableView<?> preview = (TableView<?>) view[0].root().lookup("#preview");
    await(() -> preview.getItems().size() == 3 || preview.getItems().size() == 2);
    assertThat(rollUp.isDisabled()).as("an object is no hour").isTrue();
  }

  /** Expands {@code parent} and returns its child labelled {@code label} once listed. */
  private static TreeItem<StorageNode> child(TreeItem<StorageNode> parent, String label)
      throws Exception {
    FxTesting.run(() -> parent.setExpanded(true));
    await(
        () ->
            parent.getChildren().stream()
                .anyMatch(c -> c.getValue() != null && c.getValue().label().equals(label)));
    return parent.getChildren().stream()
        .filter(c -> c.getValue() != null && c.getValue().label().equals(label))
        .findFirst()
        .orElseThrow();
  }
}
