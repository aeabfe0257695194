package io.heatlab.cli;

import io.heatlab.config.HeatlabVersion;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code heatlab} command line, run by the {@code ./heatlab} launcher script at the repository
 * root (which also handles {@code ./heatlab test}: install what the machine lacks, then {@code mvn
 * -B verify}).
 */
@Command(
    name = "heatlab",
    mixinStandardHelpOptions = true,
    versionProvider = HeatlabCli.Version.class,
    description =
        "Self-hosted heatmap analytics: ingestion → Kafka → S3 landing → Spark rollups → ClickHouse → heatmaps.",
    subcommands = {
      UpCommand.class,
      StatusCommand.class,
      DownCommand.class,
      IngestCommand.class,
      TrafficCommand.class,
      LandingCommand.class,
      RollupCommand.class,
      RenderCommand.class,
      DemoCommand.class,
      ConfigCommand.class,
      KeysCommand.class,
      ScreensCommand.class,
      SparkHistoryCommand.class,
      DrillCommand.class
    },
    footer = {
      "",
      "Also: ./heatlab test — installs what this machine lacks and runs the whole test suite (mvn -B verify).",
      "Settings: ./heatlab config --describe; override any with HEATLAB_<KEY> environment variables."
    })
public final class HeatlabCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new HeatlabCli());
    // commands of other modules on the classpath (the developer's launcher has the bench module;
    // the image not)
    for (CommandPlugin plugin : ServiceLoader.load(CommandPlugin.class)) {
      cli.addSubcommand(plugin.command());
    }
    System.exit(
        cli.setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  if (e instanceof UserError || e instanceof IllegalArgumentException) {
                    cmd.getErr().println("heatlab " + cmd.getCommandName() + ": " + e.getMessage());
                    return 2;
                  }
                  throw e;
                })
            .execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"heatlab " + HeatlabVersion.get(), HeatlabVersion.runtime()};
    }
  }
}
