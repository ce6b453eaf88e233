package dev.quiver.plugin.query;

import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;

/**
 * The checks {@code quiver_knn} and {@code quiver_maxsim} share, with the same messages for both
 * (each prefixed with the query's name): {@code field}, {@code k} and {@code num_candidates} on
 * construction, the type of the mapped field on a shard, and the 400 of a bad body.
 */
final class QueryChecks {

  private QueryChecks() {}

  /** Refuses a missing or empty {@code field}. */
  static void requireField(String query, String field) {
    if (field == null || field.isEmpty()) {
      throw new IllegalArgumentException("[" + query + "] requires [field]");
    }
  }

  /** Refuses {@code k} outside [1, {@link QuiverKnnQueryBuilder#MAX_K}]. */
  static void checkK(String query, int k) {
    int max = QuiverKnnQueryBuilder.MAX_K;
    if (k <= 0 || k > max) {
      throw new IllegalArgumentException(
          "[" + query + "] [k] must be in [1, " + max + "], got [" + k + "]");
    }
  }

  /** Refuses {@code num_candidates} outside [k, {@link QuiverKnnQueryBuilder#MAX_K}]. */
  static void checkNumCandidates(String query, int k, int candidates) {
    int max = QuiverKnnQueryBuilder.MAX_K;
    if (candidates < k || candidates > max) {
      String range = "[k, " + max + "] = [" + k + ", " + max + "]";
      throw new IllegalArgumentException(
          "[" + query + "] [num_candidates] must be in " + range + ", got [" + candidates + "]");
    }
  }

  /**
   * The 400 for a body the builder refused: its message, prefixed with the query's name unless it
   * starts with it already.
   */
  static ParsingException parsingException(
      XContentParser parser, String query, IllegalArgumentException e) {
    String prefix = "[" + query + "]";
    String message =
        e.getMessage().startsWith(prefix) ? e.getMessage() : prefix + " " + e.getMessage();
    return new ParsingException(parser.getTokenLocation(), message, e);
  }

  /** The error for a field mapped with another type than {@code expected}. */
  static QueryShardException wrongFieldType(
      QueryShardContext context,
      String query,
      String field,
      MappedFieldType type,
      String expected) {
    return new QueryShardException(
        context,
        "["
            + query
            + "] field ["
            + field
            + "] is of type ["
            + type.typeName()
            + "], but ["
            + query
            + "] needs a ["
            + expected
            + "] field");
  }
}
