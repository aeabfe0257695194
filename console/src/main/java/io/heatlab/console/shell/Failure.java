package io.heatlab.console.shell;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The last error of a model's background work, with what to do about it: a message (the cause, in
 * words) and a retry action. Empty message = no error. {@link ErrorBanner} shows it; any thread may
 * report.
 */
public final class Failure {
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
  private final Runnable retry;

  public Failure(Runnable retry) {
    this.retry = retry;
  }

  public void report(String what, Throwable error) {
    String text = what + ": " + describe(error);
    onFx(() -> message.set(text));
  }

  public void clear() {
    onFx(() -> message.set(""));
  }

  public void retry() {
    clear();
    retry.run();
  }

  public ReadOnlyStringProperty message() {
    return message.getReadOnlyProperty();
  }

  /** The innermost useful message of an exception chain: the cause an operator can act on. */
  public static String describe(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null
        && t.getCause() != t
        && (t.getMessage() == null
            || t instanceof ExecutionException
            || t instanceof CompletionException
            || t.getMessage().equals(t.getCause().toString()))) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  static void onFx(Runnable r) {
    if (Platform.isFxApplicationThread()) {
      r.run();
    } else {
      Platform.runLater(r);
    }
  }
}
