package dev.quiver.plugin.query;

import java.util.concurrent.CompletableFuture;

/** Embeds query text for {@code quiver_knn}, asynchronously. */
@FunctionalInterface
public interface QueryEmbedder {

  /** The query vector of {@code text} under {@code model}, with the model's query prefix. */
  CompletableFuture<float[]> embed(String model, String text);
}
