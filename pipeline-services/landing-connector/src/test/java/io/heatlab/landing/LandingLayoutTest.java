package io.heatlab.landing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Landed object names: parsed back, and nothing else under the prefix taken for landed data. */
class LandingLayoutTest {
  private static final LandingLayout LAYOUT = new LandingLayout(LandingLayout.DEFAULT_PREFIX);
  private static final HourPartition HOUR = new HourPartition(LocalDate.parse("2026-12-07"), 3);

  @Test
  void anObjectKeyIsParsedBack() {
    String key = LAYOUT.objectKey(new JsonLinesFormat(), HOUR, "shop", "events", 4, 1234L);
    assertThat(key)
        .isEqualTo(
            "events/v1/format=jsonl/dt=2026-12-07/hour=03/client=shop/events+4+00000000000000001234.jsonl.gz");
    assertThat(LandingLayout.parse(key))
        .contains(new LandingLayout.ObjectName("jsonl", HOUR, "shop", "events", 4, 1234L));
    String parquet = LAYOUT.objectKey(new ParquetFormat("zstd"), HOUR, null, "events", 0, 0L);
    assertThat(LandingLayout.parse(parquet))
        .contains(new LandingLayout.ObjectName("parquet", HOUR, null, "events", 0, 0L));
  }

  @Test
  void aPartialUploadLeftByACrashedServerIsNotALandedObject() {
    String key = LAYOUT.objectKey(new JsonLinesFormat(), HOUR, null, "events", 0, 7L);
    // S3Proxy's filesystem store writes "<key>-<uuid>" first and renames it; kill -9 leaves it
    assertThat(LandingLayout.parse(key + "-0f8fad5b-d9cb-469f-a165-70867728950e")).isEmpty();
    assertThat(LandingLayout.parse(key + ".tmp")).isEmpty();
    assertThat(LandingLayout.parse(LAYOUT.hourPrefix("jsonl", HOUR) + "notes.txt")).isEmpty();
  }

  @Test
  void theIndexListsOnlyLandedObjectsOfAnHour() throws Exception {
    InMemoryObjectStore store = new InMemoryObjectStore();
    String landed = LAYOUT.objectKey(new JsonLinesFormat(), HOUR, null, "events", 0, 7L);
    String parquet = LAYOUT.objectKey(new ParquetFormat("zstd"), HOUR, "shop", "events", 1, 9L);
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    store.put(landed, bytes, "application/gzip", Map.of());
    store.put(parquet, bytes, "application/vnd.apache.parquet", Map.of());
    store.put(landed + "-0f8fad5b-d9cb-469f-a165-70867728950e", bytes, "x", Map.of());

    assertThat(new LandingIndex(store, LAYOUT).objects(HOUR))
        .extracting(ObjectStore.Entry::key)
        .containsExactlyInAnyOrder(landed, parquet);
  }
}
