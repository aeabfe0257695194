package io.heatlab.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollups' Spark event logs: found by app id, pruned by their newest write. */
class SparkEventLogsTest {
  @TempDir Path dir;

  private Path log(String app, Instant written) throws Exception {
    Path d = Files.createDirectories(dir.resolve("eventlog_v2_" + app));
    Path f = Files.writeString(d.resolve("events_1_" + app), "{}");
    Files.setLastModifiedTime(f, FileTime.from(written));
    Files.setLastModifiedTime(d, FileTime.from(written));
    return d;
  }

  @Test
  void oldLogsArePrunedAndALogStillWrittenToIsKept() throws Exception {
    Instant now = Instant.now();
    Path old = log("local-1", now.minus(Duration.ofDays(8)));
    Path live = log("local-2", now.minus(Duration.ofDays(9)));
    // a warm driver's rolled log: its directory is old, its current file is being written
    Files.setLastModifiedTime(
        Files.writeString(live.resolve("events_2_local-2"), "{}"), FileTime.from(now));
    Path recent = log("local-3", now.minus(Duration.ofHours(1)));

    SparkEventLogs.prune(dir, Duration.ofDays(7));

    assertThat(old).doesNotExist();
    assertThat(live).exists();
    assertThat(recent).exists();
    assertThat(SparkEventLogs.of(dir, "local-3")).contains(recent);
    assertThat(SparkEventLogs.of(dir, "local-1")).isEmpty();
    assertThat(SparkEventLogs.of(dir, "")).isEmpty();
  }
}
