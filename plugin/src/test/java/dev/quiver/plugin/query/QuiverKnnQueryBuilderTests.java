package dev.quiver.plugin.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.plugin.QuiverPlugin;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.BaseQueryRewriteContext;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchModule;

/** The query as it travels between nodes (wire) and clients (JSON). */
class QuiverKnnQueryBuilderTests {

  private static final SearchModule SEARCH =
      new SearchModule(Settings.EMPTY, List.of(new QuiverPlugin(Settings.EMPTY)));
  private static final NamedWriteableRegistry WRITEABLES =
      new NamedWriteableRegistry(SEARCH.getNamedWriteables());
  private static final NamedXContentRegistry XCONTENT =
      new NamedXContentRegistry(SEARCH.getNamedXContents());

  private static QuiverKnnQueryBuilder full() {
    return new QuiverKnnQueryBuilder(
            "emb",
            new float[] {0.5f, -1.25f, 3f},
            7,
            42,
            QueryBuilders.boolQuery().filter(QueryBuilders.termQuery("lang", "en")),
            0.25f)
        .oversample(3.5f)
        .boundedRescore(false)
        .boost(1.5f)
        .queryName("dense");
  }

  @Test
  void wireRoundTripKeepsEveryField() throws IOException {
    for (QuiverKnnQueryBuilder original :
        List.of(full(), new QuiverKnnQueryBuilder("f", new float[] {1f}, 1, null, null, null))) {
      BytesStreamOutput out = new BytesStreamOutput();
      out.writeNamedWriteable(original);
      try (StreamInput in =
          new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
        QueryBuilder copy = in.readNamedWriteable(QueryBuilder.class);
        assertNotSame(original, copy);
        assertEquals(original, copy);
        assertEquals(original.hashCode(), copy.hashCode());
      }
    }
  }

  @Test
  void jsonRoundTripKeepsEveryField() throws IOException {
    QuiverKnnQueryBuilder original = full();
    String json = original.toString();
    assertTrue(json.contains("\"num_candidates\" : 42"), json);
    assertTrue(json.contains("\"oversample\" : 3.5"), json);
    assertTrue(json.contains("\"bounded\" : false"), json);
    assertEquals(original, parse(json));
  }

  @Test
  void parsesRescoreOversample() throws IOException {
    assertEquals(
        4f,
        ((QuiverKnnQueryBuilder) parse(q("\"k\":5,\"rescore\":{\"oversample\":4}"))).oversample());
    assertEquals(null, ((QuiverKnnQueryBuilder) parse(q("\"k\":5"))).oversample());
    assertNotEquals(full(), full().oversample(1f));
    assertMessage(
        q("\"k\":3,\"rescore\":{\"oversample\":0.99}"),
        "field [f]: [rescore.oversample] must be a number in [1, 100], got [0.99]");
    assertMessage(q("\"k\":3,\"rescore\":{\"oversample\":{}}"), "must be a number");
    assertMessage(q("\"k\":3,\"rescore\":{}"), "[rescore] requires [oversample] or [bounded]");
  }

  @Test
  void parsesRescoreBounded() throws IOException {
    QuiverKnnQueryBuilder bounded =
        (QuiverKnnQueryBuilder) parse(q("\"k\":5,\"rescore\":{\"bounded\":false}"));
    assertEquals(null, bounded.oversample());
    assertEquals(false, bounded.equals(parse(q("\"k\":5"))));
    assertEquals(full().oversample(null), parse(full().oversample(null).toString()));
    assertNotEquals(full(), full().boundedRescore(true));
    assertNotEquals(full().boundedRescore(null), full().boundedRescore(true));
    assertTrue(KnnRescore.NONE.boundedOrDefault(8));
    assertTrue(KnnRescore.NONE.boundedOrDefault(4));
    assertEquals(false, KnnRescore.NONE.boundedOrDefault(2));
    assertEquals(false, KnnRescore.NONE.boundedOrDefault(1));
    assertTrue(new KnnRescore(null, true).boundedOrDefault(1));
    assertEquals(false, new KnnRescore(null, false).boundedOrDefault(8));
    assertMessage(
        q("\"k\":3,\"rescore\":{\"bounded\":\"yes\"}"), "[rescore.bounded] must be true or false");
    assertMessage(q("\"k\":3,\"rescore\":{\"bound\":true}"), "unknown field [rescore.bound]");
  }

