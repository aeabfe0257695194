package io.heatlab.cli;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.rollup.SparkHistory;
import io.heatlab.rollup.SparkSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "spark-history",
    mixinStandardHelpOptions = true,
    description = {
      "Spark's history server over the rollups' event logs (<data>/spark/events), on",
      "127.0.0.1:<rollup.spark.history.port> (18090), in the foreground until Ctrl-C:",
      "what each run did — jobs, stages, SQL plans, task times. The console's Rollups view",
      "links finished runs to it; a run in progress links to the warm driver's own Spark UI."
    })
final class SparkHistoryCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    if (SparkHistory.answers(config)) {
      System.out.println("a Spark history server already answers at " + SparkHistory.url(config));
      return 0;
    }
    ProcessBuilder pb = SparkHistory.process(config).inheritIO();
    System.out.println(
        "Spark history server at "
            + SparkHistory.url(config)
            + " over "
            + SparkSettings.eventLogDir(config)
            + " (Ctrl-C stops it)");
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
    return p.waitFor();
  }
}
