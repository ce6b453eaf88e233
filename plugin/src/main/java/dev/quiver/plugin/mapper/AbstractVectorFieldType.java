package dev.quiver.plugin.mapper;

import java.util.List;
import java.util.Map;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.index.mapper.ArraySourceValueFetcher;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.search.lookup.SearchLookup;

/**
 * What the {@code quiver_vector} and {@code quiver_multi_vector} field types share: indexed, not
 * stored, values fetched from {@code _source} as given (no formats), {@code exists} by the Lucene
 * field, and term queries refused with a pointer to the field's own query.
 */
abstract class AbstractVectorFieldType extends MappedFieldType {

  private final String searchQuery;

  /**
   * @param searchQuery the query that searches the field, named in the term-query refusal
   */
  AbstractVectorFieldType(
      String name, boolean hasDocValues, String searchQuery, Map<String, String> meta) {
    super(name, true, false, hasDocValues, TextSearchInfo.NONE, meta);
    this.searchQuery = searchQuery;
  }

  @Override
  public final ValueFetcher valueFetcher(
      QueryShardContext context, SearchLookup searchLookup, String format) {
    if (format != null) {
      throw new IllegalArgumentException(
          "field [" + name() + "] of type [" + typeName() + "] doesn't support formats");
    }
    return new ArraySourceValueFetcher(name(), context) {
      @Override
      protected Object parseSourceValue(Object value) {
        return value instanceof List<?> ? value : List.of(value);
      }
    };
  }

  @Override
  public final Query existsQuery(QueryShardContext context) {
    return new FieldExistsQuery(name());
  }

  @Override
  public final Query termQuery(Object value, QueryShardContext context) {
    throw new QueryShardException(
        context,
        "field ["
            + name()
            + "] of type ["
            + typeName()
            + "] does not support term queries; search it with ["
            + searchQuery
            + "]");
  }
}
