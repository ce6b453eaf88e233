package dev.quiver.plugin.query;

import org.apache.lucene.search.Query;
import org.opensearch.common.lucene.search.Queries;
import org.opensearch.index.mapper.ObjectMapper;
import org.opensearch.index.query.QueryShardContext;

/**
 * Where a vector field sits among {@code nested} objects: the innermost nested object holding it
 * (the child documents that carry the vectors) and that object's nearest nested ancestor (their
 * parents; null when the parents are the root documents).
 */
record NestedLevel(ObjectMapper child, ObjectMapper parent) {

  /** The nested level of {@code field}, or null when the field is not inside a nested object. */
  static NestedLevel of(QueryShardContext context, String field) {
    ObjectMapper child = enclosingNested(context, field);
    return child == null
        ? null
        : new NestedLevel(child, enclosingNested(context, child.fullPath()));
  }

  private static ObjectMapper enclosingNested(QueryShardContext context, String path) {
    for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
      ObjectMapper mapper = context.getObjectMapper(path.substring(0, dot));
      if (mapper != null && mapper.nested().isNested()) {
        return mapper;
      }
    }
    return null;
  }

  /** The path of the child documents. */
  String path() {
    return child.fullPath();
  }

  /** The path of the parent documents, null for the root documents. */
  String parentPath() {
    return parent == null ? null : parent.fullPath();
  }

  /** Matches exactly the parent documents. */
  Query parentsQuery() {
    return parent == null ? Queries.newNonNestedFilter() : parent.nestedTypeFilter();
  }
}
