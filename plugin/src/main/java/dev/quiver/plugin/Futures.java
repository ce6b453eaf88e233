package dev.quiver.plugin;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** What failed inside a future, without the wrappers futures add. */
public final class Futures {

  private Futures() {}

  /** The exception a {@link CompletionException} or {@link ExecutionException} wraps. */
  public static Exception cause(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof Exception ex ? ex : new RuntimeException(t);
  }

  /** The message of {@link #cause}, or its class when it has none. */
  public static String message(Throwable e) {
    Exception cause = cause(e);
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
