package io.heatlab.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.landing.HourPartition;
import io.heatlab.landing.InMemoryObjectStore;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.Granularity;
import io.heatlab.olap.Retention;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageRetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:30:00Z");
  private static final LandingLayout LAYOUT = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private static final String AGGREGATES = "aggregates/v1";

  /** ClickHouse's defaults: hours 30 days, days 400, weeks 1830. */
  private static final Retention CLICKHOUSE =
      new Retention(
          Map.of(
              Granularity.HOURLY, Duration.ofDays(30),
              Granularity.DAILY, Duration.ofDays(400),
              Granularity.WEEKLY, Duration.ofDays(1830)));

  /** The defaults: raw events and manifests 30 days, aggregates 1830. */
  private static final StorageRetention.Kept DEFAULTS =
      new StorageRetention.Kept(Duration.ofDays(30), Duration.ofDays(1830));

  private final RecordingStore store = new RecordingStore();
  private final Aggregates aggregates = new Aggregates(store, AGGREGATES);

  @Test
  void deletesRawHoursAndTheirManifestsPastTheRawRetentionAndKeepsTheState() throws Exception {
    // the raw cutoff is 2026-11-07T10 (now - 30 days): earlier hours go, that hour and later stay
    String oldDay = raw("jsonl", "2026-10-01T05", null);
    String oldDayClient = raw("jsonl", "2026-10-01T06", "acme");
    String cutoffDayBefore = raw("jsonl", "2026-11-07T09", null);
    String cutoffHour = raw("jsonl", "2026-11-07T10", null);
    String recent = raw("jsonl", "2026-12-07T09", "acme");
    String oldParquet = raw("parquet", "2026-11-06T23", null);
    String keptParquet = raw("parquet", "2026-11-08T00", null);
    // manifests are filed by the hour they were written in; kept until an hour past the cutoff
    String oldManifest = manifest("2026-10-01T06:10:00Z");
    String manifestTwoHoursBefore = manifest("2026-11-07T08:59:00Z");
    String manifestHourBefore = manifest("2026-11-07T09:01:00Z");
    String recentManifest = manifest("2026-12-07T09:40:00Z");
    String state = put(LandingLayout.stateKey("heatlab-landing", "heatmap.batches", 0));
    String oldState = put(LandingLayout.stateKey("old-connector", "heatmap.events", 3));

    StorageRetention.Summary summary = retention(DEFAULTS).apply(NOW);

    assertThat(store.keys())
        .doesNotContain(oldDay, oldDayClient, cutoffDayBefore, oldParquet)
        .doesNotContain(oldManifest, manifestTwoHoursBefore)
        .contains(cutoffHour, recent, keptParquet)
        .contains(manifestHourBefore, recentManifest)
        .contains(state, oldState);
    assertThat(summary)
        .isEqualTo(
            new StorageRetention.Summary(
                4, 2, 0, Optional.of(HourPartition.parse("2026-11-07T10"))));
  }

  @Test
  void listsRawEventsADirectoryLevelAtATimeNeverTheWholeBucket() throws Exception {
    raw("jsonl", "2026-10-01T05", null);
    raw("jsonl", "2026-11-07T09", null);
    raw("jsonl", "2026-11-07T10", null);
    raw("jsonl", "2026-11-20T10", null);
    raw("jsonl", "2026-12-07T09", null);

    retention(DEFAULTS).apply(NOW);

    // objects are listed only in a dt= or hour= directory that is deleted whole
    assertThat(store.listed.stream().filter(p -> p.startsWith(LAYOUT.prefix())))
        .containsExactly(
            LAYOUT.formatPrefix("jsonl") + "dt=2026-10-01/",
            LAYOUT.formatPrefix("jsonl") + "dt=2026-11-07/hour=09/");
    assertThat(store.listed).doesNotContain("", LAYOUT.prefix() + "/");
    // and the hours of the cutoff's day only: later days are not looked into
    assertThat(store.childrenOf)
        .contains(LAYOUT.formatPrefix("jsonl"), LAYOUT.formatPrefix("jsonl") + "dt=2026-11-07/")
        .doesNotContain(
            LAYOUT.formatPrefix("jsonl") + "dt=2026-10-01/",
            LAYOUT.formatPrefix("jsonl") + "dt=2026-11-20/");
  }

  @Test
  void deletesAggregatesOfWeeksPastTheAggregatesRetentionAndKeepsNewerOnes() throws Exception {
    // now - 1830 days = 2021-12-03T10:30: the ISO week of 2021-11-22 ended before it, the week of
    // 2021-11-29 did not; heatmap_weekly keeps weeks from 2021-11-29
    List<String> oldHour =
        publish(Granularity.HOURLY, "20211124T061000-hourly-a1b2", "2021-11-24T05");
    List<String> oldDay = publish(Granularity.DAILY, "20211124T001000-daily-e5f6", "2021-11-23");
    String crashed = AGGREGATES + "/hourly/run=20211120T000000-hourly-dead/"; // never published
    List<String> crashedRun = List.of(put(crashed + "window=2021111923/part-0.zstd.parquet"));
    List<String> keptHour =
        publish(Granularity.HOURLY, "20211130T061000-hourly-c3d4", "2021-11-30T05");
    List<String> recentHour =
        publish(Granularity.HOURLY, "20261207T091000-hourly-0001", "2026-12-07T08");
    // a recent run that rolled an old week up again, and a recent one
    String rerun = "20261201T000000-weekly-0a0b";
    List<String> oldWeek = publish(Granularity.WEEKLY, rerun, "2021-W46");
    List<String> recentWeek = publish(Granularity.WEEKLY, rerun, "2026-W48");

    StorageRetention.Summary summary = retention(DEFAULTS).apply(NOW);

    assertThat(store.keys())
        .doesNotContainAnyElementsOf(oldHour)
        .doesNotContainAnyElementsOf(oldDay)
        .doesNotContainAnyElementsOf(crashedRun)
        .doesNotContainAnyElementsOf(oldWeek.subList(0, 2)) // the old window and its pointer
        .containsAll(keptHour)
        .containsAll(recentHour)
        .containsAll(recentWeek);
    assertThat(aggregates.published(Granularity.HOURLY).keySet())
        .containsExactly(
            Granularity.HOURLY.parse("2021-11-30T05"), Granularity.HOURLY.parse("2026-12-07T08"));
    assertThat(aggregates.published(Granularity.DAILY)).isEmpty();
    assertThat(aggregates.published(Granularity.WEEKLY).keySet())
        .containsExactly(Granularity.WEEKLY.parse("2026-W48"));
    // the old hour's window, pointer and _SUCCESS; the old day's three; the crashed run's window;
    // the old week's window and pointer (the rerun's _SUCCESS stays with its recent window)
    assertThat(summary.aggregates()).isEqualTo(3 + 3 + 1 + 2);
    assertThat(summary.rawObjects() + summary.manifests()).isZero();
  }

  @Test
  void neverDeletesTheAggregateOfAWindowWithinItsClickHouseRetention() throws Exception {
    // aggregates kept 7 days only (cutoff 2026-11-30T10:30); ClickHouse keeps hours from
    // 2026-11-07T10 and days for 400 days
    StorageRetention.Kept weekOfAggregates =
        new StorageRetention.Kept(Duration.ofDays(30), Duration.ofDays(7));
    List<String> day = publish(Granularity.DAILY, "20261028T001000-daily-0001", "2026-10-27");
    List<String> hourOfAnOldWeek =
        publish(Granularity.HOURLY, "20261027T061000-hourly-0001", "2026-10-27T05");
    // past the hourly retention, but its week (from 2026-11-02) ends after 2026-11-07T10
    List<String> hourOfTheCutoffWeek =
        publish(Granularity.HOURLY, "20261105T061000-hourly-0002", "2026-11-05T05");

    retention(weekOfAggregates).apply(NOW);

    assertThat(store.keys())
        .containsAll(day)
        .containsAll(hourOfTheCutoffWeek)
        .doesNotContainAnyElementsOf(hourOfAnOldWeek);
  }

  @Test
  void aSecondRunDeletesNothing() throws Exception {
    raw("jsonl", "2026-10-01T05", null);
    raw("jsonl", "2026-11-07T10", null);
    manifest("2026-10-01T06:10:00Z");
    manifest("2026-12-07T09:40:00Z");
    put(LandingLayout.stateKey("heatlab-landing", "heatmap.batches", 0));
    publish(Granularity.HOURLY, "20211124T061000-hourly-a1b2", "2021-11-24T05");
    publish(Granularity.HOURLY, "20261207T091000-hourly-0001", "2026-12-07T08");
    StorageRetention retention = retention(DEFAULTS);

    StorageRetention.Summary first = retention.apply(NOW);
    List<String> left = store.keys();
    StorageRetention.Summary second = retention.apply(NOW);

    assertThat(first.deleted()).isEqualTo(1 + 1 + 3);
    assertThat(second)
        .isEqualTo(
            new StorageRetention.Summary(
                0, 0, 0, Optional.of(HourPartition.parse("2026-11-07T10"))));
    assertThat(store.keys()).isEqualTo(left);
  }

  private StorageRetention retention(StorageRetention.Kept kept) {
    return new StorageRetention(store, LAYOUT, AGGREGATES, kept, CLICKHOUSE);
  }

  private String put(String key) throws IOException {
    store.put(key, new byte[] {1}, "application/octet-stream", Map.of());
    return key;
  }

  /** A landed object of {@code hour} ({@code 2026-11-07T10}). */
  private String raw(String format, String hour, String client) throws IOException {
    return put(
        LAYOUT.hourPrefix(format, HourPartition.parse(hour))
            + (client == null ? "" : "client=" + client + "/")
            + "heatmap.batches+0+00000000000000000000."
            + (format.equals("jsonl") ? "jsonl.gz" : "parquet"));
  }

  private String manifest(String writtenAt) throws IOException {
    return put(
        LandingLayout.manifestKey(
            Instant.parse(writtenAt), "heatlab-landing", "heatmap.batches", 0, 42));
  }

  /**
   * A window run {@code runId} wrote and published, as Aggregates lays it out: [the window's part,
   * the pointer, the run's _SUCCESS].
   */
  private List<String> publish(Granularity g, String runId, String label) throws IOException {
    Instant window = g.parse(label);
    List<String> keys = new ArrayList<>();
    keys.add(put(aggregates.windowPrefix(g, runId, window) + "part-00000.zstd.parquet"));
    aggregates.publish(g, window, new Aggregates.Pointer(runId, 10, 5, 20, 0, 0));
    keys.add(
        AGGREGATES
            + "/"
            + g.name().toLowerCase()
            + "/current/window="
            + g.partition(window)
            + ".json");
    keys.add(put(aggregates.runPrefix(g, runId) + "/_SUCCESS"));
    assertThat(store.keys()).contains(keys.get(1));
    return keys;
  }

  /** The in-memory store, recording the prefixes listed. */
  private static final class RecordingStore implements ObjectStore {
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    final List<String> listed = new ArrayList<>();
    final List<String> childrenOf = new ArrayList<>();

    List<String> keys() {
      return store.keys();
    }

    @Override
    public String bucket() {
      return store.bucket();
    }

    @Override
    public void put(String key, byte[] bytes, String contentType, Map<String, String> metadata)
        throws IOException {
      store.put(key, bytes, contentType, metadata);
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
      return store.get(key);
    }

    @Override
    public void delete(String key) throws IOException {
      store.delete(key);
    }

    @Override
    public List<Entry> list(String prefix) throws IOException {
      listed.add(prefix);
      return store.list(prefix);
    }

    @Override
    public Map<String, String> metadata(String key) throws IOException {
      return store.metadata(key);
    }

    @Override
    public List<String> children(String prefix) throws IOException {
      childrenOf.add(prefix);
      return store.children(prefix);
    }
  }
}
