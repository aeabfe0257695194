package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void batchesAreAdmittedUntilTheEventsInFlightWouldPassTheBound() {
    Admission admission = new Admission(100, Duration.ofSeconds(10).toNanos());
    assertThat(admission.admit(60)).isNull();
    Admission.Ticket first = admission.enter(60);
    assertThat(admission.admit(40)).isNull();
    assertThat(admission.admit(41)).isEqualTo(Admission.Refusal.AT_CAPACITY);
    first.exit(false);
    assertThat(admission.admit(100)).as("settled batches leave the bound").isNull();
  }

  @Test
  void anOldBatchStillInFlightMeansKafkaIsNotAcking() throws Exception {
    Admission admission = new Admission(1_000, Duration.ofMillis(20).toNanos());
    Admission.Ticket stuck = admission.enter(1);
    Thread.sleep(40);
    assertThat(admission.admit(1)).isEqualTo(Admission.Refusal.KAFKA_UNAVAILABLE);
    stuck.exit(false);
    assertThat(admission.admit(1)).isNull();
  }

  @Test
  void afterAFailedBatchOneProbeASecondGoesThrough() {
    Admission admission = new Admission(1_000, Duration.ofSeconds(10).toNanos());
    admission.enter(1).exit(true);
    assertThat(admission.admit(1)).as("the probe").isNull();
    assertThat(admission.admit(1))
        .as("then nothing until a second passed")
        .isEqualTo(Admission.Refusal.KAFKA_UNAVAILABLE);
    admission.enter(1).exit(false);
    assertThat(admission.admit(1)).as("a batch went through: admission resumes").isNull();
  }
}
