package io.heatlab.cli;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.HourPartition;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.MinioObjectStore;
import io.heatlab.landing.ObjectStore;
import io.heatlab.landing.PartitionState;
import io.heatlab.stack.CommittedTail;
import io.heatlab.stack.ConsumerLag;
import io.heatlab.stack.OffsetsReset;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StorageClients;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "landing",
    mixinStandardHelpOptions = true,
    description = {
      "What the landing connector wrote: per-partition status (landed offset, lag in batch records,",
      "events written as rows, bytes, last flush),",
      "the hours and objects of the layout, and the hours that changed since a time;",
      "--reset-to moves the connector's offsets (a plan first; --yes applies it)."
    })
final class LandingCommand implements Callable<Integer> {
  @Mixin ProfileOptions options;

  @Option(
      names = "--hour",
      description = "List the objects of one event-time hour, e.g. 2026-11-25T10.")
  String hour;

  @Option(
      names = "--changed-since",
      converter = DurationConverter.class,
      description = "List the hours that received objects in the last DURATION, e.g. 2h.")
  Duration changedSince;

  @Option(
      names = "--reset-to",
      paramLabel = "TARGET",
      description = {
        "Move the landing connector's offsets to earliest, latest, or a time (ISO-8601, e.g.",
        "2026-12-07T06:00:00Z): prints what would be read again or skipped; with --yes the",
        "connector is stopped, moved (KIP-875) and resumed. A rewind rewrites the same objects."
      })
  String resetTo;

  @Option(names = "--yes", description = "Apply the --reset-to plan (without it: a dry run).")
  boolean yes;

  @Override
  public Integer call() throws Exception {
    HeatlabConfig config = options.load();
    try (Stack stack = RunningStack.require(config)) {
      ObjectStore store =
          new MinioObjectStore(
              StorageClients.minio(config, stack.endpoints()),
              config.getString(HeatlabConfig.STORAGE_BUCKET));
      LandingIndex index = new LandingIndex(store, new LandingLayout(LandingLayout.DEFAULT_PREFIX));
      if (resetTo != null) {
        return reset(config, stack, index);
      }
      if (hour != null) {
        for (ObjectStore.Entry o : index.objects(HourPartition.parse(hour))) {
          System.out.printf("%10d  %s  %s%n", o.size(), o.lastModified(), o.key());
        }
        return 0;
      }
      if (changedSince != null) {
        index.hoursChangedSince(Instant.now().minus(changedSince)).forEach(System.out::println);
        return 0;
      }
      status(config, stack, index);
      return 0;
    }
  }

  private int reset(HeatlabConfig config, Stack stack, LandingIndex index) throws Exception {
    OffsetsReset.Target target;
    try {
      target = OffsetsReset.Target.parse(resetTo);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()))) {
      OffsetsReset.Landing landing =
          OffsetsReset.Landing.of(config, stack.endpoints(), admin, index);
      List<OffsetsReset.Move> moves =
          yes ? landing.apply(target, System.out::println) : landing.plan(target);
      System.out.print(
          OffsetsReset.confirmation(
              "connector " + landing.connector() + " on " + landing.topic(), true, moves));
      System.out.println(
          yes ? "applied; the connector is running again" : "dry run: add --yes to apply");
      return 0;
    }
  }

  private static void status(HeatlabConfig config, Stack stack, LandingIndex index)
      throws Exception {
    String connector = config.getString(HeatlabConfig.LANDING_CONNECTOR);
    String topic = config.getString(HeatlabConfig.EVENTS_TOPIC);
    System.out.println(
        "connector " + connector + ": " + stack.nodes("connect").get(0).health().detail());
    try (Admin admin =
            Admin.create(Map.of("bootstrap.servers", stack.endpoints().kafkaBootstrap()));
        CommittedTail tail = new CommittedTail(stack.endpoints().kafkaBootstrap())) {
      ConsumerLag lag = ConsumerLag.landing(admin, tail, config, Duration.ofSeconds(30));
      Map<Integer, PartitionState> states = new HashMap<>();
      index.partitionStates(connector).forEach(s -> states.put(s.partition(), s));
      System.out.printf(
          "%-10s %12s %12s %8s %14s %14s  %s%n",
          "PARTITION", "END OFFSET", "LANDED", "LAG", "EVENTS WRITTEN", "BYTES", "LAST FLUSH");
      for (ConsumerLag.Partition p : lag.partitions()) {
        PartitionState s = states.get(p.partition());
        System.out.printf(
            "%-10s %12d %12s %8s %14s %14s  %s%n",
            topic + "-" + p.partition(),
            p.endOffset(),
            p.committed() == null ? "-" : p.committed(),
            p.committed() == null && p.endOffset() > 0 ? "?" : p.lag(),
            s == null ? "-" : s.recordsWritten(),
            s == null ? "-" : s.bytesWritten(),
            s == null || s.lastFlush() == 0 ? "-" : Instant.ofEpochMilli(s.lastFlush()));
      }
    }
    List<HourPartition> hours = index.hours();
    System.out.println(
        hours.size()
            + " hour(s) of landed objects (now written as "
            + config.getString(HeatlabConfig.LANDING_FORMAT)
            + ")"
            + (hours.isEmpty() ? "" : ", " + hours.get(0) + " … " + hours.get(hours.size() - 1)));
  }
}
