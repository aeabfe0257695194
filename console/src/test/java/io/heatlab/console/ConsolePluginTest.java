package io.heatlab.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code heatlab console …} hands the console its options in the order they were given. */
class ConsolePluginTest {
  @Test
  void theConsolesOptionsKeepTheirOrderAndPairs() {
    ConsolePlugin.ConsoleCommand command = new ConsolePlugin.ConsoleCommand();
    new CommandLine(command).parseArgs("--profile", "compose", "--theme", "dark", "--tour=/tmp/t");
    assertThat(command.arguments)
        .containsExactly("--profile", "compose", "--theme", "dark", "--tour=/tmp/t");
    assertThat(ConsoleMain.named(command.arguments.toArray(String[]::new)))
        .containsExactly("--profile=compose", "--theme=dark", "--tour=/tmp/t");
  }
}
