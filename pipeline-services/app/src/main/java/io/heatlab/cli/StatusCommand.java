package io.heatlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heatlab.config.HeatlabCommand;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import io.heatlab.stack.Supervisor;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Probe every part of the stack over its own protocol and print its state and address.",
      "Exit code 0 when every part is healthy, 1 when one is not, 3 when nothing runs."
    })
final class StatusCommand implements Callable<Integer> {
  static final int NOT_RUNNING = 3;

  @Mixin ProfileOptions options;

  @Option(
      names = "--json",
      description =
          "Print a JSON list: one {name, role, state, address, detail, pid, restarts} per part.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Stack stack = Stack.create(options.load())) {
      List<PartHealth> parts = stack.health();
      PrintStream out = System.out;
      if (json) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode list = mapper.createArrayNode();
        for (int i = 0; i < parts.size(); i++) {
          ObjectNode part = mapper.valueToTree(parts.get(i));
          part.put("role", stack.parts().get(i).role());
          list.add(part);
        }
        out.println(mapper.writeValueAsString(list));
      } else {
        print(parts, out);
      }
      boolean healthy = parts.stream().allMatch(PartHealth::fine);
      boolean nothing =
          parts.stream().noneMatch(PartHealth::healthy)
              && Supervisor.running(stack.layout()).isEmpty();
      if (nothing && !json) {
        out.println("heatlab stack is not running: start it with " + HeatlabCommand.name() + " up");
      }
      return healthy ? 0 : nothing ? NOT_RUNNING : 1;
    }
  }

  static void print(List<PartHealth> parts, PrintStream out) {
    out.printf("%-15s %-10s %-30s %s%n", "PART", "STATE", "ADDRESS", "DETAIL");
    for (PartHealth p : parts) {
      out.printf(
          "%-15s %-10s %-30s %s%s%n",
          p.name(),
          p.state().json(),
          p.address(),
          p.pid() == null ? "" : "pid " + p.pid() + ", ",
          p.detail());
    }
  }
}
