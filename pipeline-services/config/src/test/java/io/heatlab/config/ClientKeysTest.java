package io.heatlab.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientKeysTest {
  @Test
  void aClientMayHoldSeveralKeysToRotateThem() {
    ClientKeys keys = ClientKeys.parse("api.read.keys", "acme=old-key, acme=new-key ,demo=d");
    assertThat(keys.clientOf("old-key")).hasValue("acme");
    assertThat(keys.clientOf("new-key")).hasValue("acme");
    assertThat(keys.clientOf("d")).hasValue("demo");
    assertThat(keys.clientOf("acme")).isEmpty();
    assertThat(keys.keyOf("acme")).hasValue("old-key");
    assertThat(keys.keyOf("nobody")).isEmpty();
  }

  @Test
  void aMalformedEntryNamesTheSettingButNeverShowsTheValue() {
    assertThatThrownBy(() -> ClientKeys.parse("api.read.keys", "acme=fine,s3cret-without-client"))
        .hasMessageStartingWith("api.read.keys: expected client_id=key")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void theProfilesKeepReadAndWriteKeysApart() {
    HeatlabConfig config = ConfigLoader.load("embedded", null, Map.of());
    assertThat(ClientKeys.write(config).clientOf("demo-write-key")).hasValue("demo");
    assertThat(ClientKeys.read(config).clientOf("demo-read-key")).hasValue("demo");
    assertThat(ClientKeys.read(config).clientOf("demo-write-key")).isEmpty();
  }

  @Test
  void newKeysAreLongRandomAndSafeInSettings() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String key = ClientKeys.newKey();
      assertThat(key).hasSize(43).matches("[A-Za-z0-9_-]+");
      assertThat(seen.add(key)).isTrue();
    }
  }
}
