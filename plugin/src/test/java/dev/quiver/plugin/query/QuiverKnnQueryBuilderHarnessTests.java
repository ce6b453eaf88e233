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
import org.opensearch.index.mapper.MapperService;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.index.query.QueryShardContext;
import org.opensearch.index.search.OpenSearchToParentBlockJoinQuery;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.AbstractQueryTestCase;
import org.opensearch.test.TestGeoShapeFieldMapperPlugin;

/**
 * {@code quiver_knn} under OpenSearch's own query-builder harness: random builders through the wire
 * and XContent round trips, equality and hash codes, boost and name, cacheability and {@code
 * toQuery} on a shard with real mappings (a plain and a nested {@code quiver_vector}); plus {@code
 * query_text} before and after the coordinator's rewrite.
 */
public class QuiverKnnQueryBuilderHarnessTests
    extends AbstractQueryTestCase<QuiverKnnQueryBuilder> {

  private static final String FIELD = "emb";
  private static final String NESTED_FIELD = "passages.vec";

  /** Stands in for the ONNX model in these builder tests: a vector that depends on the text. */
  private static final QueryEmbedder EMBEDDER =
      (model, text) ->
          CompletableFuture.completedFuture(new float[] {text.length(), model.length(), 1f});

  @Override
  protected Collection<Class<? extends Plugin>> getPlugins() {
    // the harness maps a geo_shape field; its mapper lives in a module, stood in for by the
    // framework
    return List.of(QuiverPlugin.class, TestGeoShapeFieldMapperPlugin.class);
  }

  @Override
  protected void initializeAdditionalMappings(MapperService mapperService) throws IOException {
    mapperService.merge(
        "_doc",
        new CompressedXContent(
            """
            {"properties": {
              "emb": {"type": "quiver_vector", "dims": 3, "similarity": "cosine"},
              "passages": {"type": "nested", "properties": {
                "section": {"type": "keyword"},
                "vec": {"type": "quiver_vector", "dims": 3, "similarity": "l2_norm"}}}}}
            """),
        MapperService.MergeReason.MAPPING_UPDATE);
  }

  private static float[] randomVector() {
    float[] v = new float[3];
    for (int i = 0; i < v.length; i++) {
      v[i] = randomFloat() + 0.01f; // never all zeros (cosine)
    }
    return v;
  }

  @Override
  protected QuiverKnnQueryBuilder doCreateTestQueryBuilder() {
    int k = randomIntBetween(1, 50);
    Integer numCandidates = randomBoolean() ? null : randomIntBetween(k, 500);
    QueryBuilder filter =
        randomBoolean()
            ? null
            : QueryBuilders.termQuery(KEYWORD_FIELD_NAME, randomAlphaOfLength(5));
    Float minScore = randomBoolean() ? null : randomFloat();
    return new QuiverKnnQueryBuilder(
            randomBoolean() ? FIELD : NESTED_FIELD,
            randomVector(),
            k,
            numCandidates,
            filter,
            minScore)
        .boundedRescore(randomBoolean() ? null : randomBoolean());
  }

  @Override
  protected void doAssertLuceneQuery(
      QuiverKnnQueryBuilder builder, Query query, QueryShardContext context) throws IOException {
    if (builder.field().equals(FIELD)) {
      assertThat(query, instanceOf(QuiverKnnQuery.class));
      QuiverKnnQuery knn = (QuiverKnnQuery) query;
      assertEquals(FIELD, knn.getField());
      assertEquals(builder.numCandidates(), knn.getK());
      assertEquals(builder.filter() != null, knn.getFilter() != null);
    } else {
      // top level on a nested field: parents, each scored by its best child
      assertThat(query, instanceOf(OpenSearchToParentBlockJoinQuery.class));
      Query children = ((OpenSearchToParentBlockJoinQuery) query).getChildQuery();
      assertThat(children, instanceOf(QuiverNestedKnnQuery.class));
      assertEquals(builder.numCandidates(), ((QuiverNestedKnnQuery) children).getK());
    }
  }

  public void testUnmappedFieldMatchesNothing() throws IOException {
    Query q =
        new QuiverKnnQueryBuilder("nope", randomVector(), 3, null, null, null)
            .toQuery(createShardContext());
    assertThat(q, instanceOf(MatchNoDocsQuery.class));
  }

  private QuiverKnnQueryBuilder textQuery(String model) {
    return QuiverKnnQueryBuilder.ofText(
        FIELD,
        randomAlphaOfLengthBetween(1, 20),
        model,
        randomIntBetween(1, 10),
        null,
        null,
        null,
        EMBEDDER);
  }

  public void testQueryTextSurvivesWireAndXContent() throws IOException {
    for (String model : new String[] {null, "some-model"}) {
      QuiverKnnQueryBuilder text = textQuery(model);
      assertEquals(text, assertSerialization(text));
      assertEquals(text, parseQuery(text.toString()));
    }
  }

  public void testQueryTextIsEmbeddedByTheCoordinatorRewrite() throws Exception {
    QuiverKnnQueryBuilder text = textQuery(null);
    int hashBefore = text.hashCode();
    QuiverKnnQueryBuilder embedded =
        (QuiverKnnQueryBuilder)
            CoordinatorRewrite.rewrite(text, xContentRegistry(), namedWriteableRegistry());
    assertNotSame(text, embedded);
    assertEquals("equality of the text query is stable", hashBefore, text.hashCode());
    // the vector (from the default model) travels, and goes through the wire and XContent
    assertThat(embedded.toString(), containsString("\"vector\""));
    assertThat(embedded.toString(), containsString(QuiverKnnQueryBuilder.DEFAULT_MODEL));
    assertEquals(embedded, assertSerialization(embedded));
    assertEquals(embedded, parseQuery(embedded.toString()));
    assertThat(embedded.toQuery(createShardContext()), instanceOf(QuiverKnnQuery.class));
  }

  public void testQueryTextReachingAShardUnembeddedIsABadRequest() {
    QuiverKnnQueryBuilder text = textQuery(null);
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> rewriteQuery(text, createShardContext()));
    assertThat(e.getMessage(), containsString("give the [vector] instead"));
    IllegalArgumentException direct =
        expectThrows(IllegalArgumentException.class, () -> text.toQuery(createShardContext()));
    assertThat(direct.getMessage(), containsString("[query_text] is only embedded"));
  }
}
