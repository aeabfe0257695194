package io.heatlab.console.context;

import io.heatlab.assets.ScreenCatalog;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.landing.LandingIndex;
import io.heatlab.landing.LandingLayout;
import io.heatlab.landing.ObjectStore;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.olap.HeatmapWindows;
import io.heatlab.query.HeatmapService;
import io.heatlab.rollup.Rollups;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.screens.ScreenTraffic;
import io.heatlab.stack.PartHealth;
import io.heatlab.stack.SparkDriverPart;
import io.heatlab.stack.SparkProbe;
import io.heatlab.stack.Stack;
import io.heatlab.stack.StackException;
import io.heatlab.stack.Supervisor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every view of the console talks to: the stack (started by the console or attached to), and
 * one client per part, created on first use and shared — Kafka Admin, the object store (MinIO SDK),
 * ClickHouse JDBC, the rollup launcher (spark-launcher), the heatmap service — plus the executors
 * that keep every blocking call off the FX thread.
 *
 * <p>Lifecycle: {@link #open} (attach, or start the embedded stack and claim it as its supervisor)
 * → views use the clients → {@link #close} (stops the rollups it launched, closes clients, stops
 * the stack only if this console started it).
 */
public final class ConsoleContext implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleContext.class);

  private final HeatlabConfig config;
  private final Stack stack;
  private final boolean owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Registered only for a stack this console started; dropped again by {@link #close}. */
  private final Thread onSignal = new Thread(this::close, "heatlab-console-stack-stop");

  private final AutoCloseable claim;
  private final ExecutorService background =
      Executors.newCachedThreadPool(daemon("heatlab-console-io"));
  private final ScheduledExecutorService timers =
      Executors.newScheduledThreadPool(2, daemon("heatlab-console-timer"));
  private final Lazy<Admin> admin;
  private final Lazy<ObjectStore> store;
  private final Lazy<ClickHouseJdbc> jdbc;
  private final Lazy<Rollups> rollups;
  private final Lazy<HeatmapService> heatmaps;
  private final Lazy<ScreenCatalog> screens = new Lazy<>(ScreenCatalog::load);
  private final SparkProbe spark;

  private ConsoleContext(Stack stack, boolean owned, AutoCloseable claim) {
    this.stack = stack;
    this.config = stack.config();
    this.owned = owned;
    this.claim = claim;
    admin =
        new Lazy<>(
            () ->
                Admin.create(
                    Map.of(
                        "bootstrap.servers",
                        stack.endpoints().kafkaBootstrap(),
                        "request.timeout.ms",
                        "5000",
                        "default.api.timeout.ms",
                        "8000")));
    store = new Lazy<>(() -> stack.endpoints().objectStore(config));
    jdbc = new Lazy<>(() -> new ClickHouseJdbc(config, stack.endpoints()));
    rollups = new Lazy<>(() -> new Rollups(config, stack.endpoints()));
    heatmaps = new Lazy<>(() -> HeatmapService.of(config, stack.endpoints()));
    spark =
        SparkProbe.of(
            config,
            stack.endpoints(),
            () -> rollups.isCreated() ? rollups.get().inFlight() : List.of());
  }

  /** Attaches to a stack that is already running (its parts belong to someone else). */
  public static ConsoleContext attach(Stack stack) {
    return new ConsoleContext(stack, false, () -> {});
  }

  /**
   * The console's stack: on the embedded profile, when no supervisor runs for the data directory,
   * the console starts every part itself (progress to {@code listener}) and records itself as the
   * supervisor; otherwise it attaches to the running stack or the compose profile's endpoints.
   */
  public static ConsoleContext open(HeatlabConfig config, Stack.StartListener listener)
      throws StackException, IOException {
    Stack stack = Stack.create(config);
    Optional<ProcessHandle> supervisor = Supervisor.running(stack.layout());
    if (!config.embedded() || supervisor.isPresent()) {
      LOG.info(
          "attaching to the {} stack{}",
          config.profile(),
          supervisor.map(p -> " of supervisor pid " + p.pid()).orElse(""));
      return attach(stack);
    }
    AutoCloseable claim = Supervisor.claim(stack.layout());
    try {
      stack.start(listener);
    } catch (StackException e) {
      closeQuietly(claim);
      throw e;
    }
    stack.superviseRestarts(); // the console owns this stack: a part that dies is started again
    ConsoleContext owner = new ConsoleContext(stack, true, claim);
    // a console ended by a signal (kill, logout) stops its stack too, not only a closed window
    Runtime.getRuntime().addShutdownHook(owner.onSignal);
    return owner;
  }

  public HeatlabConfig config() {
    return config;
  }

  public Stack stack() {
    return stack;
  }

  /**
   * Every part's health — the stack's parts, then Spark (the launcher here, and the cluster if
   * there is one).
   */
  public List<PartHealth> health() {
    List<PartHealth> all = new ArrayList<>(stack.health());
    all.add(spark.health());
    return all;
  }

  /** Whether this console started the stack (and stops it on exit). */
  public boolean ownsStack() {
    return owned;
  }

  public ExecutorService background() {
    return background;
  }

  public ScheduledExecutorService timers() {
    return timers;
  }

  public Admin admin() {
    return admin.get();
  }

  public ObjectStore store() {
    return store.get();
  }

  public ClickHouseJdbc jdbc() {
    return jdbc.get();
  }

  public Rollups rollups() {
    return rollups.get();
  }

  public HeatmapWindows windows() {
    return new HeatmapWindows(jdbc());
  }

  public HeatmapService heatmaps() {
    return heatmaps.get();
  }

  /**
   * Where rollups run, in words: the warm Spark driver's state (warm, warming up, relaunching), or
   * that each run launches its own application. Probes the part: call off the FX thread.
   */
  public String sparkDriverState() {
    try {
      PartHealth h = stack.part(SparkDriverPart.NAME).health();
      return (h.state() == PartHealth.State.STOPPED
              ? "Spark: no warm driver running — "
              : "Spark, warm driver — ")
          + h.detail()
          + (h.pid() == null ? "" : " (pid " + h.pid() + ")");
    } catch (NoSuchElementException off) {
      return "Spark: each run launches its own application (rollup.driver.warm=false)";
    }
  }

  public LandingIndex landing() {
    return new LandingIndex(store(), new LandingLayout(LandingLayout.DEFAULT_PREFIX));
  }

  public ScreenCatalog screens() {
    return screens.get();
  }

  /** The screens registry (screenshots per client, screen and viewport class) in object storage. */
  public ScreenRegistry screenRegistry() {
    return new ScreenRegistry(store());
  }

  /** The screens with traffic, from the rollups. */
  public ScreenTraffic screenTraffic() {
    return new ScreenTraffic(jdbc());
  }

  /** Stops what this console started; once (the window's close and the shutdown hook both call). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (owned && Thread.currentThread() != onSignal) {
      try { // closed with its window: the JVM need not keep this context for its exit
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException e) {
        // the JVM is already exiting: the hook finds this context closed
      }
    }
    timers.shutdownNow();
    background.shutdownNow();
    rollups.ifCreated(Rollups::close); // stops a Spark application still running
    admin.ifCreated(Admin::close);
    heatmaps.ifCreated(HeatmapService::close); // pooled ClickHouse connections, before it stops
    if (owned) {
      LOG.info("stopping the stack this console started");
      stack.stop();
    } else {
      stack.stop(); // only releases probe clients: the parts belong to ./heatlab up
    }
    closeQuietly(claim);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {}: {}", c, e.toString());
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A client created on first use, by whichever background thread needs it first. */
  private static final class Lazy<T> {
    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
      this.factory = factory;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          if (value == null) {
            value = factory.get();
          }
          v = value;
        }
      }
      return v;
    }

    boolean isCreated() {
      return value != null;
    }

    void ifCreated(Consumer<T> action) {
      T v = value;
      if (v != null) {
        try {
          action.accept(v);
        } catch (RuntimeException e) {
          LOG.warn("closing a client: {}", e.toString());
        }
      }
    }
  }
}
