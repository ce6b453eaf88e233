package dev.quiver.plugin.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.plugin.QuiverPlugin;
import dev.quiver.plugin.query.QuiverKnnQueryBuilder;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchModule;

/** Parsing, validation and the wire form of {@code quiver_hybrid} and its {@code fusion}. */
class QuiverHybridQueryBuilderTests {

  private static final SearchModule SEARCH =
      new SearchModule(Settings.EMPTY, List.of(new QuiverPlugin(Settings.EMPTY)));
  private static final NamedWriteableRegistry WRITEABLES =
      new NamedWriteableRegistry(SEARCH.getNamedWriteables());
  private static final NamedXContentRegistry XCONTENT =
      new NamedXContentRegistry(SEARCH.getNamedXContents());

  private static QueryBuilder parse(String json) throws IOException {
    try (XContentParser parser =
        XContentType.JSON
            .xContent()
            .createParser(XCONTENT, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
      return AbstractQueryBuilder.parseInnerQueryBuilder(parser);
    }
  }

  private static String body(String fusion) {
    return "{\"quiver_hybrid\":{\"queries\":[{\"match\":{\"t\":\"x\"}},"
        + "{\"quiver_knn\":{\"field\":\"v\",\"vector\":[1,2],\"k\":5}}]"
        + (fusion == null ? "" : ",\"fusion\":" + fusion)
        + "}}";
  }

  private static String error(String json) {
    ParsingException e = assertThrows(ParsingException.class, () -> parse(json));
    return e.getMessage();
  }

  @Test
  void defaultsToRrf() throws IOException {
    QuiverHybridQueryBuilder q = (QuiverHybridQueryBuilder) parse(body(null));
    assertEquals(2, q.queries().size());
    assertInstanceOf(QuiverKnnQueryBuilder.class, q.queries().get(1));
    FusionMethod m = q.fusion().create();
    assertInstanceOf(RrfFusion.class, m);
    assertEquals(60, ((RrfFusion) m).rankConstant());
    assertEquals(100, q.fusion().window(10));
    assertEquals(150, q.fusion().window(150));
  }

  @Test
  void parsesLinear() throws IOException {
    QuiverHybridQueryBuilder q =
        (QuiverHybridQueryBuilder)
            parse(
                body(
                    "{\"method\":\"linear\",\"normalization\":\"z_score\",\"weights\":[0.3,0.7],"
                        + "\"window\":50}"));
    LinearFusion m = (LinearFusion) q.fusion().create();
    assertEquals(ScoreNormalization.Z_SCORE, m.normalization());
    assertEquals(50, q.fusion().window(10));
  }

  @Test
  void roundTripsOverTheWireAndJson() throws IOException {
    QuiverHybridQueryBuilder original =
        new QuiverHybridQueryBuilder(
                List.of(QueryBuilders.matchQuery("t", "x"), QueryBuilders.termQuery("k", "y")),
                new FusionSpec("linear", null, ScoreNormalization.L2, new float[] {1, 2}, 30),
                QueryBuilders.termQuery("lang", "en"))
            .boost(2f)
            .queryName("h");
    BytesStreamOutput out = new BytesStreamOutput();
    out.writeNamedWriteable(original);
    try (StreamInput in =
        new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
      assertEquals(original, in.readNamedWriteable(QueryBuilder.class));
    }
    assertEquals(original, parse(Strings.toString(XContentType.JSON, original)));
  }

  @Test
  void rejectsBadInput() {
    assertTrue(
        error("{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}}]}}")
            .contains("[queries] must hold 2 to 5 sub-queries, got 1"));
    assertTrue(
        error(body("{\"weights\":[1,2,3]}"))
            .contains("[weights] has 3 values but there are 2 sub-queries"));
    assertTrue(error(body("{\"weights\":[1,-1]}")).contains("[weights] must be finite and >= 0"));
    assertTrue(error(body("{\"weights\":[0,0]}")).contains("[weights] must not all be 0"));
    assertTrue(error(body("{\"method\":\"borda\"}")).contains("unknown fusion [method] [borda]"));
    assertTrue(
        error(body("{\"method\":\"linear\",\"normalization\":\"max\"}"))
            .contains("unknown [normalization] [max]"));
    assertTrue(
        error(body("{\"normalization\":\"l2\"}"))
            .contains("[normalization] applies to [linear], not to [rrf]"));
    assertTrue(
        error(body("{\"method\":\"linear\",\"rank_constant\":5}"))
            .contains("[rank_constant] applies to [rrf]"));
    assertTrue(error(body("{\"window\":0}")).contains("[window] must be in [1, 10000], got [0]"));
    assertTrue(error(body("{\"window\":10001}")).contains("[window] must be in [1, 10000]"));
    assertTrue(error(body("{\"window\":1.5}")).contains("[window] must be an integer"));
    assertTrue(error(body("{\"colour\":1}")).contains("unknown field [fusion.colour]"));
    assertTrue(
        error(
                "{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},"
                    + "{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}]}}")
            .contains("[quiver_hybrid] cannot be nested inside [quiver_hybrid]"));
    assertTrue(
        error("{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"k\":1}}")
            .contains("unknown field [k]"));
    assertTrue(error("{\"quiver_fused\":{}}").contains("[quiver_fused] is internal"));
  }

  @Test
  void parsesLogOdds() throws IOException {
    QuiverHybridQueryBuilder q =
        (QuiverHybridQueryBuilder)
            parse(body("{\"method\":\"log_odds\",\"weights\":[0.3,0.7],\"window\":50}"));
    assertInstanceOf(LogOddsFusion.class, q.fusion().create());
    assertEquals("log_odds", q.fusion().create().name());
    assertEquals(50, q.fusion().window(10));
    assertTrue(
        error(body("{\"method\":\"log_odds\",\"normalization\":\"l2\"}"))
            .contains("[normalization] applies to [linear], not to [log_odds]"));
    assertTrue(
        error(body("{\"method\":\"log_odds\",\"rank_constant\":5}"))
            .contains("[rank_constant] applies to [rrf], not to [log_odds]"));
  }

  @Test
  void sharedFilterGoesInsideKnnAndAroundOtherQueries() {
    QueryBuilder filter = QueryBuilders.termQuery("lang", "en");
    QuiverKnnQueryBuilder knn =
        new QuiverKnnQueryBuilder("v", new float[] {1, 2}, 5, null, null, null);
    QuiverKnnQueryBuilder filtered = (QuiverKnnQueryBuilder) HybridRequests.filtered(knn, filter);
    assertEquals(filter, filtered.filter());
    QuiverKnnQueryBuilder both =
        (QuiverKnnQueryBuilder)
            HybridRequests.filtered(
                new QuiverKnnQueryBuilder(
                    "v", new float[] {1, 2}, 5, null, QueryBuilders.termQuery("a", "b"), null),
                filter);
    assertEquals(
        QueryBuilders.boolQuery().filter(QueryBuilders.termQuery("a", "b")).filter(filter),
        both.filter());
    BoolQueryBuilder wrapped =
        (BoolQueryBuilder) HybridRequests.filtered(QueryBuilders.matchQuery("t", "x"), filter);
    assertEquals(List.of(QueryBuilders.matchQuery("t", "x")), wrapped.must());
    assertEquals(List.of(filter), wrapped.filter());
    assertEquals(5, HybridRequests.listSize(knn, 100));
    assertEquals(3, HybridRequests.listSize(knn, 3));
  }

  @Test
  void fusedQueryRoundTripsOverTheWire() throws IOException {
    QuiverFusedQueryBuilder original =
        new QuiverFusedQueryBuilder(
            List.of(
                new FusedHit("i/a", 0.5f, new int[] {1, 0}, new float[] {3f, Float.NaN}),
                new FusedHit("j/b", 0.25f, new int[] {2, 1}, new float[] {2f, 0.9f})),
            "rrf");
    BytesStreamOutput out = new BytesStreamOutput();
    out.writeNamedWriteable(original);
    try (StreamInput in =
        new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
      QuiverFusedQueryBuilder read =
          (QuiverFusedQueryBuilder) in.readNamedWriteable(QueryBuilder.class);
      assertEquals(original, read);
      assertEquals(2, read.hits().get(1).ranks()[0]);
    }
  }
}
