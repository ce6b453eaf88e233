package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.QuiverMultiVectorFieldMapper;
import dev.quiver.plugin.mapper.QuiverMultiVectorFieldType;
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
import org.opensearch.index.mapper.ObjectMapper;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryRewriteContext;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;

/**
 * The {@code quiver_maxsim} query over a {@code quiver_multi_vector} field:
 *
 * <pre>
 * {"quiver_maxsim": {"field": "tokens", "vectors": [[..], [..]], "k": 10, "num_candidates": 200,
 *                    "fde_oversample": 4, "filter": {..}, "exact": false, "boost": 1.0,
 *                    "_name": ".."}}
 * </pre>
 *
 * <p>Instead of {@code vectors}, {@code query_text} is embedded into per-token query vectors when
 * the search is rewritten on the coordinating node, by {@code model}, else the field's mapped
 * {@code model}, else {@link QuiverKnnQueryBuilder#DEFAULT_MODEL}; one of the two is required. A
 * query whose {@code model} is not the field's is a 400.
 *
 * <p>Each shard encodes the query vectors into the field's FDE, gathers the {@code num_candidates}
 * (default {@link #defaultNumCandidates}) nearest FDE vectors (the filter applied during the graph
 * search; on a quantized FDE the best by float FDE of {@code fde_oversample} times as many hits on
 * the codes, {@link #DEFAULT_FDE_OVERSAMPLE}), scores them by exact MaxSim over their stored
 * vectors and returns its best {@code k} with MaxSim scores. With {@code exact: true} every
 * matching document is scored by MaxSim instead (for evaluation and small indices). See {@link
 * MaxSimQuery}. A field inside a {@code nested} object is scored per nested document, so it is
 * searched inside a {@code nested} query on that object (which scores each parent by its children);
 * elsewhere it is a 400.
 */
public final class QuiverMaxSimQueryBuilder extends AbstractQueryBuilder<QuiverMaxSimQueryBuilder> {

  public static final String NAME = "quiver_maxsim";

  public static final int DEFAULT_K = 10;

  private static final ParseField FIELD = new ParseField("field");
  private static final ParseField VECTORS = new ParseField("vectors");
  private static final ParseField QUERY_TEXT = new ParseField("query_text");
  private static final ParseField MODEL = new ParseField("model");
  private static final ParseField K = new ParseField("k");
  private static final ParseField NUM_CANDIDATES = new ParseField("num_candidates");
  private static final ParseField FILTER = new ParseField("filter");
  private static final ParseField EXACT = new ParseField("exact");
  private static final ParseField FDE_OVERSAMPLE = new ParseField("fde_oversample");

  /**
   * FDE candidates gathered on a quantized FDE graph per candidate reranked by MaxSim, when the
   * query gives no {@code fde_oversample}: the graph returns {@code ceil(fde_oversample x
   * num_candidates)} hits by their codes' estimates, those are rescored by the exact inner product
   * of their float FDEs (a 10,240-dim dot product, about 40 KB read, far cheaper than a MaxSim over
   * a document's stored vectors), and the best {@code num_candidates} by exact FDE score are
   * reranked by MaxSim. Measured on SciFact token vectors (bge-small, default FDE, {@code
   * int1_hnsw}, 2,720 documents, 50 test queries; {@code
   * qa/bench/results/multivector-2026-12-02-2.txt}): recall@10 against exact MaxSim at
   * num_candidates 100 was 0.812/0.866/0.886 at oversample 1/2/4 and 0.882 when every document's
   * float FDE was scored (FDE brute force); at 200, 0.902/0.952/ 0.950 and 0.950 brute force. So 4
   * recovers all that the 1-bit codes and the graph lose and leaves only the FDE's own error, at no
   * measurable latency cost (p50 103 against 102 ms at 200 under load; MaxSim over the candidates
   * dominates).
   */
  public static final float DEFAULT_FDE_OVERSAMPLE = 4f;

  /** The largest {@code fde_oversample}, as for {@code quiver_knn}'s {@code rescore.oversample}. */
  public static final float MAX_FDE_OVERSAMPLE = 100f;

