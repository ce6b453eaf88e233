package dev.quiver.plugin.query;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.plugin.mapper.QuiverIndexOptions;
import dev.quiver.plugin.mapper.QuiverVectorFieldMapper;
import dev.quiver.plugin.mapper.QuiverVectorFieldType;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;

/**
 * The {@code quiver_knn} query:
 *
 * <pre>
 * {"quiver_knn": {"field": "embedding", "vector": [..], "k": 10, "num_candidates": 100,
 *                 "filter": {..}, "min_score": 0.5, "rescore": {"oversample": 3.0},
 *                 "boost": 1.0, "_name": ".."}}
 * </pre>
 *
 * <p>Instead of {@code vector}, {@code query_text} is embedded with the model's query prefix when
 * the search is rewritten on the coordinating node, off the transport threads. The model is {@code
 * model} if the query names one, else the {@code model} the field is mapped with in the targeted
 * indices (looked up in the cluster state, {@link QueryEmbedder#mappedModel}), else {@link
 * #DEFAULT_MODEL}. Shards refuse (400) a vector whose model is not the field's {@code model} or
 * whose dimensions are not the field's. With {@code vector}, {@code model} optionally names the
 * model the vector came from, checked the same way.
 *
 * <p>{@code query_text} can only be embedded in a search request's query: where a query is only
 * rewritten on a shard (an alias filter, a percolator query) it is a 400 asking for {@code vector}.
 *
 * <p>Inside {@code nested} objects a parent scores as its best child ({@link NestedKnnQueries}).
 *
 * <p>Each shard returns its {@code k} nearest documents; {@code num_candidates} (default {@link
 * #defaultNumCandidates(int)}) is how many candidates the shard gathers (Lucene splits it over the
 * segments by their share of documents; see the README), {@code filter} any query applied while the
 * graph is searched (not after), {@code min_score} a floor on the similarity score.
 *
 * <p>On a quantized field ({@code int8_hnsw} .. {@code int1_hnsw}) the graph is searched on the
 * codes with a beam of {@code max(num_candidates, ceil(oversample * k))}, each segment's best
 * {@code ceil(oversample * k)} hits by estimated score are rescored with the exact float
 * similarity, and the shard keeps the best {@code k} by exact score; {@code min_score} applies to
 * the exact score, and scores returned are exact. {@code rescore.oversample} (in [1, 100])
 * overrides the field's {@code index_options.rescore.oversample}; 1 rescores only the {@code k}
 * best by estimate; {@code rescore.bounded} ({@link KnnRescore}) reads only the candidates whose
 * error bound can reach the top {@code k}. On float fields both are ignored. An unmapped field
 * matches nothing (as term queries do across index patterns); a field of another type is an error.
 */
public final class QuiverKnnQueryBuilder extends AbstractQueryBuilder<QuiverKnnQueryBuilder> {

  public static final String NAME = "quiver_knn";

  /** Largest {@code k} and {@code num_candidates}. */
  public static final int MAX_K = 10_000;

  private static final ParseField FIELD = new ParseField("field");
  private static final ParseField VECTOR = new ParseField("vector");
  private static final ParseField K = new ParseField("k");
  private static final ParseField NUM_CANDIDATES = new ParseField("num_candidates");
  private static final ParseField FILTER = new ParseField("filter");
  private static final ParseField MIN_SCORE = new ParseField("min_score");
  private static final ParseField QUERY_TEXT = new ParseField("query_text");
  private static final ParseField MODEL = new ParseField("model");
  private static final ParseField RESCORE = new ParseField("rescore");

  private final String field;
  private final float[] vector;
  private final String queryText;
  private final String model;
  private final int k;
  private final int numCandidates;
  private final QueryBuilder filter;
  private final Float minScore;

  /** The query's {@code rescore} (oversample null for the field's, bounded null for default). */
  private KnnRescore rescore = KnnRescore.NONE;

  /** Embeds {@code query_text}; null where no embedding engine is wired (then text is refused). */
  private final QueryEmbedder embedder;

  /** The vector of {@code query_text} once the asynchronous embedding has finished. */
  private final Supplier<float[]> pendingVector;

  /** A query by vector. */
  public QuiverKnnQueryBuilder(
      String field,
      float[] vector,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      Float minScore) {
    this(field, requireVector(vector), null, null, k, numCandidates, filter, minScore, null, null);
  }

  /**
   * A query by text, embedded at rewrite with {@code model}; when null, with the field's mapped
   * model or else the default model.
   */
  public static QuiverKnnQueryBuilder ofText(
      String field,
      String queryText,
      String model,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      Float minScore,
      QueryEmbedder embedder) {
    if (queryText == null || queryText.isBlank()) {
      throw new IllegalArgumentException("[" + NAME + "] [query_text] must not be empty");
    }
    return new QuiverKnnQueryBuilder(
        field, null, queryText, model, k, numCandidates, filter, minScore, embedder, null);
  }

