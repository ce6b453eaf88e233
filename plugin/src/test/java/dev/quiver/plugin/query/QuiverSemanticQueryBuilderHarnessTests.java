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
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.query.QueryShardException;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.AbstractQueryTestCase;
import org.opensearch.test.TestGeoShapeFieldMapperPlugin;

/**
 * {@code quiver_semantic} under OpenSearch's query-builder harness: random builders (as sent, and
 * embedded as shards receive them) through the wire and XContent round trips, equality, boost and
 * name, and {@code toQuery} on a shard; plus the bad inputs, the field-type check and the
 * coordinator's embedding of {@code query}.
 */
public class QuiverSemanticQueryBuilderHarnessTests
    extends AbstractQueryTestCase<QuiverSemanticQueryBuilder> {

  /** A semantic field (the stub mapper's) with its hidden vectors field. */
  private static final String FIELD = "body";

  /** A field no mapping of the harness holds: a shard matches nothing on it. */
  private static final String UNMAPPED = "nowhere";

  /** Stands in for the ONNX model: a vector that depends on the text and model. */
  private static final QueryEmbedder EMBEDDER =
      new QueryEmbedder() {
        @Override
        public CompletableFuture<float[]> embed(String model, String text) {
          return CompletableFuture.completedFuture(
              new float[] {1f, text.length(), text.charAt(0), model.length()});
        }
      };

  @Override
  protected Collection<Class<? extends Plugin>> getPlugins() {
    return List.of(
        QuiverPlugin.class, TestGeoShapeFieldMapperPlugin.class, SemanticFieldStubPlugin.class);
  }

  @Override
  protected void initializeAdditionalMappings(MapperService mapperService) throws IOException {
    mapperService.merge(
        "_doc",
        new CompressedXContent(
            """
            {"properties": {
              "body": {"type": "%s"},
              "other_model": {"type": "%s", "model": "another-model"},
              "_quiver_semantic": {"properties": {
                "body": {"properties": {"vectors": {"type": "quiver_multi_vector", "dims": 4,
                  "fde": {"repetitions": 2, "simhash_bits": 2, "projection_dims": 2,
                          "index_type": "hnsw"}}}},
                "other_model": {"properties": {"vectors": {"type": "quiver_multi_vector",
                  "dims": 4, "fde": {"repetitions": 2, "simhash_bits": 2, "projection_dims": 2}}}}
              }}}}
            """
                .formatted(SemanticFieldStubPlugin.TYPE, SemanticFieldStubPlugin.TYPE)),
        MapperService.MergeReason.MAPPING_UPDATE);
  }

  private static QuiverSemanticQueryBuilder randomText() {
    return randomText(FIELD);
  }

  private static QuiverSemanticQueryBuilder randomText(String field) {
    int k = randomIntBetween(1, 50);
    Integer numCandidates = randomBoolean() ? null : randomIntBetween(k, 500);
    QueryBuilder filter =
        randomBoolean()
            ? null
            : QueryBuilders.termQuery(KEYWORD_FIELD_NAME, randomAlphaOfLength(5));
    return new QuiverSemanticQueryBuilder(
        field,
        randomAlphaOfLengthBetween(1, 20),
        k,
        numCandidates,
        filter,
        randomBoolean(),
        EMBEDDER);
  }

  private QuiverSemanticQueryBuilder embedded(QuiverSemanticQueryBuilder text) {
    try {
      return (QuiverSemanticQueryBuilder)
          CoordinatorRewrite.rewrite(text, xContentRegistry(), namedWriteableRegistry());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Embedded on the semantic field (as shards receive it), or as sent on an unmapped field (which a
   * shard matches nothing on, embedded or not).
   */
  @Override
  protected QuiverSemanticQueryBuilder doCreateTestQueryBuilder() {
    if (randomBoolean()) {
      return embedded(randomText());
    }
    QuiverSemanticQueryBuilder unmapped = randomText(UNMAPPED);
    return randomBoolean() ? unmapped : embedded(unmapped);
  }

  @Override
  protected void doAssertLuceneQuery(
      QuiverSemanticQueryBuilder builder, Query query, QueryShardContext context) {
    if (builder.field().equals(UNMAPPED)) {
      assertThat(query, instanceOf(MatchNoDocsQuery.class));
      return;
    }
    if (builder.returnChunk()) {
      assertThat(query, instanceOf(MatchedChunkQuery.class));
      assertEquals(FIELD, ((MatchedChunkQuery) query).field());
      query = ((MatchedChunkQuery) query).query();
    }
    assertThat(query, instanceOf(MaxSimQuery.class));
    String description = query.toString();
    assertThat(description, containsString("field=_quiver_semantic.body.vectors"));
    assertThat(description, containsString("vectors=1,"));
    assertThat(description, containsString("k=" + builder.k()));
    assertThat(description, containsString("num_candidates=" + builder.numCandidates()));
    assertEquals(builder.filter() != null, description.contains("filter="));
  }

  public void testAnUnembeddedQueryOnASemanticFieldIsABadRequest() {
    QueryShardException e =
        expectThrows(QueryShardException.class, () -> randomText().toQuery(createShardContext()));
    assertThat(
        e.getMessage(), containsString("[quiver_semantic] field [body]: [query] was not embedded"));
  }

  public void testAQueryOfAnotherModelIsRefused() {
    QueryShardException e =
        expectThrows(
            QueryShardException.class,
            () -> embedded(randomText("other_model")).toQuery(createShardContext()));
    assertThat(
        e.getMessage(),
        containsString(
            "field [other_model] is mapped with model [another-model] in index ["
                + createShardContext().index().getName()
                + "], but the"
                + " query was embedded with ["
                + QuiverKnnQueryBuilder.DEFAULT_MODEL
                + "]"));
  }

  public void testAFieldOfAnotherTypeIsRefusedNamingIt() {
    QueryShardException e =
        expectThrows(
            QueryShardException.class,
            () ->
                new QuiverSemanticQueryBuilder(TEXT_FIELD_NAME, "x", 3, null, null, false, EMBEDDER)
                    .toQuery(createShardContext()));
    assertThat(
        e.getMessage(),
        containsString(
            "[quiver_semantic] field ["
                + TEXT_FIELD_NAME
                + "] is of type [text], but [quiver_semantic] needs a [quiver_semantic] field"));
  }

  public void testQueryIsEmbeddedByTheCoordinatorRewriteAndShardsReceiveTheVector()
      throws Exception {
    QuiverSemanticQueryBuilder text =
        new QuiverSemanticQueryBuilder(
            FIELD, "how do vaccines work", 7, null, null, true, EMBEDDER);
    QuiverSemanticQueryBuilder embedded =
        (QuiverSemanticQueryBuilder)
            CoordinatorRewrite.rewrite(text, xContentRegistry(), namedWriteableRegistry());
    assertEquals(QuiverKnnQueryBuilder.DEFAULT_MODEL, embedded.model());
    assertThat(embedded.toString(), containsString("\"vector\""));
    assertEquals(embedded, assertSerialization(embedded));
    assertEquals(embedded, parseQuery(embedded.toString()));
    assertNotEquals(text, embedded);
    assertEquals(7, embedded.k());
    assertEquals(200, embedded.numCandidates());
    assertTrue(embedded.returnChunk());
  }

  public void testFilterIsRewrittenAndKeptThroughTheEmbedding() throws Exception {
    QueryBuilder filter = QueryBuilders.termQuery(KEYWORD_FIELD_NAME, "a");
    QuiverSemanticQueryBuilder embedded =
        (QuiverSemanticQueryBuilder)
            CoordinatorRewrite.rewrite(
                new QuiverSemanticQueryBuilder(FIELD, "q", 3, 30, filter, false, EMBEDDER),
                xContentRegistry(),
                namedWriteableRegistry());
    assertEquals(filter, embedded.filter());
    assertEquals(30, embedded.numCandidates());
    QuiverSemanticQueryBuilder both = embedded.withFilter(QueryBuilders.boolQuery().filter(filter));
    assertThat(both.filter(), instanceOf(BoolQueryBuilder.class));
    assertEquals(embedded.model(), both.model());
  }

  public void testComposesInBool() throws Exception {
    QueryBuilder bool =
        QueryBuilders.boolQuery()
            .should(new QuiverSemanticQueryBuilder(FIELD, "q", 3, null, null, false, EMBEDDER))
            .should(QueryBuilders.matchQuery(TEXT_FIELD_NAME, "q"));
    QueryBuilder rewritten =
        CoordinatorRewrite.rewrite(bool, xContentRegistry(), namedWriteableRegistry());
    assertThat(rewritten.toString(), containsString("\"vector\""));
    assertEquals(rewritten, parseQuery(rewritten.toString()));
  }

  public void testBadBodiesAreParsingErrorsNamingTheProblem() {
    String[][] cases = {
      {"{\"quiver_semantic\": {\"field\": \"body\"}}", "requires [query]"},
      {"{\"quiver_semantic\": {\"query\": \"x\"}}", "requires [field]"},
      {"{\"quiver_semantic\": {\"field\": \"body\", \"query\": \" \"}}", "must be a non-empty"},
      {"{\"quiver_semantic\": {\"field\": \"body\", \"query\": 3}}", "[query] must be a string"},
      {
        "{\"quiver_semantic\": {\"field\": \"body\", \"query\": \"x\", \"k\": 0}}", "[k] must be in"
      },
      {"{\"quiver_semantic\": {\"field\": \"body\", \"query\": \"x\", \"k\": 1.5}}", "integer"},
      {
        "{\"quiver_semantic\": {\"field\": \"body\", \"query\": \"x\", \"k\": 5,"
            + " \"num_candidates\": 2}}",
        "[num_candidates] must be in [k"
      },
      {
        "{\"quiver_semantic\": {\"field\": \"body\", \"query\": \"x\", \"return_chunk\": 1}}",
        "[return_chunk] must be true or false"
      },
      {
        "{\"quiver_semantic\": {\"field\": \"body\", \"query\": \"x\", \"filter\": 1}}",
        "[filter] must be a query object"
      },
      {
        "{\"quiver_semantic\": {\"field\": \"body\", \"query\": \"x\", \"vector\": [1, 2]}}",
        "needs the [model]"
      },
      {
        "{\"quiver_semantic\": {\"field\": \"body\", \"query\": \"x\", \"nope\": 1}}",
        "unknown field [nope]"
      },
    };
    for (String[] c : cases) {
      ParsingException e = expectThrows(ParsingException.class, () -> parseQuery(c[0]));
      assertThat(c[0], e.getMessage(), containsString(c[1]));
      assertThat(c[0], e.getMessage(), containsString("[quiver_semantic]"));
    }
  }

  public void testBestChunkIsTheArgmaxOfTheDotProducts() {
    float[] chunks = {1, 0, 0, 0, 0, 1, 0, 0, 0.6f, 0.8f, 0, 0};
    assertEquals(1, MatchedChunkFetchPhase.bestChunk(chunks, new float[] {0.1f, 0.9f, 0, 0}));
    assertEquals(0, MatchedChunkFetchPhase.bestChunk(chunks, new float[] {0.9f, 0.1f, 0, 0}));
    assertEquals(2, MatchedChunkFetchPhase.bestChunk(chunks, new float[] {0.7f, 0.7f, 0, 0}));
  }
}
