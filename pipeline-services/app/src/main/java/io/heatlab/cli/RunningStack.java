package io.heatlab.cli;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import java.util.List;

/**
 * For commands that work against a running stack: its endpoints, or a clear message with the fix.
 */
public final class RunningStack {
  private RunningStack() {}

  /** The healthy stack of {@code config}, or a {@link UserError} saying how to start it. */
  public static Stack require(HeatlabConfig config) {
    Stack stack = Stack.create(config);
    List<PartHealth> health = stack.health();
    List<String> down =
        health.stream()
            .filter(h -> !h.fine())
            .map(h -> h.name() + " (" + h.detail() + ")")
            .toList();
    if (!down.isEmpty()) {
      stack.stop();
      throw new UserError(
          "the stack is not running or not healthy: "
              + String.join(", ", down)
              + "\n  start it with "
              + HeatlabCommand.name()
              + " up ("
              + HeatlabCommand.name()
              + " status shows each part)");
    }
    return stack;
  }
}
