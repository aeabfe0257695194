package io.heatlab.rollup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollup applications' Spark event logs under {@code <data>/spark/events}: one entry per
 * application ({@code eventlog_v2_<app id>/}, rolled at 16 MB), found by app id, and pruned after
 * {@code rollup.spark.eventlog.retention.ms}.
 */
public final class SparkEventLogs {
  private static final Logger LOG = LoggerFactory.getLogger(SparkEventLogs.class);

  private SparkEventLogs() {}

  /** The event log of application {@code appId} in {@code dir}, if it is there. */
  public static Optional<Path> of(Path dir, String appId) {
    if (appId == null || appId.isBlank() || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains(appId)).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Deletes the logs of {@code dir} last written more than {@code retention} ago. */
  public static void prune(Path dir, Duration retention) {
    Instant before = Instant.now().minus(retention);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (lastWrite(p).isBefore(before)) { // a live driver's log is written to: never pruned
          delete(p);
          LOG.info("deleted the Spark event log {} (older than {})", p.getFileName(), retention);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not prune the Spark event logs in {}: {}", dir, e.toString());
    }
  }

  /** The newest write under {@code p} (a rolled log is a directory of files). */
  private static Instant lastWrite(Path p) throws IOException {
    Instant newest = Instant.EPOCH;
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.toList()) {
        Instant t = Files.getLastModifiedTime(q).toInstant();
        newest = t.isAfter(newest) ? t : newest;
      }
    }
    return newest;
  }

  private static void delete(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
