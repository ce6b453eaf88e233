package dev.quiver.plugin.mapper;

import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.index.mapper.ArraySourceValueFetcher;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.mapper.TextSearchInfo;
import org.opensearch.index.mapper.ValueFetcher;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.search.lookup.SearchLookup;

/** The searchable side of a {@code quiver_vector} field: its dimensions, similarity and format. */
public final class QuiverVectorFieldType extends MappedFieldType {

  private final int dims;
  private final VectorSimilarity similarity;
  private final QuiverIndexOptions indexOptions;
  private final KnnVectorsFormat vectorsFormat;
  private final String model;

  QuiverVectorFieldType(
      String name,
      int dims,
      VectorSimilarity similarity,
      QuiverIndexOptions indexOptions,
      String model,
      Map<String, String> meta) {
    super(name, true, false, false, TextSearchInfo.NONE, meta);
    this.dims = dims;
    this.similarity = similarity;
    this.indexOptions = indexOptions;
    this.vectorsFormat = indexOptions.vectorsFormat();
    this.model = model;
  }

  public int dims() {
    return dims;
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  public QuiverIndexOptions indexOptions() {
    return indexOptions;
  }

  /** The embedding model the field's vectors come from, null when the mapping names none. */
  public String model() {
    return model;
  }

  /** The Lucene format this field is written with. */
  public KnnVectorsFormat vectorsFormat() {
    return vectorsFormat;
  }

  @Override
  public String typeName() {
    return QuiverVectorFieldMapper.CONTENT_TYPE;
  }

  @Override
  public ValueFetcher valueFetcher(
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
  public Query existsQuery(QueryShardContext context) {
    return new FieldExistsQuery(name());
  }

  @Override
  public Query termQuery(Object value, QueryShardContext context) {
    throw new QueryShardException(
        context,
        "field ["
            + name()
            + "] of type ["
            + typeName()
            + "] does not support term queries; search it with [quiver_knn]");
  }
}