  private final String field;
  private final float[][] vectors;
  private final String queryText;
  private final String model;
  private final int k;
  private final int numCandidates;
  private final QueryBuilder filter;
  private final boolean exact;
  private final QueryEmbedder embedder;
  private final Supplier<float[][]> pendingVectors;
  private Float fdeOversample;

  /** A query by vectors. */
  public QuiverMaxSimQueryBuilder(
      String field,
      float[][] vectors,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      boolean exact) {
    this(field, vectors, null, null, k, numCandidates, filter, exact, null, null);
    checkVectors(field, vectors);
  }

  /**
   * A query by text, embedded into token vectors at rewrite with {@code model} (or the default).
   */
  public static QuiverMaxSimQueryBuilder ofText(
      String field,
      String queryText,
      String model,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      boolean exact,
      QueryEmbedder embedder) {
    if (queryText == null || queryText.isBlank()) {
      throw new IllegalArgumentException(
          "[" + NAME + "] field [" + field + "]: [query_text] must not be empty");
    }
    return new QuiverMaxSimQueryBuilder(
        field, null, queryText, model, k, numCandidates, filter, exact, embedder, null);
  }

  private QuiverMaxSimQueryBuilder(
      String field,
      float[][] vectors,
      String queryText,
      String model,
      int k,
      Integer numCandidates,
      QueryBuilder filter,
      boolean exact,
      QueryEmbedder embedder,
      Supplier<float[][]> pendingVectors) {
    QueryChecks.requireField(NAME, field);
    QueryChecks.checkK(NAME, k);
    int candidates = numCandidates == null ? defaultNumCandidates(k) : numCandidates;
    QueryChecks.checkNumCandidates(NAME, k, candidates);
    this.field = field;
    this.vectors = vectors;
    this.queryText = queryText;
    this.model = model;
    this.k = k;
    this.numCandidates = candidates;
    this.filter = filter;
    this.exact = exact;
    this.embedder = embedder;
    this.pendingVectors = pendingVectors;
  }

  /**
   * The candidates gathered when none is given: 400, or k when k is larger. On SciFact token
   * vectors (5,183 documents, int1_hnsw FDE, 100 test queries) recall@10 against {@code exact:
   * true} was 0.93 at 200 and 0.97 at 400 (the README's multi-vector figures).
   */
  public static int defaultNumCandidates(int k) {
    return Math.max(k, 400);
  }

  /** Refuses missing, empty, ragged and non-finite query vectors, naming the field. */
  static void checkVectors(String field, float[][] vectors) {
    String where = "[" + NAME + "] field [" + field + "]: ";
    if (vectors == null) {
      throw new IllegalArgumentException(where + "requires [vectors] or [query_text]");
    }
    if (vectors.length == 0) {
      throw new IllegalArgumentException(where + "[vectors] must not be empty");
    }
    if (vectors.length > QuiverMultiVectorFieldMapper.MAX_MAX_VECTORS) {
      throw new IllegalArgumentException(
          where
              + "[vectors] holds "
              + vectors.length
              + " vectors, more than "
              + QuiverMultiVectorFieldMapper.MAX_MAX_VECTORS);
    }
    for (int r = 0; r < vectors.length; r++) {
      if (vectors[r].length == 0 || vectors[r].length != vectors[0].length) {
        throw new IllegalArgumentException(
            where
                + "[vectors] must all have the same length; vector ["
                + r
                + "] has "
                + vectors[r].length
                + " elements, vector [0] has "
                + vectors[0].length);
      }
      for (int i = 0; i < vectors[r].length; i++) {
        if (Float.isFinite(vectors[r][i]) == false) {
          throw new IllegalArgumentException(
              where + "[vectors] element [" + r + "][" + i + "] is not a finite float32");
        }
      }
    }
  }

