package io.heatlab.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.contract.BatchRecord;
import io.heatlab.contract.LandedEvent;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator page in a real browser: headless Chromium (Debian's), driven by Playwright
 * (simulator-web/src/test/js/drive-simulator.mjs), moves the mouse over the screenshot and clicks;
 * every event the page counts as acknowledged is in Kafka with the contract's fields and sane
 * coordinates.
 */
class SimulatorBrowserIT {

  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static final Path WEB_MODULE =
      Path.of("..", "..", "simulator-web").toAbsolutePath().normalize();

  @Test
  void mouseMovesInChromiumArriveInKafka(HeatlabConfig config, StackEndpoints endpoints)
      throws Exception {
    assertThat(WEB_MODULE.resolve("node_modules/playwright-core"))
        .as("playwright-core is installed by ./heatlab test (npm ci in simulator-web)")
        .isDirectory();
    assertThat(Path.of("/usr/bin/chromium"))
        .as("Debian's chromium is installed by ./heatlab test")
        .exists();

    Process node =
        new ProcessBuilder(
                "node", "src/test/js/drive-simulator.mjs", endpoints.httpUrl(), "pricing", "40")
            .directory(WEB_MODULE.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String output =
        new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(node.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    JsonNode result = new ObjectMapper().readTree(output.substring(output.lastIndexOf('\n') + 1));
    int acked = result.get("acked").asInt();
    assertThat(acked).isGreaterThanOrEqualTo(40);
    assertThat(result.get("sent").asInt()).isEqualTo(acked);
    assertThat(result.get("failed").asInt()).isZero();

    List<LandedEvent> events = allEvents(endpoints, config.getString(HeatlabConfig.EVENTS_TOPIC));
    assertThat(events).hasSize(acked);
    assertThat(events)
        .allSatisfy(
            e -> {
              assertThat(e.clientId()).isEqualTo("demo");
              assertThat(e.screenId()).isEqualTo("pricing");
              assertThat(e.sessionId()).startsWith("s-");
              assertThat(e.xNorm()).isBetween(0.0, 1.0);
              assertThat(e.yNorm()).isBetween(0.0, 1.0);
              assertThat(e.viewportW()).isPositive();
            });
    assertThat(events)
        .filteredOn(e -> e.eventType().equals("click"))
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(events)
        .extracting(LandedEvent::xNorm)
        .as("moves spread over the image")
        .anySatisfy(x -> assertThat(x).isLessThan(0.4))
        .anySatisfy(x -> assertThat(x).isGreaterThan(0.6));
  }

  private static List<LandedEvent> allEvents(StackEndpoints endpoints, String topic)
      throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    List<LandedEvent> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          c.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      var end = c.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          events.addAll(BatchRecord.rowsOf(r.value())); // one record per batch (v2)
        }
      }
    }
    return events;
  }
}
