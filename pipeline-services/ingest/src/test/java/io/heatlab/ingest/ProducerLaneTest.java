package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heatlab.contract.BatchParser;
import io.heatlab.contract.BatchRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A producer lane outlives an {@link Error} thrown by its Kafka client: the batch it was writing is
 * answered as failed, the lane reports itself down while it rests, then takes batches again with a
 * new producer (Kafka's MockProducer, transactions included).
 */
class ProducerLaneTest {

  private static BatchRecord batch(String id) throws Exception {
    long now = System.currentTimeMillis();
    String json =
        ("{\"client_id\":\"demo\",\"batch_id\":\"%s\",\"screen_id\":\"pricing\",\"session_id\":\"s\","
                + "\"viewport\":{\"w\":1440,\"h\":900},\"events\":[{\"t\":%d,\"x\":0.5,\"y\":0.5,\"type\":\"move\"}]}")
            .formatted(id, now);
    return new BatchParser(BatchParser.Limits.DEFAULT, Clock.systemUTC())
        .parse(json.getBytes(StandardCharsets.UTF_8), now)
        .batch();
  }

  @Test
  void anErrorFromTheClientFailsItsBatchAndTheLaneComesBackWithANewProducer() throws Exception {
    AtomicInteger made = new AtomicInteger();
    AtomicBoolean closing = new AtomicBoolean();
    ProducerLane lane =
        new ProducerLane(
            "test-lane-0",
            new Properties(),
            "heatmap.batches",
            closing::get,
            new ProducerLane.Doubts(new AtomicLong(), new AtomicLong()),
            settings -> {
              boolean first = made.incrementAndGet() == 1;
              return new MockProducer<>(
                  true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                @Override
                public synchronized Future<RecordMetadata> send(
                    ProducerRecord<byte[], byte[]> record) {
                  if (first) {
                    throw new StackOverflowError("the client broke");
                  }
                  return super.send(record);
                }
              };
            },
            Duration.ofSeconds(3));
    try {
      ProducerLane.Job broken = new ProducerLane.Job(batch("b-1"), new CompletableFuture<>());
      lane.queue.add(broken);
      assertThat(broken.result())
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .withMessageContaining("the producer failed unexpectedly")
          .withMessageContaining("the client broke");
      assertThat(lane.restarts.get()).isEqualTo(1);
      assertThat(lane.thread.isAlive()).as("the lane's thread survived the Error").isTrue();
      assertThat(lane.up()).as("reported down while it rests (3 s)").isFalse();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!lane.up() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(lane.up()).as("the lane takes batches again after its rest").isTrue();
      ProducerLane.Job next = new ProducerLane.Job(batch("b-2"), new CompletableFuture<>());
      lane.queue.add(next);
      assertThat(next.result()).succeedsWithin(Duration.ofSeconds(10));
      assertThat(made.get()).as("a new producer after the failure").isEqualTo(2);
    } finally {
      closing.set(true);
      lane.thread.join(10_000);
    }
  }
}
