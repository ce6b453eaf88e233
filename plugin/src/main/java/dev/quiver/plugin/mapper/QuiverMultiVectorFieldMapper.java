package dev.quiver.plugin.mapper;

import dev.quiver.codec.fde.Quiver10FdeVectorsFormat;
import dev.quiver.codec.multivector.MultiVectorCodec;
import dev.quiver.codec.multivector.MultiVectorEncoding;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;

/**
 * The {@code quiver_multi_vector} field: several vectors per document (late-interaction token
 * vectors, or one vector per passage), searched by {@code quiver_maxsim}.
 *
 * <pre>
 * "tokens": {
 *   "type": "quiver_multi_vector",
 *   "dims": 128,
 *   "similarity": "cosine",
 *   "max_vectors": 1024,
 *   "fde": {"repetitions": 20, "simhash_bits": 5, "projection_dims": 16,
 *           "final_projection_dims": 0, "seed": 42, "version": 1,
 *           "index_type": "int1_hnsw", "m": 16, "ef_construction": 100},
 *   "stored_vectors": "float16",
 *   "store_source": false,
 *   "model": "answerai-colbert-small"
 * }
 * </pre>
 *
 * <p>A document holds an array of 1..{@code max_vectors} vectors of {@code dims} numbers. The field
 * indexes two things: the document's MUVERA fixed dimensional encoding ({@link FdeOptions}) as one
 * vector under the field's name, with {@link Quiver10FdeVectorsFormat} around the {@code
 * fde.index_type}'s format and the encoding's fingerprint as the FieldInfo attribute {@value
 * Quiver10FdeVectorsFormat#FINGERPRINT_ATTRIBUTE} (segments of another encoding are refused on read
 * and merge); and the vectors themselves, encoded per {@code stored_vectors} ({@link
 * MultiVectorEncoding}, default {@link #DEFAULT_STORED_VECTORS}), as binary doc values under {@code
 * <field>._mv} for the exact MaxSim rerank.
 *
 * <p>{@code similarity}: MaxSim is the sum over query vectors of the largest dot product with a
 * document vector. {@code cosine} (the default) L2-normalizes every vector first, on both sides, so
 * each term is a cosine; {@code dot_product} takes the vectors as given and requires unit length
 * (as ColBERT-style models emit them). The FDE vector is compared by inner product.
 *
 * <p>{@code model} (optional) names the model the vectors come from: {@code quiver_maxsim}'s {@code
 * query_text} naming no model is embedded with it, and a query naming another is refused.
 *
 * <p>The vectors are left out of {@code _source} unless {@code store_source} is true: {@link
 * MultiVectorSourceExcludes} adds the field to the mapping's {@code _source.excludes} when the
 * mapping is created. Every parameter but {@code meta} is immutable; changing an FDE option is a
 * 400 naming it.
 */
public final class QuiverMultiVectorFieldMapper extends ParametrizedFieldMapper {

  public static final String CONTENT_TYPE = "quiver_multi_vector";

  /** Default and largest {@code max_vectors}. */
  public static final int DEFAULT_MAX_VECTORS = 1_024;

  public static final int MAX_MAX_VECTORS = 16_384;

  /**
   * The default {@code stored_vectors}: float16 keeps half of float32's bytes with a relative error
   * near 2^-11 per element, so reranked MaxSim scores match float32 ones to about 1e-3 and the
   * rerank keeps the order exact MaxSim gives (the reason the vectors are kept at all); {@code
   * int8} halves the bytes again at an 8-bit error per vector's scale, {@code 1bit} keeps signs.
   */
  public static final MultiVectorEncoding DEFAULT_STORED_VECTORS = MultiVectorEncoding.FLOAT16;

  private static QuiverMultiVectorFieldMapper toType(FieldMapper in) {
    return (QuiverMultiVectorFieldMapper) in;
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
                (n, c, o) -> parseSimilarity(n, o),
                m -> toType(m).similarity)
            .setSerializer((b, n, v) -> b.field(n, v.mappingName()), VectorSimilarity::mappingName)
            .alwaysSerialize();

    private final Parameter<Integer> maxVectors =
        new Parameter<>(
                "max_vectors",
                false,
                () -> DEFAULT_MAX_VECTORS,
                (n, c, o) -> parseMaxVectors(n, o),
                m -> toType(m).maxVectors)
            .alwaysSerialize();

    private final Parameter<FdeOptions> fde;

    private final Parameter<MultiVectorEncoding> storedVectors =
        new Parameter<>(
                "stored_vectors",
                false,
                () -> DEFAULT_STORED_VECTORS,
                (n, c, o) -> parseStoredVectors(n, o),
                m -> toType(m).storedVectors)
            .setSerializer(
                (b, n, v) -> b.field(n, v.mappingName()), MultiVectorEncoding::mappingName)
            .alwaysSerialize();

