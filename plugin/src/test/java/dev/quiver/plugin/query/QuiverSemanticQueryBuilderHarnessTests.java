package dev.quiver.plugin.query;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;

import dev.quiver.plugin.QuiverPlugin;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.opensearch.core.common.ParsingException;
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

  /** A field no mapping of the harness holds: a shard matches nothing on it. */
  private static final String FIELD = "body";

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
    return List.of(QuiverPlugin.class, TestGeoShapeFieldMapperPlugin.class);
  }

  private static QuiverSemanticQueryBuilder randomText() {
    int k = randomIntBetween(1, 50);
    Integer numCandidates = randomBoolean() ? null : randomIntBetween(k, 500);
    QueryBuilder filter =
        randomBoolean()
            ? null
            : QueryBuilders.termQuery(KEYWORD_FIELD_NAME, randomAlphaOfLength(5));
    return new QuiverSemanticQueryBuilder(
        FIELD,
        randomAlphaOfLengthBetween(1, 20),
        k,
        numCandidates,
        filter,
        randomBoolean(),
        EMBEDDER);
  }

  @Override
  protected QuiverSemanticQueryBuilder doCreateTestQueryBuilder() {
    QuiverSemanticQueryBuilder text = randomText();
    if (randomBoolean()) {
      return text;
    }
    try {
      return (QuiverSemanticQueryBuilder)
          CoordinatorRewrite.rewrite(text, xContentRegistry(), namedWriteableRegistry());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected void doAssertLuceneQuery(
      QuiverSemanticQueryBuilder builder, Query query, QueryShardContext context) {
    assertThat(query, instanceOf(MatchNoDocsQuery.class)); // the field is not mapped here
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
