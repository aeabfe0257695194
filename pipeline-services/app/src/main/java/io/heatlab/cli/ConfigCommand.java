package io.heatlab.cli;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.rollup.SparkSettings;
import io.heatlab.stack.StackArtifacts;
import io.heatlab.stack.StackException;
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
        "Print the effective settings (secrets hidden) and the paths they resolve to (data directory, servers' jars), or with --describe every setting with its default and doc.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--describe",
      description = "List every setting: name, environment variable, type, default, doc.")
  boolean describe;

  @Override
  public Integer call() throws StackException {
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
    System.out.println("# storage server jar: " + StackArtifacts.s3proxyJarPath(config));
    System.out.println("# Spark jars: " + SparkSettings.sparkJars(config));
    System.out.println("# rollup job jar: " + SparkSettings.jobJar(config));
    return 0;
  }
}
