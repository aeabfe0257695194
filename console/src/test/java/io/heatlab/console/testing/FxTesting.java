package io.heatlab.console.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.Parent;
import javafx.scene.Scene;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The JavaFX toolkit for a model's unit test (headless Monocle, as the surefire configuration
 * sets), and waits for what the model hands to the FX thread. No stage is shown.
 */
public final class FxTesting {
  private FxTesting() {}

  /** Starts the toolkit once per JVM. */
  public static void startToolkit() throws TimeoutException {
    FxToolkit.registerPrimaryStage();
  }

  /** Waits until {@code condition} holds (polled; FX events are flushed before each poll). */
  public static void await(Callable<Boolean> condition) throws TimeoutException {
    WaitForAsyncUtils.waitFor(
        30,
        TimeUnit.SECONDS,
        () -> {
          WaitForAsyncUtils.waitForFxEvents();
          return condition.call();
        });
  }

  /** Runs {@code action} on the FX thread, as a view's handler does, and waits for it. */
  public static void run(Runnable action) throws TimeoutException {
    try {
      WaitForAsyncUtils.asyncFx(action).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Puts a view's root in a scene (no stage) and lays it out, so its controls have skins and {@link
   * Parent#lookup} finds nodes inside split and tab panes (again after a tab changes). Call on the
   * FX thread.
   */
  public static Parent laidOut(Parent root) {
    if (root.getScene() == null) {
      new Scene(root, 1280, 800);
    }
    root.applyCss();
    root.resize(1280, 800); // no window lays the scene out: size the root as one would
    root.layout();
    return root;
  }

  /** The node {@code selector} finds under {@code root}, as the type the caller expects. */
  @SuppressWarnings("unchecked")
  public static <T> T lookup(Parent root, String selector) {
    return (T) root.lookup(selector);
  }

  /** Runs everything queued for the FX thread so far. */
  public static void flush() {
    WaitForAsyncUtils.waitForFxEvents();
  }
}
