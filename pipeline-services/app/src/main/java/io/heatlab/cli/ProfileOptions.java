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
          "embedded (default: every part on this machine), cluster (the production topology on this machine: several nodes of each engine) or compose (external endpoints). Env: HEATLAB_PROFILE.")
  String profile;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Extra settings file layered over the profile. Env: HEATLAB_CONFIG.")
  Path config;

  public HeatlabConfig load() {
    return ConfigLoader.load(profile, config);
  }

  /**
   * The profile's settings for a command that serves the stack (up): a profile whose parts run
   * elsewhere (compose) is refused while a secret is empty, short or a placeholder — such a
   * deployment's ports are reachable by others.
   */
  public HeatlabConfig loadForServing() {
    HeatlabConfig c = load();
    return refuseWeak(c, c.weakSecrets());
  }

  /** The profile's settings for the ingestion service alone (its own secrets checked). */
  public HeatlabConfig loadForIngesting() {
    HeatlabConfig c = load();
    return refuseWeak(c, c.weakIngestSecrets());
  }

  private static HeatlabConfig refuseWeak(HeatlabConfig c, List<String> weak) {
    if (!weak.isEmpty()) {
      throw new UserError(
          "refusing to serve with weak secrets: "
              + String.join("; ", weak)
              + ". Set each to a random value of "
              + HeatlabConfig.MIN_SECRET_LENGTH
              + "+ characters (e.g. openssl rand -hex 24) in the environment (HEATLAB_…) or the"
              + " profile's file; compose: compose/.env.");
    }
    return c;
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
