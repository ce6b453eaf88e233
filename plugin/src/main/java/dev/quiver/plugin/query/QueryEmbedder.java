package dev.quiver.plugin.query;

import java.util.concurrent.CompletableFuture;
import org.opensearch.action.IndicesRequest;

/** Embeds query text for {@code quiver_knn}, asynchronously. */
@FunctionalInterface
public interface QueryEmbedder {

  /** The query vector of {@code text} under {@code model}, with the model's query prefix. */
  CompletableFuture<float[]> embed(String model, String text);

  /**
   * The per-token query vectors of {@code text} under {@code model} (as {@code quiver_embed} with
   * {@code "output": "tokens"} writes them for documents, but with the model's query prefix), for
   * {@code quiver_maxsim}; refused where no engine can produce them.
   */
  default CompletableFuture<float[][]> embedTokens(String model, String text) {
    return CompletableFuture.failedFuture(
        new IllegalStateException("query token vectors cannot be embedded on this node"));
  }

  /**
   * The {@code model} a {@code quiver_vector} field is mapped with in the indices {@code search}
   * targets, or null when none names one (then {@code query_text} uses the default model).
   *
   * @throws IllegalArgumentException if the targeted indices map it with different models
   */
  default String mappedModel(IndicesRequest search, String field) {
    return null;
  }
}
