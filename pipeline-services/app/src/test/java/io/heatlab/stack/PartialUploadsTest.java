package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded storage server's leftovers of a PUT cut short by a crash ({@code <key>-<uuid>}
 * beside the key) are removed before the next launch; whole objects, whatever their name, stay.
 */
class PartialUploadsTest {
  @TempDir Path objects;

  @Test
  void removesOnlyTheFilesAPutCutShortLeaves() throws Exception {
    Path hour = objects.resolve("heatlab/events/v1/format=jsonl/dt=2026-12-07/hour=03");
    Files.createDirectories(hour);
    Path whole = Files.write(hour.resolve("events+0+00000000000000000007.jsonl.gz"), new byte[10]);
    Path partial =
        Files.write(
            hour.resolve(
                "events+0+00000000000000000042.jsonl.gz-0f8fad5b-d9cb-469f-a165-70867728950e"),
            new byte[3]);
    Path partialPart =
        Files.write(
            objects.resolve(
                "heatlab/.mpus-1b4e28ba-2fa1-11d2-883f-0016d3cca427-big.parquet-2-"
                    + "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
            new byte[3]);
    Path stranger = Files.write(objects.resolve("heatlab/notes-v2.txt"), new byte[1]);

    assertThat(ObjectStoragePart.removePartialUploads(objects)).isEqualTo(2);
    assertThat(whole).exists();
    assertThat(stranger).exists();
    assertThat(partial).doesNotExist();
    assertThat(partialPart).doesNotExist();
    assertThat(ObjectStoragePart.removePartialUploads(objects)).isZero();
    assertThat(ObjectStoragePart.removePartialUploads(objects.resolve("none"))).isZero();
  }
}
