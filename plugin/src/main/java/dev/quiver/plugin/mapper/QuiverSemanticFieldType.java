package dev.quiver.plugin.mapper;

import java.util.Map;
import org.apache.lucene.search.Query;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.SourceValueFetcher;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.search.lookup.SearchLookup;

/** STUB (semqry, not committed): stands in for semidx's field type. */
public class QuiverSemanticFieldType extends MappedFieldType {
  private final String model;

  public QuiverSemanticFieldType(String name, String model) {
    super(name, true, false, false, TextSearchInfo.NONE, Map.of());
    this.model = model;
  }

  public String model() {
    return model;
  }

  public String vectorsField() {
    return SemanticFields.vectorsField(name());
  }

  @Override
  public String typeName() {
    return "quiver_semantic";
  }

  @Override
  public ValueFetcher valueFetcher(QueryShardContext context, SearchLookup lookup, String format) {
    return SourceValueFetcher.identity(name(), context, format);
  }

  @Override
  public Query termQuery(Object value, QueryShardContext context) {
    throw new UnsupportedOperationException();
  }
}
