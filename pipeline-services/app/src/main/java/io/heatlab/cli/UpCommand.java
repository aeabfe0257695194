package io.heatlab.cli;

import io.heatlab.config.ConfigLoader;
import io.heatlab.config.HeatlabCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.stack.JavaCommand;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackLayout;
import io.heatlab.stack.Supervisor;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start the stack — Kafka broker, Connect worker, S3 storage, ClickHouse, HTTP — in the background",
      "and return once every part is healthy, printing each part's address and the start-up time."
    })
final class UpCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--foreground",
      description = "Stay attached: run the stack in this process until Ctrl-C.")
  boolean foreground;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.loadForServing();
    StackLayout layout = new StackLayout(config.dataDir());
    Optional<ProcessHandle> running = Supervisor.running(layout);
    if (running.isPresent()) {
      System.out.println(
          "heatlab stack is already running (pid "
              + running.get().pid()
              + ", data "
              + layout.root()
              + "): "
              + HeatlabCommand.name()
              + " status shows it, "
              + HeatlabCommand.name()
              + " down stops it");
      return 0;
    }
    // children left by a supervisor that was killed: stop them first, so that what follows probes
    // new ones
    Supervisor.stop(layout, Duration.ofSeconds(30), System.out);
    Stack stack = Stack.create(config);
    if (foreground) {
      return Supervisor.runForeground(stack, System.out);
    }
    return startDetached(stack, layout);
  }

  /** Spawns the supervisor in its own session and follows its progress by probing the parts. */
  private int startDetached(Stack stack, StackLayout layout) throws Exception {
    Files.createDirectories(layout.logDir());
    Path log = layout.supervisorLog();
    List<String> cmd = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute()) {
      cmd.add("/usr/bin/setsid"); // a closed terminal must not take the stack down with it
    }
    cmd.add(JavaCommand.javaBinary());
    cmd.add("-Xmx512m");
    cmd.add("-Dheatlab.home=" + System.getProperty("heatlab.home", ""));
    cmd.add("-Dheatlab.installed=" + Boolean.getBoolean("heatlab.installed"));
    cmd.add("-Dheatlab.command=" + HeatlabCommand.name()); // what its messages tell to type
    cmd.add("-Dheatlab.data.dir=" + layout.root());
    cmd.add("-Dheatlab.log.level=INFO");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(HeatlabCli.class.getName());
    cmd.add("up");
    cmd.add("--foreground");
    cmd.addAll(options.asArguments());
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // ports resolved here (0 = free port) and the data directory are the ones the supervisor uses
    builder
        .environment()
        .put(ConfigLoader.envName(HeatlabConfig.DATA_DIR), layout.root().toString());
    for (String key : HeatlabConfig.PORTS) {
      builder
          .environment()
          .put(ConfigLoader.envName(key), String.valueOf(stack.config().getInt(key)));
    }
    System.out.println(
        "heatlab: starting the "
            + stack.config().profile()
            + " stack (data "
            + layout.root()
            + ", log "
            + log
            + ")");
    long t0 = System.nanoTime();
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    Process supervisor = builder.start();
    long timeoutNanos = stack.config().getLong(HeatlabConfig.STACK_START_TIMEOUT_MS) * 2_000_000L;
    Set<String> reported = new HashSet<>();
    try {
      while (System.nanoTime() - t0 < timeoutNanos) {
        if (!supervisor.isAlive()) {
          System.out.println(
              "heatlab: the stack did not start (exit code "
                  + supervisor.exitValue()
                  + "). Last lines of "
                  + log
                  + ":\n"
                  + StackLayout.tail(log, 25));
          return 1;
        }
        List<PartHealth> health = stack.health();
        for (PartHealth h : health) {
          if (h.healthy() && reported.add(h.name())) {
            System.out.printf(
                "  %-15s healthy  %-28s after %5.1f s%n",
                h.name(), h.address(), (System.nanoTime() - t0) / 1e9);
          }
        }
        if (reported.size() == health.size() && Supervisor.running(layout).isPresent()) {
          printSelfCheck(log, logStart, supervisor);
          System.out.printf(
              "heatlab stack is up in %.1f s (supervisor pid %d). %s status · %s down%n",
              (System.nanoTime() - t0) / 1e9,
              supervisor.pid(),
              HeatlabCommand.name(),
              HeatlabCommand.name());
          return 0;
        }
        Thread.sleep(250);
      }
      System.out.println(
          "heatlab: the stack is still not healthy; it keeps trying in the background. See "
              + log
              + " and "
              + HeatlabCommand.name()
              + " status; "
              + HeatlabCommand.name()
              + " down stops it.");
      return 1;
    } finally {
      stack.stop(); // closes this process's probe clients; the supervisor owns the parts
    }
  }

  /**
   * The start-up self-check's report, as the supervisor logs it once every part is up (what it
   * checked, and each window it repaired); waits for it at most a minute.
   */
  private static void printSelfCheck(Path log, long logStart, Process supervisor) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline && supervisor.isAlive()) {
      List<String> lines = newLines(log, logStart);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith("heatlab: self-check: ")) {
          System.out.println("  " + lines.get(i).substring("heatlab: ".length()));
          for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("heatlab:   "); j++) {
            System.out.println("  " + lines.get(j).substring("heatlab: ".length()));
          }
          return;
        }
        if (lines.get(i).contains("self-check of the published windows could not run")) {
          System.out.println("  self-check could not run (see " + log + ")");
          return;
        }
      }
      Thread.sleep(250);
    }
  }

  private static List<String> newLines(Path log, long from) throws Exception {
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(Math.min(from, Files.size(log)));
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
