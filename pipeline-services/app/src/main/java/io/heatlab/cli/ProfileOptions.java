package io.heatlab.cli;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --profile} and {@code --config}, shared by every command that talks to the stack. */
public final class ProfileOptions {
  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description =
          "embedded (default: every part on this machine) or compose (external endpoints). Env: HEATLAB_PROFILE.")
  String profile;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Extra settings file layered over the profile. Env: HEATLAB_CONFIG.")
  Path config;

  public HeatlabConfig load() {
    return ConfigLoader.load(profile, config);
  }

  /** The same options as arguments, to hand to a child process. */
  public List<String> asArguments() {
    List<String> args = new ArrayList<>();
    if (profile != null) {
      args.add("--profile");
      args.add(profile);
    }
    if (config != null) {
      args.add("--config");
      args.add(config.toAbsolutePath().toString());
    }
    return args;
  }
}
