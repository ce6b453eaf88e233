package dev.quiver.plugin.query;

import java.util.concurrent.CompletableFuture;
import org.opensearch.action.IndicesRequest;

/**
 * Embeds query text for {@code quiver_knn}, {@code quiver_maxsim} and {@code quiver_semantic},
 * asynchronously.
 */
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

  /**
   * The {@code model} a {@code quiver_semantic} field is mapped with in the indices {@code search}
   * targets, or null when none of them maps it as {@code quiver_semantic} (then the query is not
   * embedded, and each shard matches nothing or refuses the field's type).
   *
   * @throws IllegalArgumentException if the targeted indices map it with different models
   */
  default String semanticModel(IndicesRequest search, String field) {
    return null;
  }
}
