package dev.quiver.plugin.hybrid;

import dev.quiver.plugin.query.QueryEmbedder;
import dev.quiver.plugin.query.QuiverSemanticQueryBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;

/**
 * The sub-queries of the {@code quiver_hybrid} shortcut {@code {"query": "..", "fields": [..]}}:
 * one {@code multi_match} of the text over the fields (BM25, as {@code quiver_semantic} fields are
 * text fields), then one {@code quiver_semantic} per field, in the order given. Each {@code
 * quiver_semantic} retrieves {@code fusion.window} hits per shard ({@value
 * FusionSpec#DEFAULT_WINDOW} by default), so that it fills the fused window as the {@code
 * multi_match} does. A listed field that is not a {@code quiver_semantic} field is refused by its
 * {@code quiver_semantic} sub-query (400 naming the field).
 */
final class HybridShortcut {

  private static final String NAME = QuiverHybridQueryBuilder.NAME;

  /** At most this many fields: one sub-query each, plus the {@code multi_match}. */
  static final int MAX_FIELDS = QuiverHybridQueryBuilder.MAX_QUERIES - 1;

  private HybridShortcut() {}

  /**
   * @param fusion the query's fusion, null for the default
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  static List<QueryBuilder> subQueries(
      String query, List<String> fields, FusionSpec fusion, QueryEmbedder embedder) {
    if (query == null) {
      throw new IllegalArgumentException("[" + NAME + "] [fields] needs the [query] text");
    }
    if (query.isBlank()) {
      throw new IllegalArgumentException("[" + NAME + "] [query] must not be empty");
    }
    if (fields == null || fields.isEmpty()) {
      throw new IllegalArgumentException(
          "[" + NAME + "] [query] needs [fields]: the quiver_semantic fields to search");
    }
    if (fields.size() > MAX_FIELDS) {
      throw new IllegalArgumentException(
          "["
              + NAME
              + "] [fields] holds "
              + fields.size()
              + " fields, at most "
              + MAX_FIELDS
              + " (one quiver_semantic sub-query each, plus the multi_match)");
    }
    if (embedder == null) {
      throw new IllegalArgumentException(
          "[" + NAME + "] the [query] with [fields] shortcut is not available here");
    }
    for (String field : fields) {
      if (field.isEmpty()) {
        throw new IllegalArgumentException("[" + NAME + "] [fields] holds an empty field name");
      }
    }
    if (new HashSet<>(fields).size() != fields.size()) {
      throw new IllegalArgumentException("[" + NAME + "] [fields] names a field twice: " + fields);
    }
    int k = fusion == null || fusion.window() == null ? FusionSpec.DEFAULT_WINDOW : fusion.window();
    List<QueryBuilder> queries = new ArrayList<>(fields.size() + 1);
    queries.add(QueryBuilders.multiMatchQuery(query, fields.toArray(new String[0])));
    for (String field : fields) {
      queries.add(new QuiverSemanticQueryBuilder(field, query, k, null, null, false, embedder));
    }
    return queries;
  }
}
