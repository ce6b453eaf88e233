package dev.quiver.plugin.query;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Embeds query text for {@code quiver_knn}, asynchronously. */
@FunctionalInterface
public interface QueryEmbedder {

  /** The query vector of {@code text} under {@code model}, with the model's query prefix. */
  CompletableFuture<float[]> embed(String model, String text);

  /** The exception inside a future's wrapper. */
  static Exception unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof Exception ex ? ex : new RuntimeException(t);
  }
}
