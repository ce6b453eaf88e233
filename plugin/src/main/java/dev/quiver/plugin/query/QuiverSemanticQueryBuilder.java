package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.QuiverSemanticFieldMapper;
import dev.quiver.plugin.mapper.QuiverSemanticFieldType;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryCoordinatorContext;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;

/**
 * The {@code quiver_semantic} query over a {@code quiver_semantic} field:
 *
 * <pre>
 * {"quiver_semantic": {"field": "body", "query": "how do vaccines work", "k": 10,
 *                      "num_candidates": 200, "filter": {..}, "return_chunk": false,
 *                      "boost": 1.0, "_name": ".."}}
 * </pre>
 *
 * <p>While the search is rewritten on the coordinating node, {@code query} is embedded once,
 * asynchronously, with the model the field is mapped with in the targeted indices ({@link
 * QueryEmbedder#semanticModel}) and that model's query prefix, into one query vector. Each shard
 * then runs {@code quiver_maxsim} with that single vector on the field's hidden passage vectors
 * ({@link QuiverSemanticFieldType#vectorsField()}): a document scores as its best chunk (the
 * largest similarity between the query vector and one of its chunk vectors), {@code k} per shard
 * out of {@code num_candidates} (default {@link #defaultNumCandidates}), {@code filter} applied
 * during the graph search. With {@code return_chunk} each hit also says which chunk matched ({@link
 * MatchedChunkFetchPhase}).
 *
 * <p>Shards receive the embedded form: the same body plus {@code model} and {@code vector}. A field
 * that no targeted index maps as {@code quiver_semantic} is not embedded: a shard where it is
 * unmapped matches nothing, one where it has another type refuses it (400 naming the field).
 */
