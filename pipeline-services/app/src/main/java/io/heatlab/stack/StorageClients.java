package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.minio.MinioClient;

/** MinIO SDK clients for heatlab's object storage, the same code for S3Proxy and MinIO. */
public final class StorageClients {
  private StorageClients() {}

  public static MinioClient minio(HeatlabConfig config, StackEndpoints endpoints) {
    return MinioClient.builder()
        .endpoint(endpoints.storageEndpoint())
        .region(config.getString(HeatlabConfig.STORAGE_REGION))
        .credentials(
            config.getString(HeatlabConfig.STORAGE_ACCESS_KEY),
            config.secret(HeatlabConfig.STORAGE_SECRET_KEY))
        .build();
  }
}
