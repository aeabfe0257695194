package io.heatlab.cli;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description =
        "Print the effective settings (secrets hidden), or with --describe every setting with its default and doc.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--describe",
      description = "List every setting: name, environment variable, type, default, doc.")
  boolean describe;

  @Override
  public Integer call() {
    if (describe) {
      for (ConfigDef.ConfigKey key : HeatlabConfig.DEFINITION.configKeys().values()) {
        Object def = key.hasDefault() ? key.defaultValue : "(required)";
        if (key.type == ConfigDef.Type.PASSWORD && key.hasDefault()) {
          def = "[hidden]";
        }
        System.out.printf(
            "%s  (%s, %s, default: %s)%n    %s%n",
            key.name,
            ConfigLoader.envName(key.name),
            key.type.name().toLowerCase(),
            def,
            key.documentation);
      }
      return 0;
    }
    HeatlabConfig config = options.load();
    new TreeMap<>(config.values()).forEach((k, v) -> System.out.println(k + "=" + v));
    System.out.println("# data directory: " + config.dataDir());
    return 0;
  }
}