  /** The model {@code query_text} is embedded with when none is named. */
  public static final String DEFAULT_MODEL = DefaultModel.NAME;

  private QuiverKnnQueryBuilder(
      String field,
      float[] vector,
      String queryText,
      String model,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      Float minScore,
      QueryEmbedder embedder,
      Supplier<float[]> pendingVector) {
    QueryChecks.requireField(NAME, field);
    QueryChecks.checkK(NAME, k);
    int candidates = numCandidates == null ? defaultNumCandidates(k) : numCandidates;
    QueryChecks.checkNumCandidates(NAME, k, candidates);
    if (minScore != null && (Float.isFinite(minScore) == false || minScore < 0)) {
      throw new IllegalArgumentException(
          "[" + NAME + "] [min_score] must be a finite number >= 0, got [" + minScore + "]");
    }
    this.field = field;
    this.vector = vector;
    this.queryText = queryText;
    this.model = model;
    this.k = k;
    this.numCandidates = candidates;
    this.filter = filter;
    this.minScore = minScore;
    this.embedder = embedder;
    this.pendingVector = pendingVector;
  }

  private static float[] requireVector(float[] vector) {
    if (vector == null) {
      throw new IllegalArgumentException("[" + NAME + "] requires [vector] or [query_text]");
    }
    if (vector.length == 0) {
      throw new IllegalArgumentException("[" + NAME + "] [vector] must not be empty");
    }
    for (int i = 0; i < vector.length; i++) {
      if (Float.isFinite(vector[i]) == false) {
        throw new IllegalArgumentException(
            "[" + NAME + "] [vector] element [" + i + "] is not a finite float32");
      }
    }
    return vector;
  }

  private QuiverKnnQueryBuilder with(
      float[] newVector, QueryBuilder newFilter, Supplier<float[]> pending) {
    QuiverKnnQueryBuilder copy =
        new QuiverKnnQueryBuilder(
            field,
            newVector,
            newVector == null ? queryText : null,
            model,
            k,
            numCandidates,
            newFilter,
            minScore,
            embedder,
            pending);
    copy.rescore = rescore;
    copy.boost(boost).queryName(queryName);
    return copy;
  }

  /** This query with {@code filter} as its filter (applied during the graph search). */
  public QuiverKnnQueryBuilder withFilter(QueryBuilder filter) {
    return with(vector, filter, pendingVector);
  }

  /** The beam used when none is given: 100, or k when k is larger. */
  public static int defaultNumCandidates(int k) {
    return Math.max(k, 100);
  }

  public QuiverKnnQueryBuilder(StreamInput in, QueryEmbedder embedder) throws IOException {
    super(in);
    this.field = in.readString();
    this.vector = in.readBoolean() ? in.readFloatArray() : null;
    this.queryText = in.readOptionalString();
    this.model = in.readOptionalString();
    this.k = in.readVInt();
    this.numCandidates = in.readVInt();
    this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
    this.minScore = in.readOptionalFloat();
    this.rescore = KnnRescore.read(in);
    this.embedder = embedder;
    this.pendingVector = null;
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(field);
    float[] v = resolvedVector();
    out.writeBoolean(v != null);
    if (v != null) {
      out.writeFloatArray(v);
    }
    out.writeOptionalString(v != null ? null : queryText);
    out.writeOptionalString(model);
    out.writeVInt(k);
    out.writeVInt(numCandidates);
    out.writeOptionalNamedWriteable(filter);
    out.writeOptionalFloat(minScore);
    rescore.writeTo(out);
  }

  public String field() {
    return field;
  }

  public int k() {
    return k;
  }

  public int numCandidates() {
    return numCandidates;
  }

  public QueryBuilder filter() {
    return filter;
  }

  /** The query's {@code rescore.oversample}, null when the field's applies. */
  public Float oversample() {
    return rescore.oversample();
  }

  /**
   * Sets {@code rescore.oversample}: candidates rescored per result on a quantized field, in [1,
   * 100], overriding the field's {@code index_options.rescore.oversample}; null for the field's.
   * Float fields ignore it (their scores are exact already).
   */
  public QuiverKnnQueryBuilder oversample(Float oversample) {
    this.rescore = rescore.withOversample(field, oversample);
    return this;
  }

  /** Sets {@code rescore.bounded} (see {@link KnnRescore}); null for the default. */
  public QuiverKnnQueryBuilder boundedRescore(Boolean bounded) {
    this.rescore = rescore.withBounded(bounded);
    return this;
  }

