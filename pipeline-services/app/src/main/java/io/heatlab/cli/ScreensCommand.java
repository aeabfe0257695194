package io.heatlab.cli;

import io.heatlab.config.HeatlabCommand;
import io.heatlab.config.HeatlabConfig;
import io.heatlab.contract.ViewportClass;
import io.heatlab.olap.ClickHouseJdbc;
import io.heatlab.screens.KnownScreen;
import io.heatlab.screens.PageCapture;
import io.heatlab.screens.ScreenRegistry;
import io.heatlab.screens.ScreenTraffic;
import io.heatlab.stack.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code heatlab screens list|add|capture}: the screens registry (screenshots per client, screen
 * and viewport class, in the stack's object storage) beside the screens that have traffic.
 */
@Command(
    name = "screens",
    mixinStandardHelpOptions = true,
    description =
        "The screens heatmaps are painted over: list them, add a screenshot, capture a page.",
    subcommands = {
      ScreensCommand.ListScreens.class,
      ScreensCommand.Add.class,
      ScreensCommand.Capture.class
    })
final class ScreensCommand implements Runnable {
  @Override
  public void run() {
    System.out.println(
        "usage: "
            + HeatlabCommand.name()
            + " screens list [--client C] | add --client C --screen S --screenshot FILE"
            + " | capture --client C --screen S --url URL   (--viewport desktop|tablet|mobile)");
  }

  /** The registry of the running stack. */
  static ScreenRegistry registry(HeatlabConfig config, Stack stack) {
    return new ScreenRegistry(stack.endpoints().objectStore(config));
  }

  static ViewportClass viewport(String id) {
    try {
      ViewportClass v = ViewportClass.of(id);
      if (v == ViewportClass.UNKNOWN) {
        throw new IllegalArgumentException("unknown is no layout");
      }
      return v;
    } catch (IllegalArgumentException e) {
      throw new UserError("--viewport '" + id + "': desktop, tablet or mobile");
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Every screen that has traffic (events of the last 7 days, last seen) or is registered,"
              + " and which screenshots it has or lacks.")
  static final class ListScreens implements Callable<Integer> {
    @Mixin ProfileOptions options;

    @Option(names = "--client", description = "Only this client's screens.")
    String client;

    @Override
    public Integer call() throws Exception {
      HeatlabConfig config = options.load();
      try (Stack stack = RunningStack.require(config)) {
        List<KnownScreen> all =
            KnownScreen.join(
                new ScreenTraffic(new ClickHouseJdbc(config, stack.endpoints()))
                    .list(client, Instant.now()),
                registry(config, stack).list(client));
        if (all.isEmpty()) {
          System.out.println(
              "no screen has traffic or is registered"
                  + (client == null ? "" : " for client '" + client + "'")
                  + ": send events (heatlab.js, "
                  + HeatlabCommand.name()
                  + " traffic) and roll them up, or add one"
                  + " with "
                  + HeatlabCommand.name()
                  + " screens add");
          return 0;
        }
        System.out.printf(
            "%-12s %-28s %12s  %-17s  %-8s %-8s %-8s  %s%n",
            "CLIENT", "SCREEN", "EVENTS (7d)", "LAST SEEN", "DESKTOP", "TABLET", "MOBILE", "URL");
        for (KnownScreen s : all) {
          System.out.printf(
              "%-12s %-28s %12s  %-17s  %-8s %-8s %-8s  %s%n",
              s.client(),
              s.screen(),
              s.traffic() == null ? "-" : String.format("%,d", s.events()),
              s.lastSeen().map(t -> t.toString().substring(0, 16).replace('T', ' ')).orElse("-"),
              shot(s, ViewportClass.DESKTOP),
              shot(s, ViewportClass.TABLET),
              shot(s, ViewportClass.MOBILE),
              s.url().orElse(""));
        }
        return 0;
      }
    }

    private static String shot(KnownScreen s, ViewportClass v) {
      return s.shot(v).map(shot -> shot.width() + "x" + shot.height()).orElse("missing");
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Register a screenshot (PNG or JPEG) of a screen for a viewport class.")
  static final class Add implements Callable<Integer> {
    @Mixin ProfileOptions options;

    @Option(names = "--client", required = true)
    String client;

    @Option(names = "--screen", required = true)
    String screen;

    @Option(names = "--screenshot", required = true, description = "A PNG or JPEG file.")
    Path file;

    @Option(
        names = "--viewport",
        defaultValue = "desktop",
        description = "desktop (default), tablet, mobile")
    String viewport;

    @Option(names = "--url", description = "The page's URL, kept with the screen.")
    String url;

    @Override
    public Integer call() throws Exception {
      HeatlabConfig config = options.load();
      ViewportClass v = viewport(viewport);
      if (!Files.isRegularFile(file)) {
        throw new UserError("--screenshot " + file + ": no such file");
      }
      byte[] image = Files.readAllBytes(file);
      try (Stack stack = RunningStack.require(config)) {
        ScreenRegistry.Shot shot =
            put(
                registry(config, stack),
                client,
                screen,
                v,
                image,
                "upload: " + file.getFileName(),
                url);
        System.out.printf(
            "%s/%s %s: %d×%d %s (%,d bytes) registered%n",
            client, screen, v.id(), shot.width(), shot.height(), shot.type(), shot.bytes());
      }
      return 0;
    }
  }

  @Command(
      name = "capture",
      mixinStandardHelpOptions = true,
      description =
          "Take a full-page screenshot of a URL with headless Chromium at the viewport class's width"
              + " and register it.")
  static final class Capture implements Callable<Integer> {
    @Mixin ProfileOptions options;

    @Option(names = "--client", required = true)
    String client;

    @Option(names = "--screen", required = true)
    String screen;

    @Option(names = "--url", required = true)
    String url;

    @Option(
        names = "--viewport",
        defaultValue = "desktop",
        description = "desktop (default), tablet, mobile")
    String viewport;

    @Option(names = "--out", description = "Also write the PNG to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
      HeatlabConfig config = options.load();
      ViewportClass v = viewport(viewport);
      try (Stack stack = RunningStack.require(config)) {
        System.out.printf("capturing %s at %d px wide…%n", url, v.captureWidth());
        long t0 = System.nanoTime();
        PageCapture.Captured page;
        try {
          page = PageCapture.defaults().capture(url, v);
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage());
        }
        if (out != null) {
          Files.write(out, page.png());
        }
        ScreenRegistry.Shot shot =
            put(registry(config, stack), client, screen, v, page.png(), "capture: " + url, url);
        System.out.printf(
            "%s/%s %s: %d×%d png (%,d bytes) captured in %.1f s and registered%n",
            client,
            screen,
            v.id(),
            shot.width(),
            shot.height(),
            shot.bytes(),
            (System.nanoTime() - t0) / 1e9);
      }
      return 0;
    }
  }

  private static ScreenRegistry.Shot put(
      ScreenRegistry registry,
      String client,
      String screen,
      ViewportClass v,
      byte[] image,
      String source,
      String url)
      throws Exception {
    try {
      return registry.putScreenshot(client, screen, v, image, source, url);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
