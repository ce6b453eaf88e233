package dev.quiver.plugin.mapper;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.ingest.ModelConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.lucene.document.Field;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.analysis.IndexAnalyzers;
import org.opensearch.index.mapper.FieldMapper;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParseContext;
import org.opensearch.index.mapper.TextFieldMapper;
import org.opensearch.index.mapper.TextParams;
import org.opensearch.index.mapper.TextSearchInfo;

/**
 * The {@code quiver_semantic} field: plain text in, searched both lexically and by meaning.
 *
 * <pre>
 * "body": {"type": "quiver_semantic", "model": "bge-small-en-v1.5",
 *          "index_options": {"type": "int4_hnsw"},
 *          "chunking": {"max_tokens": 256, "overlap_tokens": 32}, "analyzer": "standard"}
 * </pre>
 *
 * <p>The field itself indexes the text exactly as a {@code text} field does (positions, norms, the
 * {@code analyzer}, {@code search_analyzer} and {@code search_quote_analyzer} given), so {@code
 * match} on it is BM25. Its passage vectors live in hidden companion fields ({@link
 * SemanticFields}) that {@link SemanticCompanions} adds to the mapping and that the system ingest
 * processor fills before the document reaches the shard.
 *
 * <p>{@code model} defaults to {@value DefaultModel#NAME} and must be a dense model this node knows
 * (else a 400 when the mapping is put); {@code index_options.type} is any {@code quiver_vector}
 * type (default {@value #DEFAULT_INDEX_TYPE}); {@code chunking} see {@link SemanticChunking}. Every
 * default is written out at creation and no parameter but the search analyzers and {@code meta} can
 * change afterwards: vectors made with one model or chunking do not match another.
 */
public final class QuiverSemanticFieldMapper extends ParametrizedFieldMapper {

  public static final String CONTENT_TYPE = "quiver_semantic";

  /** The default {@code index_options.type} of the passage vectors' FDE. */
  public static final String DEFAULT_INDEX_TYPE = QuiverIndexOptions.INT8_HNSW;

  private static QuiverSemanticFieldMapper toType(FieldMapper in) {
    return (QuiverSemanticFieldMapper) in;
  }

  /** Builds the mapper from its mapping parameters. */
  public static final class Builder extends ParametrizedFieldMapper.Builder {

    private final Parameter<String> model =
        new Parameter<>(
                "model",
                false,
                () -> DefaultModel.NAME,
                (n, c, o) -> VectorMappings.parseModel(n, o),
                m -> toType(m).fieldType().model())
            .alwaysSerialize();

    private final Parameter<String> indexOptions =
        new Parameter<>(
                "index_options",
                false,
                () -> DEFAULT_INDEX_TYPE,
                (n, c, o) -> parseIndexType(n, o),
                m -> toType(m).fieldType().indexType())
            .setSerializer((b, n, v) -> b.startObject(n).field("type", v).endObject(), v -> v)
            .alwaysSerialize();

    private final Parameter<SemanticChunking> chunking =
        new Parameter<>(
                "chunking",
                false,
                () -> SemanticChunking.UNRESOLVED,
                (n, c, o) -> SemanticChunking.parse(n, o),
                m -> toType(m).fieldType().chunking())
            .setSerializer((b, n, v) -> v.toXContent(b, n), SemanticChunking::toString)
            .alwaysSerialize();

    private final TextParams.Analyzers analyzers;
    private final Parameter<Map<String, String>> meta = Parameter.metaParam();
    private final Function<String, ModelConfig> models;

    /**
     * @param models the configuration of a model this node knows, null for an unknown one
     */
    public Builder(
        String name, IndexAnalyzers indexAnalyzers, Function<String, ModelConfig> models) {
      super(name);
      this.analyzers = new TextParams.Analyzers(indexAnalyzers);
      this.models = models;
    }

    @Override
    protected List<Parameter<?>> getParameters() {
      return List.of(
          model,
          indexOptions,
          chunking,
          analyzers.indexAnalyzer,
          analyzers.searchAnalyzer,
          analyzers.searchQuoteAnalyzer,
          meta);
    }

