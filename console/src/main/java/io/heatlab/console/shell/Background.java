package io.heatlab.console.shell;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * One piece of blocking work off the FX thread: its result applied on the FX thread, its error to a
 * {@link Failure}.
 */
public final class Background {
  private Background() {}

  public static <T> void run(
      Executor executor, Failure failure, String what, Callable<T> work, Consumer<T> onFx) {
    try {
      executor.execute(
          () -> {
            try {
              T value = work.call();
              failure.clear();
              Platform.runLater(() -> onFx.accept(value));
            } catch (Exception | LinkageError e) {
              failure.report(what, e);
            }
          });
    } catch (RejectedExecutionException closing) {
      // the console is closing
    }
  }
}
