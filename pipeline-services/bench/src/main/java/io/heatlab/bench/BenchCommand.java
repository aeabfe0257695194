package io.heatlab.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code heatlab bench …}: benchmarks print their figures and ratios; they never fail on a time.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchIngestCommand.class,
      BenchLandingCommand.class,
      BenchRollupCommand.class,
      BenchQueryCommand.class,
      BenchSoakCommand.class
    },
    description =
        "Benchmarks against the running stack; each prints its figures and the ratio to a raw baseline.")
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