  @Override
  protected void doXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(NAME);
    builder.field(FIELD.getPreferredName(), field);
    float[] v = resolvedVector();
    if (v != null) {
      builder.array(VECTOR.getPreferredName(), v);
    } else {
      builder.field(QUERY_TEXT.getPreferredName(), queryText);
    }
    if (model != null) {
      builder.field(MODEL.getPreferredName(), model);
    }
    builder.field(K.getPreferredName(), k);
    builder.field(NUM_CANDIDATES.getPreferredName(), numCandidates);
    if (filter != null) {
      builder.field(FILTER.getPreferredName(), filter);
    }
    if (minScore != null) {
      builder.field(MIN_SCORE.getPreferredName(), minScore);
    }
    rescore.toXContent(builder);
    printBoostAndQueryName(builder);
    builder.endObject();
  }

  /** Parses the query body; unknown keys and wrong types are 400s naming the key. */
  public static QuiverKnnQueryBuilder fromXContent(XContentParser parser, QueryEmbedder embedder)
      throws IOException {
    String field = null;
    float[] vector = null;
    String queryText = null;
    String model = null;
    Integer k = null;
    Integer numCandidates = null;
    QueryBuilder filter = null;
    Float minScore = null;
    KnnRescore.Parsed rescore = null;
    float boost = DEFAULT_BOOST;
    String queryName = null;
    String current = null;
    Token token;
    while ((token = parser.nextToken()) != Token.END_OBJECT) {
      if (token == Token.FIELD_NAME) {
        current = parser.currentName();
      } else if (FILTER.match(current, parser.getDeprecationHandler())) {
        if (token != Token.START_OBJECT) {
          throw KnnQueryValues.error(parser, "[filter] must be a query object");
        }
        filter = parseInnerQueryBuilder(parser);
      } else if (RESCORE.match(current, parser.getDeprecationHandler())) {
        rescore = KnnQueryValues.parseRescore(parser, token);
      } else if (VECTOR.match(current, parser.getDeprecationHandler())) {
        vector = KnnQueryValues.parseVector(parser, token);
      } else if (token.isValue() == false) {
        throw KnnQueryValues.error(
            parser, "[" + current + "] must be a value, got [" + token + "]");
      } else if (FIELD.match(current, parser.getDeprecationHandler())) {
        field = parser.text();
      } else if (QUERY_TEXT.match(current, parser.getDeprecationHandler())) {
        queryText = parser.text();
      } else if (MODEL.match(current, parser.getDeprecationHandler())) {
        model = parser.text();
      } else if (K.match(current, parser.getDeprecationHandler())) {
        k = KnnQueryValues.intValue(parser, current, token);
      } else if (NUM_CANDIDATES.match(current, parser.getDeprecationHandler())) {
        numCandidates = KnnQueryValues.intValue(parser, current, token);
      } else if (MIN_SCORE.match(current, parser.getDeprecationHandler())) {
        minScore = parser.floatValue();
      } else if (BOOST_FIELD.match(current, parser.getDeprecationHandler())) {
        boost = parser.floatValue();
      } else if (NAME_FIELD.match(current, parser.getDeprecationHandler())) {
        queryName = parser.text();
      } else {
        throw KnnQueryValues.error(
            parser,
            "unknown field ["
                + current
                + "], expected one of [field, vector, query_text, model, k, num_candidates, filter,"
                + " min_score, rescore, boost, _name]");
      }
    }
    if (k == null) {
      throw KnnQueryValues.error(parser, "requires [k]");
    }
    if (vector != null && queryText != null) {
      throw KnnQueryValues.error(parser, "takes [vector] or [query_text], not both");
    }
    try {
      QuiverKnnQueryBuilder builder =
          queryText != null
              ? ofText(field, queryText, model, k, numCandidates, filter, minScore, embedder)
              : new QuiverKnnQueryBuilder(
                  field,
                  requireVector(vector),
                  null,
                  model,
                  k,
                  numCandidates,
                  filter,
                  minScore,
                  null,
                  null);
      builder.rescore = rescore == null ? KnnRescore.NONE : rescore.checked(field);
      return builder.boost(boost).queryName(queryName);
    } catch (IllegalArgumentException e) {
      throw QueryChecks.parsingException(parser, NAME, e);
    }
  }

  private float[] resolvedVector() {
    return vector != null ? vector : pendingVector == null ? null : pendingVector.get();
  }

  /**
   * Rewrites the filter, and embeds {@code query_text} once, asynchronously, on the node that
   * coordinates the search (on Quiver's inference threads): shards receive the vector.
   */
  @Override
  protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
    if (vector == null) {
      if (pendingVector != null) {
        float[] v = pendingVector.get();
        return v == null ? this : with(v, filter, null);
      }
      if (context.convertToShardContext() != null) {
        throw notEmbedded();
      }
      CoordinatorEmbedding.requireEngine(NAME, embedder);
      String text = queryText;
      String modelName = CoordinatorEmbedding.modelFor(context, embedder, field, model);
      return withModel(
          modelName, CoordinatorEmbedding.register(context, () -> embedder.embed(modelName, text)));
    }
    if (filter == null) {
      return this;
    }
    QueryBuilder rewritten = filter.rewrite(context);
    if (rewritten == filter) {
      return this;
    }
    return with(vector, rewritten, null);
  }

  @Override
  protected Query doToQuery(QueryShardContext context) throws IOException {
    float[] vector = resolvedVector();
    if (vector == null) {
      throw notEmbedded();
    }
    MappedFieldType type = context.fieldMapper(field);
    if (type == null) {
      return new MatchNoDocsQuery("field [" + field + "] is not mapped");
    }
    if (!(type.unwrap() instanceof QuiverVectorFieldType quiver)) {
      throw QueryChecks.wrongFieldType(
          context, NAME, field, type, QuiverVectorFieldMapper.CONTENT_TYPE);
    }
    ModelCheck.check(context, field, quiver, model, vector.length);
    if (vector.length != quiver.dims()) {
      throw new QueryShardException(
          context,
          "["
              + NAME
              + "] field ["
              + field
              + "] has "
              + quiver.dims()
              + " dimensions but the query vector has "
              + vector.length);
    }
    float[] target;
    try {
      target = quiver.similarity().prepare(field, "query vector", vector);
    } catch (IllegalArgumentException e) {
      throw new QueryShardException(context, "[" + NAME + "] " + e.getMessage());
    }
    Query luceneFilter = filter == null ? null : filter.toQuery(context);
    // Quantized fields: the graph beam is max(num_candidates, ceil(oversample * k)); each segment's
    // best ceil(oversample * k) hits by estimate are rescored exactly (ExactRescoring).
    int rescoreCandidates = 0;
    int beam = numCandidates;
    QuiverIndexOptions options = quiver.indexOptions();
    if (options.quantized()) {
      float factor = rescore.oversample() != null ? rescore.oversample() : options.oversample();
      rescoreCandidates = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(factor * (double) k));
      beam = Math.max(numCandidates, rescoreCandidates);
    }
    ShardKnnOptions shard =
        new ShardKnnOptions(
            k, minScore, rescoreCandidates, rescore.boundedOrDefault(options.bits()));
    NestedLevel nested = NestedLevel.of(context, field);
    if (nested != null) {
      return NestedKnnQueries.create(context, nested, field, target, beam, luceneFilter, shard);
    }
    return new QuiverKnnQuery(field, target, beam, luceneFilter, shard);
  }

  /** This query, waiting for the vector of its text embedded with {@code modelName}. */
  private QuiverKnnQueryBuilder withModel(String modelName, Supplier<float[]> pending) {
    QuiverKnnQueryBuilder copy =
        new QuiverKnnQueryBuilder(
            field,
            null,
            queryText,
            modelName,
            k,
            numCandidates,
            filter,
            minScore,
            embedder,
            pending);
    copy.rescore = rescore;
    copy.boost(boost).queryName(queryName);
    return copy;
  }

  private static IllegalArgumentException notEmbedded() {
    return new IllegalArgumentException(
        "["
            + NAME
            + "] [query_text] is only embedded in a search request's query (on the coordinating"
            + " node); here (an alias filter, a percolator query, ...) give the [vector] instead");
  }

  /**
   * Equal builders stay equal: the vector of a pending {@code query_text} embedding is not part of
   * equality (nor of the hash), the text and model are.
   */
  @Override
  protected boolean doEquals(QuiverKnnQueryBuilder other) {
    return field.equals(other.field)
        && Arrays.equals(vector, other.vector)
        && Objects.equals(queryText, other.queryText)
        && Objects.equals(model, other.model)
        && k == other.k
        && numCandidates == other.numCandidates
        && Objects.equals(filter, other.filter)
        && Objects.equals(minScore, other.minScore)
        && rescore.equals(other.rescore);
  }

  @Override
  protected int doHashCode() {
    return Objects.hash(
        field,
        Arrays.hashCode(vector),
        queryText,
        model,
        k,
        numCandidates,
        filter,
        minScore,
        rescore);
  }

  @Override
  public String getWriteableName() {
    return NAME;
  }
}
