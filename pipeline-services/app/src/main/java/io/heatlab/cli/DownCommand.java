package io.heatlab.cli;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.stack.StackLayout;
import io.heatlab.stack.Supervisor;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the embedded stack: every part stops cleanly in reverse order; data is kept.",
      "Also stops children left behind by a stack process that was killed."
    })
final class DownCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Override
  public Integer call() {
    HeatlabConfig config = options.load();
    StackLayout layout = new StackLayout(config.dataDir());
    long t0 = System.nanoTime();
    boolean any = Supervisor.stop(layout, Duration.ofSeconds(120), System.out);
    if (any) {
      System.out.printf(
          "heatlab stack stopped in %.1f s (data kept in %s)%n",
          (System.nanoTime() - t0) / 1e9, layout.root());
    } else {
      System.out.println("heatlab stack is not running");
    }
    return 0;
  }
}
