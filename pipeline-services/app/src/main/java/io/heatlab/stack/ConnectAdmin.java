package io.heatlab.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an operator does to the Connect worker's connectors through its REST API, as kafka-ui and
 * AKHQ do: read each connector's state and its tasks', pause, resume, restart (the connector and
 * its tasks), stop, and read or move a sink's offsets (KIP-875). Every refusal is an {@link
 * IOException} with Connect's own answer.
 */
public final class ConnectAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String url;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public ConnectAdmin(String connectUrl) {
    this.url = connectUrl;
  }

  /** One task: its id, state (RUNNING, PAUSED, FAILED, …), worker, and the trace when failed. */
  public record Task(int id, String state, String worker, String trace) {}

  /** One connector: its state, worker, type, and tasks. */
  public record Connector(String name, String state, String worker, String type, List<Task> tasks) {
    /** "RUNNING, tasks 2/2 running". */
    public String summary() {
      long running = tasks.stream().filter(t -> "RUNNING".equals(t.state())).count();
      return state + ", tasks " + running + "/" + tasks.size() + " running";
    }
  }

  /** Every connector with its status ({@code GET /connectors?expand=status}). */
  public List<Connector> connectors() throws IOException, InterruptedException {
    JsonNode all = JSON.readTree(send("GET", "/connectors?expand=status", 200));
    List<Connector> connectors = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode st = e.getValue().path("status");
      List<Task> tasks = new ArrayList<>();
      for (JsonNode t : st.path("tasks")) {
        tasks.add(
            new Task(
                t.path("id").asInt(),
                t.path("state").asText("?"),
                t.path("worker_id").asText(""),
                t.path("trace").asText("")));
      }
      connectors.add(
          new Connector(
              e.getKey(),
              st.path("connector").path("state").asText("?"),
              st.path("connector").path("worker_id").asText(""),
              st.path("type").asText(""),
              tasks));
    }
    return connectors;
  }

  /** Pauses a connector: its tasks stop consuming and keep their position. */
  public void pause(String name) throws IOException, InterruptedException {
    send("PUT", "/connectors/" + name + "/pause", 202);
  }

  public void resume(String name) throws IOException, InterruptedException {
    send("PUT", "/connectors/" + name + "/resume", 202);
  }

  /**
   * Restarts the connector and all its tasks ({@code POST
   * /connectors/<name>/restart?includeTasks=true}): a FAILED task runs again from its committed
   * position.
   */
  public void restart(String name) throws IOException, InterruptedException {
    send("POST", "/connectors/" + name + "/restart?includeTasks=true&onlyFailed=false", 202);
  }

  /**
   * Stops a connector (KIP-875, {@code PUT /connectors/<name>/stop}): its tasks are shut down and
   * its consumer group left empty, the state an offsets change requires; resume starts it again.
   */
  public void stop(String name) throws IOException, InterruptedException {
    send("PUT", "/connectors/" + name + "/stop", 204);
  }

  /** Waits until {@code name}'s state is {@code state} (RUNNING also needs every task running). */
  public void awaitState(String name, String state, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen = "?";
    while (System.nanoTime() < deadline) {
      for (Connector c : connectors()) {
        if (c.name().equals(name)) {
          seen = c.summary();
          boolean tasksOk =
              !"RUNNING".equals(state)
                  || (!c.tasks().isEmpty()
                      && c.tasks().stream().allMatch(t -> "RUNNING".equals(t.state())));
          if (c.state().equals(state) && tasksOk) {
            return;
          }
        }
      }
      Thread.sleep(200);
    }
    throw new IOException(
        "connector " + name + " did not reach " + state + " in " + timeout + " (now " + seen + ")");
  }

  /**
   * A sink connector's committed offsets on {@code topic} ({@code GET /connectors/<name>/offsets}),
   * partition → next offset to read; partitions without a commit are absent.
   */
  public Map<Integer, Long> offsets(String name, String topic)
      throws IOException, InterruptedException {
    JsonNode all = JSON.readTree(send("GET", "/connectors/" + name + "/offsets", 200));
    Map<Integer, Long> out = new TreeMap<>();
    for (JsonNode o : all.path("offsets")) {
      if (topic.equals(o.path("partition").path("kafka_topic").asText())) {
        out.put(
            o.path("partition").path("kafka_partition").asInt(),
            o.path("offset").path("kafka_offset").asLong());
      }
    }
    return out;
  }

  /**
   * Moves a STOPPED sink connector's offsets on {@code topic} ({@code PATCH
   * /connectors/<name>/offsets}, KIP-875); Connect refuses while the connector runs.
   */
  public void alterOffsets(String name, String topic, Map<Integer, Long> offsets)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("offsets");
    offsets.forEach(
        (p, o) -> {
          ObjectNode e = list.addObject();
          e.putObject("partition").put("kafka_topic", topic).put("kafka_partition", p);
          e.putObject("offset").put("kafka_offset", o);
        });
    send("PATCH", "/connectors/" + name + "/offsets", 200, JSON.writeValueAsString(body));
  }

  private String send(String method, String path, int expected)
      throws IOException, InterruptedException {
    return send(method, path, expected, null);
  }

  private String send(String method, String path, int expected, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected && r.statusCode() != 200 && r.statusCode() != 204) {
      throw new IOException(
          "Connect answered " + r.statusCode() + " to " + method + " " + path + ": " + r.body());
    }
    return r.body();
  }
}
