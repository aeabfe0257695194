package io.heatlab.config;

import io.heatlab.landing.MinioObjectStore;
import io.heatlab.landing.ObjectStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each part is reached, derived once from the configuration: the embedded parts on loopback
 * at their configured ports, or the external endpoints of the compose profile. Every client in
 * heatlab (producers, the MinIO client, JDBC, the Connect REST client) takes its address from here.
 */
public record StackEndpoints(
    String kafkaBootstrap,
    String connectUrl,
    String storageEndpoint,
    String clickhouseUrl,
    String httpUrl) {

  private static final String LOOPBACK = "127.0.0.1";

  public static StackEndpoints of(HeatlabConfig c) {
    boolean embedded = c.embedded();
    String httpHost = c.getString(HeatlabConfig.HTTP_HOST);
    String reachableHttpHost =
        "0.0.0.0".equals(httpHost) || "::".equals(httpHost) ? LOOPBACK : httpHost;
    return new StackEndpoints(
        pick(
            embedded,
            c.getString(HeatlabConfig.KAFKA_BOOTSTRAP),
            String.join(",", loopbacks(c, HeatlabConfig.KAFKA_PORT, ""))),
        stripSlash(
            pick(
                embedded,
                c.getString(HeatlabConfig.CONNECT_URL),
                "http://" + LOOPBACK + ":" + c.getInt(HeatlabConfig.CONNECT_PORT))),
        stripSlash(
            pick(
                embedded,
                c.getString(HeatlabConfig.STORAGE_ENDPOINT),
                "http://" + LOOPBACK + ":" + c.getInt(HeatlabConfig.STORAGE_PORT))),
        stripSlash(
            pick(
                embedded,
                c.getString(HeatlabConfig.CLICKHOUSE_URL),
                "http://" + LOOPBACK + ":" + c.getInt(HeatlabConfig.CLICKHOUSE_HTTP_PORT))),
        "http://" + reachableHttpHost + ":" + c.getInt(HeatlabConfig.HTTP_PORT));
  }

  /** The object store of the stack's bucket (MinIO SDK), with the credentials of {@code c}. */
  public ObjectStore objectStore(HeatlabConfig c) {
    return MinioObjectStore.connect(
        storageEndpoint,
        c.getString(HeatlabConfig.STORAGE_REGION),
        c.getString(HeatlabConfig.STORAGE_ACCESS_KEY),
        c.secret(HeatlabConfig.STORAGE_SECRET_KEY),
        c.getString(HeatlabConfig.STORAGE_BUCKET));
  }

  /**
   * {@code prefix + 127.0.0.1:port} of every node of an embedded engine whose nodes listen on
   * {@code portKey} + n − 1 ({@link HeatlabConfig#portBlock}), node 1 first.
   */
  public static List<String> loopbacks(HeatlabConfig c, String portKey, String prefix) {
    int base = c.getInt(portKey);
    List<String> all = new ArrayList<>();
    for (int n = 0; n < c.portBlock(portKey); n++) {
      all.add(prefix + LOOPBACK + ":" + (base + n));
    }
    return all;
  }

  private static String pick(boolean embedded, String external, String local) {
    if (embedded) {
      return local;
    }
    if (external == null || external.isBlank()) {
      throw new IllegalArgumentException(
          "The compose profile needs every external endpoint set; one is empty"
              + " (kafka.bootstrap.servers, connect.url, storage.endpoint, clickhouse.url)");
    }
    return external;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
