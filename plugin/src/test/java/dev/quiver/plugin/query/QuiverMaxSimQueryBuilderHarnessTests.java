package dev.quiver.plugin.query;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;

import dev.quiver.plugin.QuiverPlugin;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.common.compress.CompressedXContent;
import org.opensearch.core.common.ParsingException;
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.AbstractQueryTestCase;
import org.opensearch.test.TestGeoShapeFieldMapperPlugin;

/**
 * {@code quiver_maxsim} under OpenSearch's query-builder harness: random builders through the wire
 * and XContent round trips, equality and hash codes, boost and name, and {@code toQuery} on a shard
 * with a real {@code quiver_multi_vector} mapping; plus the bad inputs and {@code query_text}
 * embedded into token vectors by the coordinator's rewrite.
 */
public class QuiverMaxSimQueryBuilderHarnessTests
    extends AbstractQueryTestCase<QuiverMaxSimQueryBuilder> {

  private static final String FIELD = "mv";

  /** Stands in for the ONNX model: token vectors that depend on the text. */
  private static final QueryEmbedder EMBEDDER =
      new QueryEmbedder() {
        @Override
        public CompletableFuture<float[]> embed(String model, String text) {
          return CompletableFuture.failedFuture(new AssertionError("dense embedding not expected"));
        }

        @Override
        public CompletableFuture<float[][]> embedTokens(String model, String text) {
          float[][] tokens = new float[text.length()][];
          for (int i = 0; i < tokens.length; i++) {
            tokens[i] = new float[] {1f, text.charAt(i), i + 1f, model.length()};
          }
          return CompletableFuture.completedFuture(tokens);
        }
      };

  @Override
  protected Collection<Class<? extends Plugin>> getPlugins() {
    return List.of(QuiverPlugin.class, TestGeoShapeFieldMapperPlugin.class);
  }

  @Override
  protected void initializeAdditionalMappings(MapperService mapperService) throws IOException {
    mapperService.merge(
        "_doc",
        new CompressedXContent(
            """
            {"properties": {
              "mv": {"type": "quiver_multi_vector", "dims": 4,
                     "fde": {"repetitions": 2, "simhash_bits": 2, "projection_dims": 2,
                             "index_type": "hnsw"}},
              "mv_int1": {"type": "quiver_multi_vector", "dims": 4,
                     "fde": {"repetitions": 2, "simhash_bits": 2, "projection_dims": 2}},
              "passages": {"type": "nested", "properties": {
                "mv": {"type": "quiver_multi_vector", "dims": 4,
                       "fde": {"repetitions": 2, "simhash_bits": 2, "projection_dims": 2}}}}}}
            """),
        MapperService.MergeReason.MAPPING_UPDATE);
  }

  private static float[][] randomVectors() {
    float[][] v = new float[randomIntBetween(1, 5)][4];
    for (float[] row : v) {
      for (int i = 0; i < row.length; i++) {
        row[i] = randomFloat() + 0.01f; // never all zeros (cosine)
      }
    }
    return v;
  }

  @Override
  protected QuiverMaxSimQueryBuilder doCreateTestQueryBuilder() {
    int k = randomIntBetween(1, 50);
    Integer numCandidates = randomBoolean() ? null : randomIntBetween(k, 500);
    QueryBuilder filter =
        randomBoolean()
            ? null
            : QueryBuilders.termQuery(KEYWORD_FIELD_NAME, randomAlphaOfLength(5));
    return new QuiverMaxSimQueryBuilder(
            FIELD, randomVectors(), k, numCandidates, filter, randomBoolean())
        .fdeOversample(randomBoolean() ? null : randomIntBetween(1, 20) / 2f + 0.5f);
  }

  @Override
  protected void doAssertLuceneQuery(
      QuiverMaxSimQueryBuilder builder, Query query, QueryShardContext context) {
    assertThat(query, instanceOf(MaxSimQuery.class));
    String description = query.toString();
    assertThat(description, containsString("field=" + FIELD));
    assertThat(description, containsString("k=" + builder.k()));
    assertThat(
        description,
        containsString(builder.exact() ? "exact" : "num_candidates=" + builder.numCandidates()));
    assertEquals(builder.filter() != null, description.contains("filter="));
  }

  public void testQuantizedFdeCandidatesAreRescoredByTheirFloatFdes() throws IOException {
    Query byDefault =
        new QuiverMaxSimQueryBuilder("mv_int1", randomVectors(), 5, 30, null, false)
            .toQuery(createShardContext());
    assertThat(
        byDefault.toString(),
        containsString(
            "fde_rescored=" + (int) (30 * QuiverMaxSimQueryBuilder.DEFAULT_FDE_OVERSAMPLE)));
    Query given =
        new QuiverMaxSimQueryBuilder("mv_int1", randomVectors(), 5, 30, null, false)
            .fdeOversample(2.5f)
            .toQuery(createShardContext());
    assertThat(given.toString(), containsString("fde_rescored=75"));
    Query capped =
        new QuiverMaxSimQueryBuilder("mv_int1", randomVectors(), 5, 5000, null, false)
            .fdeOversample(100f)
            .toQuery(createShardContext());
    assertThat(capped.toString(), containsString("fde_rescored=" + QuiverKnnQueryBuilder.MAX_K));
    Query floatFde =
        new QuiverMaxSimQueryBuilder(FIELD, randomVectors(), 5, 30, null, false)
            .fdeOversample(4f)
            .toQuery(createShardContext());
    assertFalse(floatFde.toString(), floatFde.toString().contains("fde_rescored"));
  }

  public void testDefaultCandidatesAreFourHundredOrK() {
    assertEquals(400, QuiverMaxSimQueryBuilder.defaultNumCandidates(10));
    assertEquals(1000, QuiverMaxSimQueryBuilder.defaultNumCandidates(1000));
    // quiver_semantic (one query vector against passages) keeps 200
    assertEquals(200, QuiverSemanticQueryBuilder.defaultNumCandidates(10));
  }

  public void testUnmappedFieldMatchesNothing() throws IOException {
    Query q =
        new QuiverMaxSimQueryBuilder("nope", randomVectors(), 3, null, null, false)
            .toQuery(createShardContext());
    assertThat(q, instanceOf(MatchNoDocsQuery.class));
  }

  public void testAFieldOfAnotherTypeIsRefused() {
    QueryShardException e =
        expectThrows(
            QueryShardException.class,
            () ->
                new QuiverMaxSimQueryBuilder(TEXT_FIELD_NAME, randomVectors(), 3, null, null, false)
                    .toQuery(createShardContext()));
    assertThat(e.getMessage(), containsString("needs a [quiver_multi_vector] field"));
  }

  public void testANestedFieldIsSearchedInsideANestedQueryOnly() throws IOException {
    QuiverMaxSimQueryBuilder inner =
        new QuiverMaxSimQueryBuilder("passages.mv", randomVectors(), 3, null, null, false);
    QueryShardException e =
        expectThrows(QueryShardException.class, () -> inner.toQuery(createShardContext()));
    assertThat(e.getMessage(), containsString("use it inside a [nested] query on [passages]"));
    Query nested =
        QueryBuilders.nestedQuery("passages", inner, org.apache.lucene.search.join.ScoreMode.Max)
            .toQuery(createShardContext());
    assertThat(nested.toString(), containsString("QuiverMaxSimQuery[field=passages.mv"));
  }

  public void testDimensionMismatchNamesTheField() {
    QueryShardException e =
        expectThrows(
            QueryShardException.class,
            () ->
                new QuiverMaxSimQueryBuilder(
                        FIELD, new float[][] {{1f, 2f, 3f}}, 3, null, null, false)
                    .toQuery(createShardContext()));
    assertThat(e.getMessage(), containsString("field [mv] has 4 dimensions"));
  }

  public void testBadBodiesAreParsingErrorsNamingTheProblem() {
    String[][] cases = {
      {"{\"quiver_maxsim\": {\"field\": \"mv\", \"k\": 3}}", "requires [vectors] or [query_text]"},
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [[1,2,3,4]], \"query_text\": \"x\"}}",
        "takes [vectors] or [query_text], not both"
      },
      {"{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": []}}", "[vectors] must not be empty"},
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [[1,2,3,4],[1,2]]}}",
        "must all have the same length"
      },
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [1,2]}}",
        "must be an array of numbers"
      },
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [[1,2,3,4]], \"k\": 5,"
            + " \"num_candidates\": 2}}",
        "[num_candidates] must be in [k"
      },
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [[1,2,3,4]], \"exact\": 1}}",
        "[exact] must be true or false"
      },
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [[1,2,3,4]],"
            + " \"fde_oversample\": 0.5}}",
        "field [mv]: [fde_oversample] must be in [1, 100], got [0.5]"
      },
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [[1,2,3,4]],"
            + " \"fde_oversample\": \"x\"}}",
        "[fde_oversample] must be a number"
      },
      {
        "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": [[1,2,3,4]], \"nope\": 1}}",
        "unknown field [nope]"
      },
    };
    for (String[] c : cases) {
      ParsingException e = expectThrows(ParsingException.class, () -> parseQuery(c[0]));
      assertThat(c[0], e.getMessage(), containsString(c[1]));
      assertThat(c[0], e.getMessage(), containsString("[quiver_maxsim]"));
    }
  }

  private QuiverMaxSimQueryBuilder textQuery(String model) {
    return QuiverMaxSimQueryBuilder.ofText(
        FIELD, randomAlphaOfLengthBetween(1, 10), model, 5, null, null, false, EMBEDDER);
  }

  public void testQueryTextSurvivesWireAndXContent() throws IOException {
    for (String model : new String[] {null, "some-model"}) {
      QuiverMaxSimQueryBuilder text = textQuery(model);
      assertEquals(text, assertSerialization(text));
      assertEquals(text, parseQuery(text.toString()));
    }
  }

  public void testQueryTextIsEmbeddedIntoTokensByTheCoordinatorRewrite() throws Exception {
    QuiverMaxSimQueryBuilder text = textQuery(null);
    QuiverMaxSimQueryBuilder embedded =
        (QuiverMaxSimQueryBuilder)
            CoordinatorRewrite.rewrite(text, xContentRegistry(), namedWriteableRegistry());
    assertThat(embedded.toString(), containsString("\"vectors\""));
    assertThat(embedded.toString(), containsString(QuiverKnnQueryBuilder.DEFAULT_MODEL));
    assertEquals(embedded, assertSerialization(embedded));
    assertEquals(embedded, parseQuery(embedded.toString()));
    assertThat(embedded.toQuery(createShardContext()), instanceOf(MaxSimQuery.class));
  }

  public void testQueryTextReachingAShardUnembeddedIsABadRequest() {
    QuiverMaxSimQueryBuilder text = textQuery(null);
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> rewriteQuery(text, createShardContext()));
    assertThat(e.getMessage(), containsString("give the [vectors] instead"));
  }
}
