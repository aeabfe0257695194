package io.heatlab.cli;

/**
 * A {@code heatlab} subcommand that another module contributes (listed in its {@code
 * META-INF/services/io.heatlab.cli.CommandPlugin}): the CLI adds every one found on the classpath.
 * The bench module's {@code heatlab bench …} comes this way, so that the product's classpath does
 * not carry the benchmarks' baselines (DuckDB).
 */
public interface CommandPlugin {
  /** The picocli command object (annotated with {@code @Command}). */
  Object command();
}
