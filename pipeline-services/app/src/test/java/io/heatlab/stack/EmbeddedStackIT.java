package io.heatlab.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.Migrations;
import io.heatlab.stack.testing.EmbeddedStackExtension;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test fixture's own test: every part of the real embedded stack answers its own protocol. */
class EmbeddedStackIT {

  @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void createsTheEventsTopicWithConfiguredPartitions(StackEndpoints endpoints, HeatlabConfig config)
      throws Exception {
    String topic = config.getString(HeatlabConfig.EVENTS_TOPIC);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrap()))) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      assertThat(description.partitions()).hasSize(6);
    }
  }

  @Test
  void producesAndConsumesARecord(StackEndpoints endpoints, HeatlabConfig config) throws Exception {
    String topic = config.getString(HeatlabConfig.EVENTS_TOPIC);
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // KAFKA-15591, docs/FACTS.md
    RecordMetadata sent;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      sent =
          producer
              .send(new ProducerRecord<>(topic, "demo|landing", "{\"hello\":\"kafka\"}"))
              .get(30, TimeUnit.SECONDS);
    }

    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, sent.partition());
      consumer.assign(List.of(partition));
      consumer.seek(partition, sent.offset());
      List<ConsumerRecord<String, String>> received = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (received.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(received::add);
      }
      assertThat(received)
          .first()
          .satisfies(
              r -> {
                assertThat(r.key()).isEqualTo("demo|landing");
                assertThat(r.value()).isEqualTo("{\"hello\":\"kafka\"}");
              });
    }
  }

  @Test
  void putsListsAndGetsAnObjectThroughTheMinioSdk(HeatlabConfig config, StackEndpoints endpoints)
      throws Exception {
    MinioClient minio = StorageClients.minio(config, endpoints);
    String bucket = config.getString(HeatlabConfig.STORAGE_BUCKET);
    assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())).isTrue();

    byte[] body = "{\"x_norm\":0.5}\n".getBytes(StandardCharsets.UTF_8);
    minio.putObject(
        PutObjectArgs.builder().bucket(bucket).object("it/dt=2026-11-25/hour=10/a.jsonl").stream(
                new ByteArrayInputStream(body), body.length, -1)
            .contentType("application/x-ndjson")
            .build());

    List<String> names = new ArrayList<>();
    for (Result<Item> item :
        minio.listObjects(
            ListObjectsArgs.builder().bucket(bucket).prefix("it/dt=2026-11-25/hour=10/").build())) {
      names.add(item.get().objectName());
    }
    assertThat(names).containsExactly("it/dt=2026-11-25/hour=10/a.jsonl");
    try (InputStream in =
        minio.getObject(
            GetObjectArgs.builder()
                .bucket(bucket)
                .object("it/dt=2026-11-25/hour=10/a.jsonl")
                .build())) {
      assertThat(in.readAllBytes()).isEqualTo(body);
    }
  }

  @Test
  void storageRejectsAWrongSecret(HeatlabConfig config, StackEndpoints endpoints) {
    MinioClient wrong =
        MinioClient.builder()
            .endpoint(endpoints.storageEndpoint())
            .credentials(config.getString(HeatlabConfig.STORAGE_ACCESS_KEY), "not-the-secret")
            .build();
    Assertions.assertThatThrownBy(wrong::listBuckets).isInstanceOf(ErrorResponseException.class);
  }

  @Test
  void createsInsertsAndSelectsOverClickHouseJdbc(HeatlabConfig config, StackEndpoints endpoints)
      throws Exception {
    ClickHouseJdbc jdbc = new ClickHouseJdbc(config, endpoints);
    try (Connection c = jdbc.connect()) {
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TABLE IF NOT EXISTS it_cells (screen_id String, cell_x UInt16, count UInt64)"
                + " ENGINE = MergeTree ORDER BY (screen_id, cell_x)");
      }
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO it_cells (screen_id, cell_x, count) VALUES (?, ?, ?)")) {
        for (int x = 0; x < 10; x++) {
          insert.setString(1, "pricing");
          insert.setInt(2, x);
          insert.setLong(3, x * 10L);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count() AS n, sum(count) AS total FROM it_cells WHERE screen_id = 'pricing'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong("n")).isEqualTo(10);
        assertThat(rs.getLong("total")).isEqualTo(450);
      }
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count() FROM system.tables WHERE database = '"
                      + jdbc.database()
                      + "' AND name = 'schema_migrations'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as("migrations table created on start").isEqualTo(1);
      }
    }
  }

  @Test
  void appliesEachMigrationOnceAndRecordsIt(HeatlabConfig config, StackEndpoints endpoints)
      throws Exception {
    ClickHouseJdbc jdbc =
        new ClickHouseJdbc(
            endpoints.clickhouseUrl(),
            "heatlab_migration_test",
            config.getString(HeatlabConfig.CLICKHOUSE_USER),
            config.secret(HeatlabConfig.CLICKHOUSE_PASSWORD));
    Migrations migrations = new Migrations(jdbc, "db/test-migrations");

    assertThat(migrations.apply()).extracting(Migrations.Migration::version).containsExactly(1, 2);
    assertThat(migrations.apply()).as("second run applies nothing").isEmpty();
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sum(count) FROM mig_cells")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(7);
    }
  }

  @Test
  void connectRestApiListsConnectors(StackEndpoints endpoints) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(endpoints.connectUrl() + "/connectors")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(response.body()).isArray()).isTrue();
  }

  @Test
  void healthzIsOkWithEveryPartHealthy(StackEndpoints endpoints) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(endpoints.httpUrl() + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(response.body());
    assertThat(body.get("status").asText()).isEqualTo("healthy");
    List<String> names = new ArrayList<>();
    body.get("parts")
        .forEach(
            p -> {
              names.add(p.get("name").asText());
              assertThat(p.get("state").asText()).as(p.toString()).isEqualTo("healthy");
            });
    assertThat(names)
        .containsExactlyInAnyOrder("kafka", "connect", "storage", "clickhouse", "http");
  }

  @Test
  void healthzTurnsUnhealthyWhenAPartDiesAndBackWhenItRestarts(
      Stack stack, StackEndpoints endpoints) throws Exception {
    StackPart storage = stack.part("storage");
    storage.kill();
    HttpResponse<String> down =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(endpoints.httpUrl() + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(stack.part("storage").health().state()).isEqualTo(PartHealth.State.STOPPED);

    storage.start();
    assertThat(stack.healthy()).isTrue();
  }
}
