package dev.quiver.plugin.mapper;

import java.util.Map;
import org.opensearch.index.mapper.TextFieldMapper;
import org.opensearch.index.mapper.TextSearchInfo;

/**
 * The field type of a {@code quiver_semantic} field: a text field (so {@code match}, {@code
 * multi_match} and highlighting are lexical, BM25, on it) that also knows the model its passage
 * vectors come from, where they are indexed ({@link #vectorsField()}) and how its texts are
 * chunked.
 */
public final class QuiverSemanticFieldType extends TextFieldMapper.TextFieldType {

  private final String model;
  private final String indexType;
  private final SemanticChunking chunking;

  public QuiverSemanticFieldType(
      String name,
      TextSearchInfo searchInfo,
      String model,
      String indexType,
      SemanticChunking chunking,
      Map<String, String> meta) {
    super(name, true, false, searchInfo, meta);
    this.model = model;
    this.indexType = indexType;
    this.chunking = chunking;
  }

  /** The model that embeds the field's texts (and the queries on it). */
  public String model() {
    return model;
  }

  /** The {@code quiver_vector} index type of the passage vectors' FDE. */
  public String indexType() {
    return indexType;
  }

  /** How texts are cut into chunks before embedding. */
  public SemanticChunking chunking() {
    return chunking;
  }

  /** The hidden {@code quiver_multi_vector} field holding the passage vectors. */
  public String vectorsField() {
    return SemanticFields.vectorsField(name());
  }

  /** The hidden stored field holding the state (hash, vectors, chunk offsets). */
  public String stateField() {
    return SemanticFields.stateField(name());
  }

  @Override
  public String typeName() {
    return QuiverSemanticFieldMapper.CONTENT_TYPE;
  }
}
