package io.heatlab.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One kind of key per client, from a setting written {@code client=key,client2=key2}: the write
 * keys of {@code ingest.write.keys} (public: every page that embeds heatlab.js carries one) or the
 * read keys of {@code api.read.keys} (secret: they read heatmaps). A client may have several keys
 * of a kind — repeat the client ({@code acme=old,acme=new}) to rotate one without downtime. Keys
 * are compared in constant time; they are never logged or printed.
 */
public final class ClientKeys {
  /** A key and the client it belongs to. */
  private record Entry(String client, byte[] key) {}

  private final String setting;
  private final List<Entry> entries;

  private ClientKeys(String setting, List<Entry> entries) {
    this.setting = setting;
    this.entries = entries;
  }

  /** The write keys of {@code config} ({@code ingest.write.keys}). */
  public static ClientKeys write(HeatlabConfig config) {
    return parse(HeatlabConfig.INGEST_WRITE_KEYS, config.secret(HeatlabConfig.INGEST_WRITE_KEYS));
  }

  /** The read keys of {@code config} ({@code api.read.keys}). */
  public static ClientKeys read(HeatlabConfig config) {
    return parse(HeatlabConfig.API_READ_KEYS, config.secret(HeatlabConfig.API_READ_KEYS));
  }

  /**
   * Parses {@code spec}, the value of {@code setting}. A malformed entry is refused with the
   * setting's name and never its value.
   */
  public static ClientKeys parse(String setting, String spec) {
    return new ClientKeys(
        setting,
        ClientEntries.parse(setting, spec, "key").stream()
            .map(e -> new Entry(e.client(), e.value().getBytes(StandardCharsets.UTF_8)))
            .toList());
  }

  /** The setting these keys come from. */
  public String setting() {
    return setting;
  }

  /** The client a key belongs to, if any (every entry is compared, in constant time). */
  public Optional<String> clientOf(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.key(), given) && found == null) {
        found = e.client();
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * A key of a client (its first), for tools that act as that client (the traffic generator, the
   * viewer link). Never log it.
   */
  public Optional<String> keyOf(String clientId) {
    return entries.stream()
        .filter(e -> e.client().equals(clientId))
        .findFirst()
        .map(e -> new String(e.key(), StandardCharsets.UTF_8));
  }

  /**
   * A fresh random key: 32 bytes from {@link SecureRandom}, base64url without padding (43
   * characters, safe in headers, URLs and the settings' comma-separated lists).
   */
  public static String newKey() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
