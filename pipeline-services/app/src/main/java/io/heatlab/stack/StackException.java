package io.heatlab.stack;

/** A part could not be started or provisioned; the message says why and what to look at. */
public class StackException extends Exception {
  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