    private final Parameter<Boolean> storeSource =
        Parameter.boolParam("store_source", false, m -> toType(m).storeSource, false)
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
      this.fde =
          new Parameter<>(
                  "fde",
                  false,
                  FdeOptions::defaults,
                  (n, c, o) -> FdeOptions.parse(n, o),
                  m -> toType(m).fde)
              .setSerializer((b, n, v) -> v.toXContent(b, n), FdeOptions::toString)
              .setMergeValidator(
                  (previous, next) -> FdeOptions.checkUnchanged(name, previous, next))
              .alwaysSerialize();
    }

    @Override
    protected List<Parameter<?>> getParameters() {
      return List.of(dims, similarity, maxVectors, fde, storedVectors, storeSource, model, meta);
    }

    @Override
    public QuiverMultiVectorFieldMapper build(BuilderContext context) {
      if (dims.getValue() < 0) {
        throw new MapperParsingException("field [" + name + "]: [dims] is required");
      }
      fde.getValue().validate(name, dims.getValue());
      QuiverMultiVectorFieldType type =
          new QuiverMultiVectorFieldType(
              buildFullName(context),
              dims.getValue(),
              similarity.getValue(),
              maxVectors.getValue(),
              fde.getValue(),
              storedVectors.getValue(),
              model.getValue(),
              meta.getValue());
      return new QuiverMultiVectorFieldMapper(
          name, type, multiFieldsBuilder.build(this, context), copyTo.build(), this);
    }
  }

  private static int parseDims(String field, Object o) {
    return MappingIntegers.inRange(field, "dims", o, 1, MultiVectorCodec.MAX_DIMS);
  }

  private static int parseMaxVectors(String field, Object o) {
    return MappingIntegers.inRange(field, "max_vectors", o, 1, MAX_MAX_VECTORS);
  }

  private static MultiVectorEncoding parseStoredVectors(String field, Object o) {
    try {
      return MultiVectorEncoding.fromName(String.valueOf(o));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "field [" + field + "]: [stored_vectors] " + e.getMessage(), e);
    }
  }

  private static VectorSimilarity parseSimilarity(String field, Object o) {
    VectorSimilarity s = VectorSimilarity.fromMappingName(field, o);
    if (s != VectorSimilarity.COSINE && s != VectorSimilarity.DOT_PRODUCT) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [similarity] of a ["
              + CONTENT_TYPE
              + "] field must be [cosine] or [dot_product] (MaxSim sums dot products), got ["
              + o
              + "]");
    }
    return s;
  }

  /** Parses mappings; refuses indices whose codec Quiver does not provide. */
  public static final TypeParser PARSER = VectorMappings.typeParser(CONTENT_TYPE, Builder::new);

  private final int dims;
  private final VectorSimilarity similarity;
  private final int maxVectors;
  private final FdeOptions fde;
  private final MultiVectorEncoding storedVectors;
  private final boolean storeSource;
  private final String model;
  private final FieldType fdeFieldType;

  private QuiverMultiVectorFieldMapper(
      String simpleName,
      QuiverMultiVectorFieldType type,
      MultiFields multiFields,
      CopyTo copyTo,
      Builder builder) {
    super(simpleName, type, multiFields, copyTo);
    this.dims = builder.dims.getValue();
    this.similarity = builder.similarity.getValue();
    this.maxVectors = builder.maxVectors.getValue();
    this.fde = builder.fde.getValue();
    this.storedVectors = builder.storedVectors.getValue();
    this.storeSource = builder.storeSource.getValue();
    this.model = builder.model.getValue();
    this.fdeFieldType =
        Quiver10FdeVectorsFormat.fieldType(
            fde.params().fdeDims(),
            VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
            fde.params().fingerprint(dims));
  }

  /** Whether the field's vectors are kept in {@code _source}. */
  public boolean storeSource() {
    return storeSource;
  }

  @Override
  public QuiverMultiVectorFieldType fieldType() {
    return (QuiverMultiVectorFieldType) super.fieldType();
  }

  @Override
  public boolean parsesArrayValue() {
    return true;
  }

  /**
   * Parses and checks every vector before adding anything, so a bad value fails the document with
   * nothing of it indexed.
   */
  @Override
  protected void parseCreateField(ParseContext context) throws IOException {
    String field = fieldType().name();
    if (context.parser().currentToken() == XContentParser.Token.VALUE_NULL) {
      return;
    }
    float[] raw = MultiVectorParser.parse(field, context.parser(), dims, maxVectors);
    if (context.doc().getField(field) != null) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "] takes one array of vectors per document, but this one has several");
    }
    QuiverMultiVectorFieldType type = fieldType();
    float[] tokens = type.prepare(field, "vector", raw);
    int count = tokens.length / dims;
    float[] fdeVector = type.encoder().encodeDocument(tokens, count);
    context.doc().addWithKey(field, new KnnFloatVectorField(field, fdeVector, fdeFieldType));
    context
        .doc()
        .add(
            new BinaryDocValuesField(
                type.storedVectorsField(),
                MultiVectorCodec.encode(storedVectors, tokens, count, dims)));
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
