package io.heatlab.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * What an operator does to the Connect worker's connectors through its REST API, as kafka-ui and
 * AKHQ do: read each connector's state and its tasks', pause, resume, restart (the connector and
 * its tasks). Every refusal is an {@link IOException} with Connect's own answer.
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

  private String send(String method, String path, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected && r.statusCode() != 200 && r.statusCode() != 204) {
      throw new IOException(
          "Connect answered " + r.statusCode() + " to " + method + " " + path + ": " + r.body());
    }
    return r.body();
  }
}
