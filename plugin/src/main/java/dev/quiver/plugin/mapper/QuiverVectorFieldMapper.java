package dev.quiver.plugin.mapper;

import dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.KnnFloatVectorField;
import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;

/**
 * The {@code quiver_vector} field: one float vector per document, indexed with a Quiver format.
 *
 * <pre>
 * "embedding": {
 *   "type": "quiver_vector",
 *   "dims": 384,
 *   "similarity": "cosine",
 *   "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100},
 *   "model": "bge-small-en-v1.5"
 * }
 * </pre>
 *
 * <p>{@code model} (optional) records the embedding model the field's vectors come from: {@code
 * query_text} that names no model is embedded with it, and a query vector of another model is
 * refused. It is not checked against the node's models at mapping time: mappings are parsed on
 * every node, also when an existing index is opened or recovered, and a node without the model must
 * still be able to hold the index; an unknown model is a 400 when a query needs it.
 *
 * <p>Inside a {@code nested} object each child document holds one vector; {@code quiver_knn} scores
 * a parent by its best child.
 *
 * <p>{@code dims}, {@code similarity}, {@code index_options} and {@code model} cannot change once
 * mapped. The field is only accepted on indices whose codec Quiver provides ({@link
 * QuiverCodecEligibility}); anywhere else it is rejected at mapping time rather than silently
 * indexed with another format.
 */
public final class QuiverVectorFieldMapper extends ParametrizedFieldMapper {

  public static final String CONTENT_TYPE = "quiver_vector";

  private static QuiverVectorFieldMapper toType(FieldMapper in) {
    return (QuiverVectorFieldMapper) in;
  }

  /** Builds the mapper from its mapping parameters. */
  public static final class Builder extends ParametrizedFieldMapper.Builder {

    private final Parameter<Integer> dims =
        new Parameter<>("dims", false, () -> -1, (n, c, o) -> parseDims(n, o), m -> toType(m).dims);

    private final Parameter<VectorSimilarity> similarity =
        new Parameter<>(
                "similarity",
                false,
                () -> VectorSimilarity.COSINE,
                (n, c, o) -> VectorSimilarity.fromMappingName(n, o),
                m -> toType(m).similarity)
            .setSerializer((b, n, v) -> b.field(n, v.mappingName()), VectorSimilarity::mappingName)
            .alwaysSerialize();

    private final Parameter<QuiverIndexOptions> indexOptions =
        new Parameter<>(
                "index_options",
                false,
                () -> QuiverIndexOptions.DEFAULT,
                (n, c, o) -> QuiverIndexOptions.parse(n, o),
                m -> toType(m).indexOptions)
            .setSerializer((b, n, v) -> v.toXContent(b, n), QuiverIndexOptions::toString)
            .alwaysSerialize();

    private final Parameter<String> model =
        new Parameter<String>(
                "model",
                false,
                () -> null,
                (n, c, o) -> VectorMappings.parseModel(n, o),
                m -> toType(m).model)
            .acceptsNull()
            .setSerializer((b, n, v) -> b.field(n, v), v -> v);

    private final Parameter<Map<String, String>> meta = Parameter.metaParam();

    public Builder(String name) {
      super(name);
    }

    @Override
    protected List<Parameter<?>> getParameters() {
      return List.of(dims, similarity, indexOptions, model, meta);
    }

    @Override
    public QuiverVectorFieldMapper build(BuilderContext context) {
      if (dims.getValue() < 0) {
        throw new MapperParsingException("field [" + name + "]: [dims] is required");
      }
      QuiverVectorFieldType type =
          new QuiverVectorFieldType(
              buildFullName(context),
              dims.getValue(),
              similarity.getValue(),
              indexOptions.getValue(),
              model.getValue(),
              meta.getValue());
      return new QuiverVectorFieldMapper(
          name, type, multiFieldsBuilder.build(this, context), copyTo.build(), this);
    }
  }

  private static int parseDims(String field, Object o) {
    return MappingIntegers.inRange(field, "dims", o, 1, Quiver10FlatVectorsFormat.MAX_DIMENSIONS);
  }

  /** Parses mappings; refuses indices whose codec Quiver does not provide. */
  public static final TypeParser PARSER = VectorMappings.typeParser(CONTENT_TYPE, Builder::new);

  private final int dims;
  private final VectorSimilarity similarity;
  private final QuiverIndexOptions indexOptions;
  private final String model;
  private final FieldType luceneFieldType;

  private QuiverVectorFieldMapper(
      String simpleName,
      QuiverVectorFieldType type,
      MultiFields multiFields,
      CopyTo copyTo,
      Builder builder) {
    super(simpleName, type, multiFields, copyTo);
    this.dims = builder.dims.getValue();
    this.similarity = builder.similarity.getValue();
    this.indexOptions = builder.indexOptions.getValue();
    this.model = builder.model.getValue();
    this.luceneFieldType = KnnFloatVectorField.createFieldType(dims, similarity.luceneFunction());
  }

  @Override
  public QuiverVectorFieldType fieldType() {
    return (QuiverVectorFieldType) super.fieldType();
  }

  @Override
  public boolean parsesArrayValue() {
    return true;
  }

  @Override
  protected void parseCreateField(ParseContext context) throws IOException {
    String field = fieldType().name();
    if (context.parser().currentToken()
        == org.opensearch.core.xcontent.XContentParser.Token.VALUE_NULL) {
      return;
    }
    float[] vector =
        similarity.prepare(field, "vector", VectorParser.parse(field, context.parser(), dims));
    if (context.doc().getField(field) != null) {
      throw new IllegalArgumentException(
          "field [" + field + "] takes one vector per document, but this document has several");
    }
    context.doc().addWithKey(field, new KnnFloatVectorField(field, vector, luceneFieldType));
  }

  @Override
  public ParametrizedFieldMapper.Builder getMergeBuilder() {
    return new Builder(simpleName()).init(this);
  }

  @Override
  protected String contentType() {
    return CONTENT_TYPE;
  }
}