  @Test
  void defaultsNumCandidatesToAtLeastOneHundred() throws IOException {
    assertEquals(100, ((QuiverKnnQueryBuilder) parse(q("\"k\":5"))).numCandidates());
    assertEquals(300, ((QuiverKnnQueryBuilder) parse(q("\"k\":300"))).numCandidates());
  }

  @Test
  void rejectsBadBodiesNamingTheKey() {
    assertMessage(q("\"k\":0"), "[k] must be in [1, 10000], got [0]");
    assertMessage(q("\"k\":2.5"), "[k] must be an integer");
    assertMessage(q("\"k\":\"ten\""), "[k] must be an integer");
    assertMessage(q("\"k\":3,\"num_candidates\":2"), "[num_candidates] must be in [k, 10000]");
    assertMessage(q("\"k\":3,\"num_candidates\":10001"), "[num_candidates] must be in [k, 10000]");
    assertMessage(q("\"k\":3,\"foo\":1"), "unknown field [foo]");
    assertMessage(q("\"k\":3,\"filter\":[1]"), "[filter] must be a query object");
    assertMessage("{\"field\":\"f\",\"k\":3}", "requires [vector]");
    assertMessage("{\"vector\":[1],\"k\":3}", "requires [field]");
    assertMessage("{\"field\":\"f\",\"vector\":[],\"k\":3}", "[vector] must not be empty");
    assertMessage("{\"field\":\"f\",\"vector\":[[1]],\"k\":3}", "element [0] must be a number");
    assertMessage("{\"field\":\"f\",\"vector\":[1e39],\"k\":3}", "element [0] is not a finite");
  }

  @Test
  void equalityOfAPendingQueryTextDoesNotChangeWhenTheEmbeddingArrives() throws IOException {
    CompletableFuture<float[]> embedding = new CompletableFuture<>();
    QuiverKnnQueryBuilder text =
        QuiverKnnQueryBuilder.ofText("f", "cells", null, 3, null, null, null, (m, t) -> embedding);
    BaseQueryRewriteContext context =
        new BaseQueryRewriteContext(XCONTENT, WRITEABLES, null, System::currentTimeMillis);
    QueryBuilder pending = text.rewrite(context);
    QueryBuilder twin = text.rewrite(context);
    int hash = pending.hashCode();
    assertEquals(pending, twin);
    context.executeAsyncActions(ActionListener.wrap(r -> {}, e -> {}));
    embedding.complete(new float[] {1f, 2f});
    assertEquals(hash, pending.hashCode());
    assertEquals(pending, twin);
    assertEquals(text.hashCode(), text.hashCode());
  }

  private static String q(String rest) {
    return "{\"field\":\"f\",\"vector\":[1,2]," + rest + "}";
  }

  private static void assertMessage(String body, String fragment) {
    ParsingException e = assertThrows(ParsingException.class, () -> parse(body));
    assertTrue(e.getMessage().contains(fragment), e.getMessage() + " lacks " + fragment);
  }

  private static QueryBuilder parse(String body) throws IOException {
    String json =
        body.replaceAll("\\s", "").startsWith("{\"quiver_knn\":{")
            ? body
            : "{\"quiver_knn\":" + body + "}";
    try (XContentParser parser =
        XContentType.JSON
            .xContent()
            .createParser(XCONTENT, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
      return AbstractQueryBuilder.parseInnerQueryBuilder(parser);
    }
  }
}
