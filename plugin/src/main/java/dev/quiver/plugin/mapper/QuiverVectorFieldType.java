package dev.quiver.plugin.mapper;

import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;

/** The searchable side of a {@code quiver_vector} field: its dimensions, similarity and format. */
public final class QuiverVectorFieldType extends AbstractVectorFieldType {

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
    super(name, false, "quiver_knn", meta);
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
}