  public QuiverMaxSimQueryBuilder(StreamInput in, QueryEmbedder embedder) throws IOException {
    super(in);
    this.field = in.readString();
    if (in.readBoolean()) {
      float[][] v = new float[in.readVInt()][];
      for (int i = 0; i < v.length; i++) {
        v[i] = in.readFloatArray();
      }
      this.vectors = v;
    } else {
      this.vectors = null;
    }
    this.queryText = in.readOptionalString();
    this.model = in.readOptionalString();
    this.k = in.readVInt();
    this.numCandidates = in.readVInt();
    this.filter = in.readOptionalNamedWriteable(QueryBuilder.class);
    this.exact = in.readBoolean();
    this.fdeOversample = in.readOptionalFloat();
    this.embedder = embedder;
    this.pendingVectors = null;
  }

  @Override
  protected void doWriteTo(StreamOutput out) throws IOException {
    out.writeString(field);
    float[][] v = resolvedVectors();
    out.writeBoolean(v != null);
    if (v != null) {
      out.writeVInt(v.length);
      for (float[] row : v) {
        out.writeFloatArray(row);
      }
    }
    out.writeOptionalString(v != null ? null : queryText);
    out.writeOptionalString(model);
    out.writeVInt(k);
    out.writeVInt(numCandidates);
    out.writeOptionalNamedWriteable(filter);
    out.writeBoolean(exact);
    out.writeOptionalFloat(fdeOversample);
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

  public boolean exact() {
    return exact;
  }

  /** The {@code fde_oversample} given, or null (then {@link #DEFAULT_FDE_OVERSAMPLE}). */
  public Float fdeOversample() {
    return fdeOversample;
  }

  /**
   * Sets {@code fde_oversample}: FDE candidates gathered on a quantized FDE graph per candidate
   * reranked, rescored by their float FDEs ({@link #DEFAULT_FDE_OVERSAMPLE}); {@code 1} rescores
   * only the {@code num_candidates} the codes ranked best; null: the default. Ignored on {@code
   * hnsw}/{@code flat} FDEs (their scores are exact already).
   */
  public QuiverMaxSimQueryBuilder fdeOversample(Float oversample) {
    if (oversample != null
        && (Float.isFinite(oversample) == false
            || oversample < 1f
            || oversample > MAX_FDE_OVERSAMPLE)) {
      throw new IllegalArgumentException(
          "["
              + NAME
              + "] field ["
              + field
              + "]: [fde_oversample] must be in [1, "
              + (int) MAX_FDE_OVERSAMPLE
              + "], got ["
              + oversample
              + "]");
    }
    this.fdeOversample = oversample;
    return this;
  }

  @Override
  protected void doXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject(NAME);
    builder.field(FIELD.getPreferredName(), field);
    float[][] v = resolvedVectors();
    if (v != null) {
      builder.startArray(VECTORS.getPreferredName());
      for (float[] row : v) {
        builder.value(row);
      }
      builder.endArray();
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
    builder.field(EXACT.getPreferredName(), exact);
    if (fdeOversample != null) {
      builder.field(FDE_OVERSAMPLE.getPreferredName(), fdeOversample);
    }
    printBoostAndQueryName(builder);
    builder.endObject();
  }

  /** Parses the query body; unknown keys, wrong types and bad vectors are 400s naming them. */
  public static QuiverMaxSimQueryBuilder fromXContent(XContentParser parser, QueryEmbedder embedder)
      throws IOException {
    String field = null;
    float[][] vectors = null;
    String queryText = null;
    String model = null;
    int k = DEFAULT_K;
    Integer numCandidates = null;
    QueryBuilder filter = null;
    boolean exact = false;
    Float fdeOversample = null;
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
      } else if (VECTORS.match(current, parser.getDeprecationHandler())) {
        vectors = MaxSimQueryValues.parseVectors(parser, token);
      } else if (token.isValue() == false) {
        throw error(parser, "[" + current + "] must be a value, got [" + token + "]");
      } else if (FIELD.match(current, parser.getDeprecationHandler())) {
        field = parser.text();
      } else if (QUERY_TEXT.match(current, parser.getDeprecationHandler())) {
        queryText = parser.text();
      } else if (MODEL.match(current, parser.getDeprecationHandler())) {
        model = parser.text();
      } else if (K.match(current, parser.getDeprecationHandler())) {
        k = MaxSimQueryValues.intValue(parser, current, token);
      } else if (NUM_CANDIDATES.match(current, parser.getDeprecationHandler())) {
        numCandidates = MaxSimQueryValues.intValue(parser, current, token);
      } else if (EXACT.match(current, parser.getDeprecationHandler())) {
        if (token != Token.VALUE_BOOLEAN) {
          throw error(parser, "[exact] must be true or false, got [" + parser.text() + "]");
        }
        exact = parser.booleanValue();
      } else if (FDE_OVERSAMPLE.match(current, parser.getDeprecationHandler())) {
        if (token != Token.VALUE_NUMBER) {
          throw error(parser, "[fde_oversample] must be a number, got [" + parser.text() + "]");
        }
        fdeOversample = parser.floatValue();
      } else if (BOOST_FIELD.match(current, parser.getDeprecationHandler())) {
        boost = parser.floatValue();
      } else if (NAME_FIELD.match(current, parser.getDeprecationHandler())) {
        queryName = parser.text();
      } else {
        throw error(
            parser,
            "unknown field ["
                + current
                + "], expected one of [field, vectors, query_text, model, k, num_candidates,"
                + " filter, exact, fde_oversample, boost, _name]");
      }
    }
    if (vectors != null && queryText != null) {
      throw error(parser, "field [" + field + "]: takes [vectors] or [query_text], not both");
    }
    if (vectors == null && queryText == null) {
      throw error(parser, "field [" + field + "]: requires [vectors] or [query_text]");
    }
    try {
      QuiverMaxSimQueryBuilder builder =
          queryText != null
              ? ofText(field, queryText, model, k, numCandidates, filter, exact, embedder)
              : new QuiverMaxSimQueryBuilder(field, vectors, k, numCandidates, filter, exact)
                  .withModel(model);
      return builder.fdeOversample(fdeOversample).boost(boost).queryName(queryName);
    } catch (IllegalArgumentException e) {
      throw QueryChecks.parsingException(parser, NAME, e);
    }
  }

  private static ParsingException error(XContentParser parser, String message) {
    return MaxSimQueryValues.error(parser, message);
  }

  private float[][] resolvedVectors() {
    return vectors != null ? vectors : pendingVectors == null ? null : pendingVectors.get();
  }

  private QuiverMaxSimQueryBuilder copy(
      float[][] newVectors, String newModel, QueryBuilder newFilter, Supplier<float[][]> pending) {
    QuiverMaxSimQueryBuilder copy =
        new QuiverMaxSimQueryBuilder(
            field,
            newVectors,
            newVectors == null ? queryText : null,
            newModel,
            k,
            numCandidates,
            newFilter,
            exact,
            embedder,
            pending);
    copy.fdeOversample = fdeOversample;
    copy.boost(boost).queryName(queryName);
    return copy;
  }

  private QuiverMaxSimQueryBuilder withModel(String newModel) {
    return newModel == null ? this : copy(vectors, newModel, filter, null);
  }

  /**
   * Rewrites the filter, and embeds {@code query_text} once, asynchronously, on the coordinating
   * node: shards receive the token vectors.
   */
  @Override
  protected QueryBuilder doRewrite(QueryRewriteContext context) throws IOException {
    if (vectors == null) {
      if (pendingVectors != null) {
        float[][] v = pendingVectors.get();
        return v == null ? this : copy(v, model, filter, null);
      }
      if (context.convertToShardContext() != null) {
        throw new IllegalArgumentException(
            "["
                + NAME
                + "] [query_text] is only embedded in a search request's query (on the"
                + " coordinating node); here give the [vectors] instead");
      }
      CoordinatorEmbedding.requireEngine(NAME, embedder);
      String text = queryText;
      String modelName = CoordinatorEmbedding.modelFor(context, embedder, field, model);
      return copy(
          null,
          modelName,
          filter,
          CoordinatorEmbedding.register(context, () -> embedder.embedTokens(modelName, text)));
    }
    if (filter == null) {
      return this;
    }
    QueryBuilder rewritten = filter.rewrite(context);
    return rewritten == filter ? this : copy(vectors, model, rewritten, null);
  }

  @Override
  protected Query doToQuery(QueryShardContext context) throws IOException {
    float[][] v = resolvedVectors();
    if (v == null) {
      throw new IllegalArgumentException(
          "[" + NAME + "] field [" + field + "]: [query_text] was not embedded");
    }
    MappedFieldType type = context.fieldMapper(field);
    if (type == null) {
      return new MatchNoDocsQuery("field [" + field + "] is not mapped");
    }
    if (!(type.unwrap() instanceof QuiverMultiVectorFieldType multi)) {
      throw QueryChecks.wrongFieldType(
          context, NAME, field, type, QuiverMultiVectorFieldMapper.CONTENT_TYPE);
    }
    NestedLevel nested = NestedLevel.of(context, field);
    ObjectMapper scope = context.nestedScope().getObjectMapper();
    if (nested != null && (scope == null || scope.fullPath().equals(nested.path()) == false)) {
      throw new QueryShardException(
          context,
          "["
              + NAME
              + "] field ["
              + field
              + "] is inside the nested object ["
              + nested.path()
              + "], whose documents it scores: use it inside a [nested] query on ["
              + nested.path()
              + "]");
    }
    if (model != null && multi.model() != null && multi.model().equals(model) == false) {
      throw new QueryShardException(
          context,
          "["
              + NAME
              + "] field ["
              + field
              + "] holds vectors of model ["
              + multi.model()
              + "], but the query vectors are of model ["
              + model
              + "]");
    }
    int dims = multi.dims();
    float[] flat = new float[v.length * dims];
    for (int r = 0; r < v.length; r++) {
      if (v[r].length != dims) {
        throw new QueryShardException(
            context,
            "["
                + NAME
                + "] field ["
                + field
                + "] has "
                + dims
                + " dimensions but query vector ["
                + r
                + "] has "
                + v[r].length
                + (model == null ? "" : " (model [" + model + "])"));
      }
      System.arraycopy(v[r], 0, flat, r * dims, dims);
    }
    float[] prepared;
    try {
      prepared = multi.prepare(field, "query vector", flat);
    } catch (IllegalArgumentException e) {
      throw new QueryShardException(context, "[" + NAME + "] " + e.getMessage());
    }
    float[] queryFde = exact ? null : multi.encoder().encodeQuery(prepared, v.length);
    Query luceneFilter = filter == null ? null : filter.toQuery(context);
    float oversample = fdeOversample != null ? fdeOversample : DEFAULT_FDE_OVERSAMPLE;
    int fdeCandidates =
        multi.fde().index().quantized()
            ? (int)
                Math.min(
                    QuiverKnnQueryBuilder.MAX_K, Math.ceil(oversample * (double) numCandidates))
            : 0;
    return new MaxSimQuery(
        field,
        multi.storedVectorsField(),
        prepared,
        dims,
        queryFde,
        k,
        numCandidates,
        fdeCandidates,
        luceneFilter,
        multi.fde().params().fingerprint(dims));
  }

  /**
   * The pending token vectors of {@code query_text} are not part of equality; text and model are.
   */
  @Override
  protected boolean doEquals(QuiverMaxSimQueryBuilder other) {
    return field.equals(other.field)
        && Arrays.deepEquals(vectors, other.vectors)
        && Objects.equals(queryText, other.queryText)
        && Objects.equals(model, other.model)
        && k == other.k
        && numCandidates == other.numCandidates
        && Objects.equals(filter, other.filter)
        && exact == other.exact
        && Objects.equals(fdeOversample, other.fdeOversample);
  }

  @Override
  protected int doHashCode() {
    return Objects.hash(
        field,
        Arrays.deepHashCode(vectors),
        queryText,
        model,
        k,
        numCandidates,
        filter,
        exact,
        fdeOversample);
  }

  @Override
  public String getWriteableName() {
    return NAME;
  }
}
