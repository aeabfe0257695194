package io.heatlab.landing;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few object-storage operations heatlab needs, on one bucket: {@link MinioObjectStore} over the
 * S3 protocol (S3Proxy locally, MinIO in production); the tests' in-memory store for the logic
 * above it. Every failure is an {@link IOException} naming the key and the cause. Keys are plain
 * strings; "directories" are prefixes ending in {@code /}.
 */
public interface ObjectStore {

  /** An object of a listing. */
  record Entry(String key, long size, Instant lastModified) {}

  String bucket();

  /** Writes (or overwrites) an object. */
  void put(String key, byte[] bytes, String contentType, Map<String, String> metadata)
      throws IOException;

  /** The object's bytes, or empty when there is no such object. */
  Optional<byte[]> get(String key) throws IOException;

  /** Deletes an object (no error when there is none). */
  void delete(String key) throws IOException;

  /**
   * Every object under {@code prefix} (recursively), in key order; list one hour or one dt at a
   * time, not the whole bucket.
   */
  List<Entry> list(String prefix) throws IOException;

  /**
   * The user metadata of an object (e.g. the landing sink's {@code records}), without its bytes.
   */
  Map<String, String> metadata(String key) throws IOException;

  /**
   * The sub-"directories" directly under {@code prefix} (delimiter listing), e.g. the dt= of a
   * format, in order.
   */
  List<String> children(String prefix) throws IOException;
}