    @Override
    public QuiverSemanticFieldMapper build(BuilderContext context) {
      String fullName = buildFullName(context);
      ModelConfig config = modelConfig(fullName, model.getValue(), models);
      SemanticChunking resolved = chunking.getValue().resolve(fullName, config.maxTokens());
      TextSearchInfo tsi =
          new TextSearchInfo(
              TextFieldMapper.Defaults.FIELD_TYPE,
              null,
              analyzers.getSearchAnalyzer(),
              analyzers.getSearchQuoteAnalyzer());
      QuiverSemanticFieldType type =
          new QuiverSemanticFieldType(
              fullName, tsi, model.getValue(), indexOptions.getValue(), resolved, meta.getValue());
      type.setIndexAnalyzer(analyzers.getIndexAnalyzer());
      return new QuiverSemanticFieldMapper(
          name, type, multiFieldsBuilder.build(this, context), copyTo.build(), this);
    }
  }

  /**
   * The configuration of {@code model}, or a mapping error naming the field when this node does not
   * know it or it gives no dense vectors.
   */
  public static ModelConfig modelConfig(
      String field, String model, Function<String, ModelConfig> models) {
    ModelConfig config = models.apply(model);
    if (config == null) {
      throw new MapperParsingException(
          "field [" + field + "] of type [" + CONTENT_TYPE + "]: unknown model [" + model + "]");
    }
    if (config.isLateInteraction()) {
      throw new MapperParsingException(
          "field ["
              + field
              + "] of type ["
              + CONTENT_TYPE
              + "]: model ["
              + model
              + "] is a late-interaction model, which gives token vectors only; a semantic field"
              + " needs a dense model");
    }
    return config;
  }

  /** {@code index_options}: an object holding one {@code type}. */
  static String parseIndexType(String field, Object o) {
    if (!(o instanceof Map<?, ?> map) || map.containsKey("type") == false) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [index_options] must be an object with a [type], got ["
              + o
              + "]");
    }
    for (Object key : map.keySet()) {
      if ("type".equals(key) == false) {
        throw new IllegalArgumentException(
            "field ["
                + field
                + "]: unknown [index_options] option ["
                + key
                + "] of a ["
                + CONTENT_TYPE
                + "] field; it takes [type] only");
      }
    }
    String type = String.valueOf(map.get("type"));
    if (QuiverIndexOptions.TYPES.contains(type) == false) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [index_options.type] must be one of "
              + QuiverIndexOptions.TYPES
              + ", got ["
              + type
              + "]");
    }
    return type;
  }

  /** A type parser that checks models with {@code models} (null config: unknown model). */
  public static TypeParser parser(Function<String, ModelConfig> models) {
    return new TypeParser((n, c) -> new Builder(n, c.getIndexAnalyzers(), models));
  }

  private final IndexAnalyzers indexAnalyzers;
  private final Function<String, ModelConfig> models;

  private QuiverSemanticFieldMapper(
      String simpleName,
      QuiverSemanticFieldType type,
      MultiFields multiFields,
      CopyTo copyTo,
      Builder builder) {
    super(simpleName, type, multiFields, copyTo);
    this.indexAnalyzers = builder.analyzers.indexAnalyzers;
    this.models = builder.models;
  }

  @Override
  public QuiverSemanticFieldType fieldType() {
    return (QuiverSemanticFieldType) super.fieldType();
  }

  /** Indexes the text as a {@code text} field does; anything but a string is refused. */
  @Override
  protected void parseCreateField(ParseContext context) throws IOException {
    XContentParser.Token token = context.parser().currentToken();
    if (token == XContentParser.Token.VALUE_NULL) {
      return;
    }
    if (token != XContentParser.Token.VALUE_STRING) {
      throw new IllegalArgumentException(
          "field ["
              + fieldType().name()
              + "] of type ["
              + CONTENT_TYPE
              + "] takes a string, got ["
              + token
              + "]");
    }
    String value = context.parser().text();
    context.doc().add(new Field(fieldType().name(), value, TextFieldMapper.Defaults.FIELD_TYPE));
  }

  @Override
  public ParametrizedFieldMapper.Builder getMergeBuilder() {
    return new Builder(simpleName(), indexAnalyzers, models).init(this);
  }

  @Override
  protected String contentType() {
    return CONTENT_TYPE;
  }
}
