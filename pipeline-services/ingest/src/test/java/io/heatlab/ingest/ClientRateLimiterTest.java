package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.config.ClientKeys;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {
  @Test
  void allowsOneSecondOfEventsThenRefusesWholeBatches() {
    ClientRateLimiter limiter = new ClientRateLimiter(1000);
    assertThat(limiter.tryAcquire("a", 600)).isTrue();
    assertThat(limiter.tryAcquire("a", 600)).isFalse();
    assertThat(limiter.tryAcquire("b", 600)).as("per client").isTrue();
  }

  @Test
  void zeroMeansNoLimit() {
    ClientRateLimiter limiter = new ClientRateLimiter(0);
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.tryAcquire("a", 1_000_000)).isTrue();
    }
  }

  @Test
  void writeKeysMapKeysToClientsAndNeverTheOtherWayRound() {
    ClientKeys keys = ClientKeys.parse("ingest.write.keys", "demo=demo-write-key, acme = s3cret ");
    assertThat(keys.clientOf("s3cret")).hasValue("acme");
    assertThat(keys.clientOf("demo-write-key")).hasValue("demo");
    assertThat(keys.clientOf("nope")).isEmpty();
  }
}
