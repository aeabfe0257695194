package io.heatlab.bench;

import io.heatlab.cli.CommandPlugin;

/** Contributes {@code heatlab bench …} to the CLI. */
public final class BenchPlugin implements CommandPlugin {
  @Override
  public Object command() {
    return new BenchCommand();
  }
}
