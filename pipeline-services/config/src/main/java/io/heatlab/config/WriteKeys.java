package io.heatlab.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Write keys per client, from the setting {@code ingest.write.keys} ({@code
 * client=key,client2=key2}). Keys are compared in constant time; they are never logged or printed.
 */
public final class WriteKeys {
  private final Map<String, byte[]> keyByClient;

  private WriteKeys(Map<String, byte[]> keyByClient) {
    this.keyByClient = keyByClient;
  }

  public static WriteKeys parse(String spec) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new IllegalArgumentException(
            "ingest.write.keys: expected client_id=key, got an entry without '=' or value");
      }
      keys.put(
          e.substring(0, eq).strip(), e.substring(eq + 1).strip().getBytes(StandardCharsets.UTF_8));
    }
    return new WriteKeys(keys);
  }

  /** The client a key belongs to, if any. */
  public Optional<String> clientOf(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Map.Entry<String, byte[]> e : keyByClient.entrySet()) {
      if (MessageDigest.isEqual(e.getValue(), given) && found == null) {
        found = e.getKey();
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The key of a client, for tools that post as that client (the traffic generator). Never log it.
   */
  public Optional<String> keyOf(String clientId) {
    return Optional.ofNullable(keyByClient.get(clientId))
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }
}
