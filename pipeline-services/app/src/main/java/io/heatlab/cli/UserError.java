package io.heatlab.cli;

/**
 * A problem the user can fix; the CLI prints its message (which says how) without a stack trace,
 * exit 2.
 */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }
}
