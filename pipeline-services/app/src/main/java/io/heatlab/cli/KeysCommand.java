package io.heatlab.cli;

import io.heatlab.config.ClientKeys;
import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.ContractRules;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heatlab keys new}: a fresh random key and where it goes. Configured keys are never printed
 * — only the one this command just made, which is the point of running it.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description =
        "Client keys: write keys (public, in pages) and read keys (secret, read heatmaps).",
    subcommands = {KeysCommand.New.class})
final class KeysCommand implements Runnable {
  @Override
  public void run() {
    System.out.println(
        "usage: " + HeatlabCommand.name() + " keys new --client C --kind read|write");
  }

  /** What a key lets its holder do. */
  enum Kind {
    read,
    write
  }

  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = "Print a fresh random key for a client and how to configure it.")
  static final class New implements Callable<Integer> {
    @Option(names = "--client", required = true, description = "The client_id the key is for.")
    String client;

    @Option(
        names = "--kind",
        required = true,
        description =
            "read (GET /v1/heatmap, the viewer; secret) or write (POST /v1/batches; public)")
    Kind kind;

    @Override
    public Integer call() {
      if (!ContractRules.Id.CLIENT.valid(client)) {
        throw new UserError(
            "--client '" + client + "' is not a client id: " + ContractRules.Id.CLIENT.rule());
      }
      String key = ClientKeys.newKey();
      String setting =
          kind == Kind.read ? HeatlabConfig.API_READ_KEYS : HeatlabConfig.INGEST_WRITE_KEYS;
      System.out.println(key);
      System.out.println();
      System.out.printf(
          "A %s key for client '%s'. Add it to %s, keeping the entries already there (a client may"
              + " hold several keys: remove the old one once nothing uses it):%n",
          kind, client, setting);
      System.out.printf(
          "  environment:  %s='<existing entries>,%s=%s'%n",
          ConfigLoader.envName(setting), client, key);
      System.out.printf("  config file:  %s=<existing entries>,%s=%s%n", setting, client, key);
      if (kind == Kind.read) {
        System.out.println(
            "Read keys are secret: send them only in 'Authorization: Bearer <key>' (GET /v1/heatmap);"
                + " the viewer takes one in its 'read key' field or as /viewer.html#key=<key>.");
      } else {
        System.out.printf(
            "Write keys are public — every page that embeds heatlab.js carries one; they only post"
                + " batches. The tag:%n  <script src=\"https://HOST/heatlab.js\" data-client=\"%s\""
                + " data-key=\"%s\" async></script>%nand the page's origin in %s (%s=https://www.example.com).%n",
            client, key, HeatlabConfig.INGEST_ORIGINS, client);
      }
      return 0;
    }
  }
}
