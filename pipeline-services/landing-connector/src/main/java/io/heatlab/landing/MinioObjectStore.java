package io.heatlab.landing;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link ObjectStore} over the MinIO SDK (S3Proxy locally, MinIO in production). Every failure is
 * an {@link IOException} with the key and the cause.
 */
public final class MinioObjectStore implements ObjectStore {
  private final MinioClient client;
  private final String bucket;

  public MinioObjectStore(MinioClient client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  /**
   * A store with bounded waits: the SDK's default timeouts are 5 minutes, long enough for a request
   * caught in a storage restart to stall a landing task that long. 5 s to connect, 30 s to write or
   * read.
   */
  public static MinioObjectStore connect(
      String endpoint, String region, String accessKey, String secretKey, String bucket) {
    MinioClient client =
        MinioClient.builder()
            .endpoint(endpoint)
            .region(region)
            .credentials(accessKey, secretKey)
            .build();
    client.setTimeout(
        TimeUnit.SECONDS.toMillis(5), TimeUnit.SECONDS.toMillis(30), TimeUnit.SECONDS.toMillis(30));
    return new MinioObjectStore(client, bucket);
  }

  @Override
  public String bucket() {
    return bucket;
  }

  @Override
  public void put(String key, byte[] bytes, String contentType, Map<String, String> metadata)
      throws IOException {
    try {
      client.putObject(
          PutObjectArgs.builder()
              .bucket(bucket)
              .object(key)
              .contentType(contentType)
              .userMetadata(metadata)
              .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
              .build());
    } catch (IOException e) {
      throw new IOException("PUT " + key + " failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IOException("PUT " + key + " failed: " + e, e);
    }
  }

  /** The object's bytes, or empty when there is no such object. */
  @Override
  public Optional<byte[]> get(String key) throws IOException {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw new IOException("GET " + key + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IOException("GET " + key + " failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new IOException("GET " + key + " failed: " + e, e);
    }
  }

  /** Deletes an object (no error when there is none). */
  @Override
  public void delete(String key) throws IOException {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new IOException("DELETE " + key + " failed: " + e, e);
    }
  }

  /**
   * Every object under {@code prefix} (recursively); list one hour or one dt at a time, not the
   * whole bucket.
   */
  @Override
  public List<Entry> list(String prefix) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try {
      for (Result<Item> r :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
        Item item = r.get();
        if (!item.isDir()) {
          entries.add(
              new Entry(
                  item.objectName(),
                  item.size(),
                  item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant()));
        }
      }
      return entries;
    } catch (Exception e) {
      throw new IOException("LIST " + prefix + " failed: " + e, e);
    }
  }

  /**
   * The user metadata of an object (e.g. the landing sink's {@code records}), without its bytes.
   */
  @Override
  public Map<String, String> metadata(String key) throws IOException {
    try {
      return client
          .statObject(StatObjectArgs.builder().bucket(bucket).object(key).build())
          .userMetadata();
    } catch (Exception e) {
      throw new IOException("HEAD " + key + " failed: " + e, e);
    }
  }

  /**
   * The sub-"directories" directly under {@code prefix} (delimiter listing), e.g. the dt= of a
   * format.
   */
  @Override
  public List<String> children(String prefix) throws IOException {
    List<String> names = new ArrayList<>();
    try {
      for (Result<Item> r :
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).delimiter("/").build())) {
        Item item = r.get();
        if (item.isDir()) {
          names.add(item.objectName());
        }
      }
      return names;
    } catch (Exception e) {
      throw new IOException("LIST " + prefix + " failed: " + e, e);
    }
  }
}