public final class QuiverSemanticQueryBuilder
    extends AbstractQueryBuilder<QuiverSemanticQueryBuilder> {

  public static final String NAME = "quiver_semantic";

  /** The mapping type this query searches. */
  public static final String FIELD_TYPE = QuiverSemanticFieldMapper.CONTENT_TYPE;

  public static final int DEFAULT_K = 10;

  private static final ParseField FIELD = new ParseField("field");
  private static final ParseField QUERY = new ParseField("query");
  private static final ParseField K = new ParseField("k");
  private static final ParseField NUM_CANDIDATES = new ParseField("num_candidates");
  private static final ParseField FILTER = new ParseField("filter");
  private static final ParseField RETURN_CHUNK = new ParseField("return_chunk");
  private static final ParseField MODEL = new ParseField("model");
  private static final ParseField VECTOR = new ParseField("vector");

  private final String field;
  private final String query;
  private final int k;

  /** Null: {@link #defaultNumCandidates}. */
  private final Integer numCandidates;

  private final QueryBuilder filter;
  private final boolean returnChunk;

  /**
   * The model {@link #vector} was (or, while {@link #pendingVector} runs, is being) embedded with;
   * null before the coordinator's rewrite.
   */
  private final String model;

  /** The query vector; null before the coordinator's rewrite. */
  private final float[] vector;

  private final QueryEmbedder embedder;
  private final Supplier<float[]> pendingVector;

  /**
   * A query to embed on the coordinating node.
   *
   * @param numCandidates null for the default
   * @param filter null for none
   */
  public QuiverSemanticQueryBuilder(
      String field,
      String query,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      boolean returnChunk,
      QueryEmbedder embedder) {
    this(field, query, k, numCandidates, filter, returnChunk, null, null, embedder, null);
  }

  private QuiverSemanticQueryBuilder(
      String field,
      String query,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      boolean returnChunk,
      String model,
      float[] vector,
      QueryEmbedder embedder,
      Supplier<float[]> pendingVector) {
    QueryChecks.requireField(NAME, field);
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException(
          "[" + NAME + "] field [" + field + "]: [query] must be a non-empty string");
    }
    QueryChecks.checkK(NAME, k);
    if (numCandidates != null) {
      QueryChecks.checkNumCandidates(NAME, k, numCandidates);
    }
    if (vector != null && model == null) {
      throw new IllegalArgumentException(
          "[" + NAME + "] field [" + field + "]: [vector] needs the [model] it was embedded with");
    }
    if (vector != null) {
      checkVector(field, vector);
    }
    this.field = field;
    this.query = query;
    this.k = k;
    this.numCandidates = numCandidates;
    this.filter = filter;
    this.returnChunk = returnChunk;
    this.model = model;
    this.vector = vector;
    this.embedder = embedder;
    this.pendingVector = pendingVector;
  }

  private static void checkVector(String field, float[] vector) {
    if (vector.length == 0) {
      throw new IllegalArgumentException(
          "[" + NAME + "] field [" + field + "]: [vector] must not be empty");
    }
    for (int i = 0; i < vector.length; i++) {
      if (Float.isFinite(vector[i]) == false) {
        throw new IllegalArgumentException(
            "[" + NAME + "] field [" + field + "]: [vector] element [" + i + "] is not finite");
      }
    }
  }

  public QuiverSemanticQueryBuilder(StreamInput in, QueryEmbedder embedder) throws IOException {
    super(in);
    this.field = in.readString();
    this.query = in.readString();
    this.k = in.readVInt();
    this.numCandidates = in.readOptionalVInt();
    this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
    this.returnChunk = in.readBoolean();
    this.model = in.readOptionalString();
    this.vector = in.readBoolean() ? in.readFloatArray() : null;
    this.embedder = embedder;
    this.pendingVector = null;
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    float[] v = resolvedVector();
    out.writeString(field);
    out.writeString(query);
    out.writeVInt(k);
    out.writeOptionalVInt(numCandidates);
    out.writeOptionalNamedWriteable(filter);
    out.writeBoolean(returnChunk);
    out.writeOptionalString(v == null ? null : model);
    out.writeBoolean(v != null);
    if (v != null) {
      out.writeFloatArray(v);
    }
  }

  /**
   * The candidates gathered when none is given: 200, or k when k is larger (one query vector
   * against passage vectors: the SciFact evaluation's setting; token-vector MaxSim needs more, see
   * {@link QuiverMaxSimQueryBuilder#defaultNumCandidates}).
   */
  public static int defaultNumCandidates(int k) {
    return Math.max(k, 200);
  }

  public String field() {
    return field;
  }

  public String query() {
    return query;
  }

  public int k() {
    return k;
  }

  /** The candidates each shard gathers (the default when none was given). */
  public int numCandidates() {
    return numCandidates != null ? numCandidates : defaultNumCandidates(k);
  }

  public QueryBuilder filter() {
    return filter;
  }

  public boolean returnChunk() {
    return returnChunk;
  }

  /** The model of the query vector; null until the coordinator's rewrite chose it. */
  public String model() {
    return model;
  }

  /** This query with {@code filter} instead of its own (for {@code quiver_hybrid}'s filter). */
  public QuiverSemanticQueryBuilder withFilter(QueryBuilder newFilter) {
    return copy(newFilter, model, vector, pendingVector);
  }

  private QuiverSemanticQueryBuilder copy(
      QueryBuilder newFilter, String newModel, float[] newVector, Supplier<float[]> pending) {
    QuiverSemanticQueryBuilder copy =
        new QuiverSemanticQueryBuilder(
            field,
            query,
            k,
            numCandidates,
            newFilter,
            returnChunk,
            newModel,
            newVector,
            embedder,
            pending);
    copy.boost(boost).queryName(queryName);
    return copy;
  }

  private float[] resolvedVector() {
    return vector != null ? vector : pendingVector == null ? null : pendingVector.get();
  }

  @Override
  protected void doXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(NAME);
    builder.field(FIELD.getPreferredName(), field);
    builder.field(QUERY.getPreferredName(), query);
    builder.field(K.getPreferredName(), k);
    if (numCandidates != null) {
      builder.field(NUM_CANDIDATES.getPreferredName(), numCandidates);
    }
    if (filter != null) {
      builder.field(FILTER.getPreferredName(), filter);
    }
    if (returnChunk) {
      builder.field(RETURN_CHUNK.getPreferredName(), true);
    }
    float[] v = resolvedVector();
    if (v != null) {
      builder.field(MODEL.getPreferredName(), model);
      builder.field(VECTOR.getPreferredName(), v);
    }
    printBoostAndQueryName(builder);
    builder.endObject();
  }

  /** Parses the query body; unknown keys, wrong types and bad values are 400s naming them. */
  public static QuiverSemanticQueryBuilder fromXContent(
      XContentParser parser, QueryEmbedder embedder) throws IOException {
    String field = null;
    String query = null;
    int k = DEFAULT_K;
    Integer numCandidates = null;
    QueryBuilder filter = null;
    boolean returnChunk = false;
    String model = null;
    float[] vector = null;
    float boost = DEFAULT_BOOST;
    String queryName = null;
    String current = null;
    Token token;
    while ((token = parser.nextToken()) != Token.END_OBJECT) {
      if (token == Token.FIELD_NAME) {
        current = parser.currentName();
      } else if (FILTER.match(current, parser.getDeprecationHandler())) {
        if (token != Token.START_OBJECT) {
          throw error(parser, "[filter] must be a query object");
        }
        filter = parseInnerQueryBuilder(parser);
      } else if (VECTOR.match(current, parser.getDeprecationHandler())) {
        vector = KnnQueryValues.parseVector(parser, token);
      } else if (token.isValue() == false) {
        throw error(parser, "[" + current + "] must be a value, got [" + token + "]");
      } else if (FIELD.match(current, parser.getDeprecationHandler())) {
        field = parser.text();
      } else if (QUERY.match(current, parser.getDeprecationHandler())) {
        if (token != Token.VALUE_STRING) {
          throw error(parser, "[query] must be a string, got [" + parser.text() + "]");
        }
        query = parser.text();
      } else if (K.match(current, parser.getDeprecationHandler())) {
        k = KnnQueryValues.intValue(parser, NAME, current, token);
      } else if (NUM_CANDIDATES.match(current, parser.getDeprecationHandler())) {
        numCandidates = KnnQueryValues.intValue(parser, NAME, current, token);
      } else if (RETURN_CHUNK.match(current, parser.getDeprecationHandler())) {
        if (token != Token.VALUE_BOOLEAN) {
          throw error(parser, "[return_chunk] must be true or false, got [" + parser.text() + "]");
        }
        returnChunk = parser.booleanValue();
      } else if (MODEL.match(current, parser.getDeprecationHandler())) {
        model = parser.text();
      } else if (BOOST_FIELD.match(current, parser.getDeprecationHandler())) {
        boost = parser.floatValue();
      } else if (NAME_FIELD.match(current, parser.getDeprecationHandler())) {
        queryName = parser.text();
      } else {
        throw error(
            parser,
            "unknown field ["
                + current
                + "], expected one of [field, query, k, num_candidates, filter, return_chunk,"
                + " boost, _name]");
      }
    }
    if (query == null) {
      throw error(parser, "field [" + field + "]: requires [query]");
    }
    try {
      return new QuiverSemanticQueryBuilder(
              field, query, k, numCandidates, filter, returnChunk, model, vector, embedder, null)
          .boost(boost)
          .queryName(queryName);
    } catch (IllegalArgumentException e) {
      throw QueryChecks.parsingException(parser, NAME, e);
    }
  }

  private static ParsingException error(XContentParser parser, String message) {
    return KnnQueryValues.error(parser, NAME, message);
  }

  /**
   * On the coordinating node: rewrites the filter, and embeds {@code query} once, asynchronously,
   * with the field's mapped model; shards receive the vector.
   */
  @Override
  protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
    if (vector == null && pendingVector != null) {
      float[] v = pendingVector.get();
      return v == null ? this : copy(filter, model, v, null);
    }
    if (vector == null && context.convertToShardContext() == null) {
      String modelName = modelFor(context);
      if (modelName != null) {
        CoordinatorEmbedding.requireEngine(NAME, embedder);
        String text = query;
        return copy(
            filter,
            modelName,
            null,
            CoordinatorEmbedding.register(context, () -> embedder.embed(modelName, text)));
      }
    }
    if (filter == null) {
      return this;
    }
    QueryBuilder rewritten = filter.rewrite(context);
    return rewritten == filter ? this : copy(rewritten, model, vector, null);
  }

  /**
   * The model the field is mapped with in the targeted indices; null when none maps it as {@code
   * quiver_semantic}. Where the search request is unknown (a rewrite outside a search), the default
   * model.
   */
  private String modelFor(QueryRewriteContext context) {
    QueryCoordinatorContext coordinator = context.convertToCoordinatorContext();
    if (coordinator == null || embedder == null) {
      return QuiverKnnQueryBuilder.DEFAULT_MODEL;
    }
    return embedder.semanticModel(coordinator.getSearchRequest(), field);
  }

  @Override
  protected Query doToQuery(QueryShardContext context) throws IOException {
    MappedFieldType type = context.fieldMapper(field);
    if (type == null) {
      return new MatchNoDocsQuery("field [" + field + "] is not mapped");
    }
    if (!(type.unwrap() instanceof QuiverSemanticFieldType semantic)) {
      throw QueryChecks.wrongFieldType(context, NAME, field, type, FIELD_TYPE);
    }
    float[] v = resolvedVector();
    if (v == null) {
      throw new QueryShardException(
          context,
          "["
              + NAME
              + "] field ["
              + field
              + "]: [query] was not embedded (it is embedded in a search request's query, on"
              + " the coordinating node)");
    }
    if (model.equals(semantic.model()) == false) {
      throw new QueryShardException(
          context,
          "["
              + NAME
              + "] field ["
              + field
              + "] is mapped with model ["
              + semantic.model()
              + "] in index ["
              + context.index().getName()
              + "], but the query was embedded with ["
              + model
              + "] (the targeted indices map it with different models?)");
    }
    Query maxSim =
        new QuiverMaxSimQueryBuilder(
                semantic.vectorsField(), new float[][] {v}, k, numCandidates(), filter, false)
            .toQuery(context);
    return returnChunk ? new MatchedChunkQuery(maxSim, field, v) : maxSim;
  }

  /** A pending embedding is not part of equality; the query text and the embedded form are. */
  @Override
  protected boolean doEquals(QuiverSemanticQueryBuilder other) {
    return field.equals(other.field)
        && query.equals(other.query)
        && k == other.k
        && Objects.equals(numCandidates, other.numCandidates)
        && Objects.equals(filter, other.filter)
        && returnChunk == other.returnChunk
        && Objects.equals(model, other.model)
        && Arrays.equals(vector, other.vector);
  }

  @Override
  protected int doHashCode() {
    return Objects.hash(
        field, query, k, numCandidates, filter, returnChunk, model, Arrays.hashCode(vector));
  }

  @Override
  public String getWriteableName() {
    return NAME;
  }
}
