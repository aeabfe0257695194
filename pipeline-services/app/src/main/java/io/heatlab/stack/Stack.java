package io.heatlab.stack;

import io.heatlab.config.HeatlabConfig;
import io.heatlab.config.StackEndpoints;
import io.heatlab.rollup.PublishedWindowsCheck;
import io.heatlab.screens.DemoScreens;
import io.heatlab.screens.ScreenRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * heatlab's stack: the five parts (see {@link StackPart} for the picture), started in dependency
 * order — independent parts in parallel — and stopped in reverse, likewise. The same class drives
 * the embedded profile (children supervised from here) and the compose profile (external endpoints
 * checked and provisioned).
 *
 * <p>Lifecycle: {@link #create} (resolves ports given as 0 to free ports) → {@link #start} (the
 * parts, then the self-check of the published rollup windows) → {@link #health()}… → {@link
 * #stop()}. A stack that is only {@link #create created} can still report {@link #health()} of
 * parts started by another process: that is how {@code heatlab status} works.
 */
public final class Stack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Stack.class);

  /** Progress of {@link #start}, called from start-up threads. */
  public interface StartListener {
    default void starting(StackPart part) {}

    default void started(PartHealth health, Duration took) {}

    /**
     * The published windows were checked against their runs once every part was up (and repaired if
     * needed).
     */
    default void checked(PublishedWindowsCheck.Report report) {}
  }

  private final HeatlabConfig config;
  private final StackLayout layout;
  private final StackEndpoints endpoints;
  private final List<StackPart> parts;
  private PartWatchdog watchdog;
  private final ExecutorService executor =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "heatlab-stack");
            t.setDaemon(true);
            return t;
          });

  private Stack(HeatlabConfig config) {
    this.config = config;
    this.layout = new StackLayout(config.dataDir());
    this.endpoints = StackEndpoints.of(config);
    List<StackPart> all = new ArrayList<>();
    for (int n = 1; n <= KafkaBrokerPart.names(config).size(); n++) {
      all.add(new KafkaBrokerPart(config, layout, endpoints, n));
    }
    all.add(new ObjectStoragePart(config, layout, endpoints));
    all.add(new ClickHousePart(config, layout, endpoints));
    for (int n = 1; n <= ConnectWorkerPart.names(config).size(); n++) {
      all.add(new ConnectWorkerPart(config, layout, endpoints, n));
    }
    all.addAll(SparkStandalonePart.all(config, layout, endpoints));
    if (config.getBoolean(HeatlabConfig.ROLLUP_DRIVER_WARM)) {
      all.add(new SparkDriverPart(config, layout, endpoints));
    }
    all.addAll(IngestInstancePart.all(config, layout));
    all.add(new HttpPart(config, endpoints, this::health));
    this.parts = List.copyOf(all);
  }

  /**
   * A stack for {@code config}; in the embedded profile every port set to 0 gets a free port now.
   */
  public static Stack create(HeatlabConfig config) {
    return new Stack(config.embedded() ? withFreePorts(config) : config);
  }

  private static HeatlabConfig withFreePorts(HeatlabConfig config) {
    Map<String, String> resolved = new LinkedHashMap<>();
    for (String key : HeatlabConfig.PORTS) {
      if (config.getInt(key) == 0) {
        resolved.put(key, String.valueOf(FreePorts.block(config.portBlock(key))));
      }
    }
    return resolved.isEmpty() ? config : config.with(resolved);
  }

  public HeatlabConfig config() {
    return config;
  }

  public StackLayout layout() {
    return layout;
  }

  public StackEndpoints endpoints() {
    return endpoints;
  }

  public List<StackPart> parts() {
    return parts;
  }

  /**
   * The nodes of one engine: the part named {@code engine} (one node, the embedded profile), or
   * {@code engine-1} … {@code engine-N} (the cluster profile), node 1 first.
   */
  public List<StackPart> nodes(String engine) {
    return parts.stream()
        .filter(p -> p.name().equals(engine) || p.name().matches(Pattern.quote(engine) + "-\\d+"))
        .toList();
  }

  public StackPart part(String name) {
    return parts.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("No stack part '" + name + "'"));
  }

  /**
   * Starts every part once its dependencies are healthy; returns when all are. If one fails, the
   * parts started so far are stopped and the first failure is thrown.
   */
  public void start(StartListener listener) throws StackException {
    Map<String, CompletableFuture<Void>> done = new HashMap<>();
    for (StackPart part : parts) {
      CompletableFuture<?>[] deps =
          part.dependsOn().stream().map(done::get).toArray(CompletableFuture[]::new);
      done.put(
          part.name(),
          CompletableFuture.allOf(deps).thenRunAsync(() -> startOne(part, listener), executor));
    }
    try {
      CompletableFuture.allOf(done.values().toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      stop();
      Throwable cause =
          e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
      if (cause instanceof StackException se) {
        throw se;
      }
      throw new StackException("Stack start failed: " + cause, cause);
    }
    selfCheck(listener);
    if (config.embedded()) {
      seedDemoScreens();
    }
  }

  /**
   * The demo client's screenshots in the screens registry (once; never replacing what an operator
   * registered). A failure is logged, never fatal: heatmaps then paint over a neutral grid.
   */
  private void seedDemoScreens() {
    try {
      int added = DemoScreens.seed(new ScreenRegistry(endpoints.objectStore(config)));
      if (added > 0) {
        LOG.info("registered {} demo screen(s) for client '{}'", added, DemoScreens.CLIENT);
      }
    } catch (Exception e) {
      LOG.warn("could not register the demo screens: {}", e.toString());
    }
  }

  /**
   * The start-up self-check ({@link PublishedWindowsCheck}): a ClickHouse that stopped or crashed
   * right after a rollup published may have brought the replaced parts back. It never fails the
   * start: a check that cannot run is logged, and the next start checks again.
   */
  private void selfCheck(StartListener listener) {
    try {
      listener.checked(PublishedWindowsCheck.of(config, endpoints).run());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("self-check of the published windows could not run: {}", e.toString());
    }
  }

  private void startOne(StackPart part, StartListener listener) {
    long t0 = System.nanoTime();
    listener.starting(part);
    try {
      part.start();
    } catch (StackException e) {
      throw new CompletionException(e);
    }
    listener.started(part.health(), Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Every part's health, probed in parallel. */
  public List<PartHealth> health() {
    List<CompletableFuture<PartHealth>> probes = new ArrayList<>();
    for (StackPart part : parts) {
      probes.add(CompletableFuture.supplyAsync(part::health, executor));
    }
    return probes.stream().map(CompletableFuture::join).toList();
  }

  public boolean healthy() {
    return health().stream().allMatch(PartHealth::fine);
  }

  /**
   * From now on, a child process of this stack that dies is started again ({@link PartWatchdog}:
   * back-off, at most 5 restarts in 10 minutes) until {@link #stop()}. For the stack's owner
   * ({@code heatlab up}, the console that started it); idempotent.
   */
  public synchronized void superviseRestarts() {
    if (watchdog == null) {
      List<ProcessPart> children =
          parts.stream()
              .filter(p -> p instanceof ProcessPart pp && pp.embedded())
              .map(p -> (ProcessPart) p)
              .toList();
      watchdog = new PartWatchdog(children).start();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Stops every part once the parts that depend on it have stopped (independent parts in parallel);
   * idempotent, never throws.
   */
  public void stop() {
    synchronized (this) {
      if (watchdog != null) {
        watchdog.close(); // no restart races the stop
        watchdog = null;
      }
    }
    hurryDependentsOfDeadParts();
    Map<String, CompletableFuture<Void>> stopped = new HashMap<>();
    List<StackPart> reverse = new ArrayList<>(parts);
    Collections.reverse(reverse);
    for (StackPart part : reverse) {
      CompletableFuture<?>[] dependents =
          parts.stream()
              .filter(p -> p.dependsOn().contains(part.name()))
              .map(p -> stopped.get(p.name()))
              .toArray(CompletableFuture[]::new);
      stopped.put(
          part.name(),
          CompletableFuture.allOf(dependents)
              .handle((ignored, failure) -> null)
              .thenRunAsync(() -> stopQuietly(part), executor));
    }
    CompletableFuture.allOf(stopped.values().toArray(CompletableFuture[]::new)).join();
  }

  /**
   * Tells every part that depends, directly or not, on a dead child process to stop quickly (e.g.
   * Connect when Kafka is dead: its clean shutdown would wait for the broker until killed).
   */
  private void hurryDependentsOfDeadParts() {
    Set<String> dead = new HashSet<>();
    for (StackPart p : parts) {
      if (p instanceof ProcessPart pp && pp.crashed()) {
        dead.add(p.name());
      }
    }
    boolean grew = !dead.isEmpty();
    while (grew) { // the dependents of dead parts, transitively
      grew = false;
      for (StackPart p : parts) {
        if (!dead.contains(p.name()) && p.dependsOn().stream().anyMatch(dead::contains)) {
          LOG.info("{} depends on a dead part: stopping it without waiting", p.name());
          p.hurry();
          dead.add(p.name());
          grew = true;
        }
      }
    }
  }

  private static void stopQuietly(StackPart part) {
    try {
      part.stop();
    } catch (RuntimeException e) {
      LOG.warn("Stopping {} failed: {}", part.name(), e.toString());
    }
  }
}
