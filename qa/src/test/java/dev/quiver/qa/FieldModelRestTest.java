package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code model} mapping parameter of {@code quiver_vector} (the default of {@code query_text},
 * refusing vectors of another model), {@code query_text} where no coordinator embeds it, and cosine
 * normalization at the ends of the float32 range, on a real node.
 */
class FieldModelRestTest {

  private static final String MODEL = EmbedModels.DEFAULT_MODEL;
  private static Rest rest;

  @BeforeAll
  static void connect() throws Exception {
    rest = QaNode.rest();
  }

  private static void createModelIndex() throws InterruptedException {
    EmbedModels.awaitLoaded(rest, MODEL, Duration.ofMinutes(3));
    rest.delete("/modeled");
    rest.put(
            "/modeled",
            """
            {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
             "mappings": {"properties": {
               "mine": {"type": "quiver_vector", "dims": 384, "model": "%s"},
               "theirs": {"type": "quiver_vector", "dims": 384, "model": "no-such-model"},
               "small": {"type": "quiver_vector", "dims": 8}}}}
            """
                .formatted(MODEL))
        .ok();
    float[] v = new float[384];
    Arrays.fill(v, 0.05f);
    rest.put(
            "/modeled/_doc/1?refresh=true",
            "{\"mine\":" + Arrays.toString(v) + ",\"theirs\":" + Arrays.toString(v) + "}")
        .ok();
  }

  private static Rest.Response searchText(String field, String extra) {
    return rest.post(
        "/modeled/_search",
        "{\"query\":{\"quiver_knn\":{\"field\":\""
            + field
            + "\",\"k\":3,\"query_text\":\"what is a cell\""
            + extra
            + "}}}");
  }

  @Test
  void mappedModelIsKeptAndCannotChange() throws Exception {
    createModelIndex();
    JsonNode props = rest.get("/modeled/_mapping").ok().body().at("/modeled/mappings/properties");
    assertEquals(MODEL, props.at("/mine/model").asText());
    assertEquals("no-such-model", props.at("/theirs/model").asText());
    rest.put(
            "/modeled/_mapping",
            "{\"properties\":{\"mine\":{\"type\":\"quiver_vector\",\"dims\":384,\"model\":\"x\"}}}")
        .badRequest("mine", "model");
    rest.put(
            "/badmodel",
            "{\"mappings\":{\"properties\":{\"v\":{\"type\":\"quiver_vector\","
                + "\"dims\":3,\"model\":\" \"}}}}")
        .badRequest("field [v]: [model] must be a model name");
  }

  @Test
  void queryTextWithoutModelUsesTheFieldsModel() throws Exception {
    createModelIndex();
    JsonNode hits = searchText("mine", "").ok().body().path("hits").path("hits");
    assertEquals("1", hits.get(0).get("_id").asText());
    // The field's model, not the default, is what a query naming none is embedded with.
    searchText("theirs", "").badRequest("unknown model [no-such-model]");
  }

  @Test
  void queryVectorOfAnotherModelIsRefused() throws Exception {
    createModelIndex();
    searchText("theirs", ",\"model\":\"" + MODEL + "\"")
        .badRequest(
            "field [theirs] holds vectors of model [no-such-model]",
            "query vector is of model [" + MODEL + "]");
    searchText("small", "")
        .badRequest(
            "model [" + MODEL + "] makes vectors of 384 dimensions, but field [small] has 8");
    float[] v = new float[384];
    v[0] = 1;
    rest.post(
            "/modeled/_search",
            "{\"query\":{\"quiver_knn\":{\"field\":\"theirs\",\"k\":1,\"vector\":"
                + Arrays.toString(v)
                + ",\"model\":\"other\"}}}")
        .badRequest(
            "holds vectors of model [no-such-model], but the query vector is of model [other]");
  }

  @Test
  void queryTextInAnAliasFilterIsA400() {
    rest.delete("/aliased");
    rest.put(
            "/aliased",
            "{\"mappings\":{\"properties\":{\"v\":{\"type\":\"quiver_vector\"," + "\"dims\":3}}}}")
        .ok();
    rest.post(
            "/_aliases",
            """
            {"actions": [{"add": {"index": "aliased", "alias": "by_text",
              "filter": {"quiver_knn": {"field": "v", "k": 3, "query_text": "cells"}}}}]}
            """)
        .badRequest("[quiver_knn] [query_text] is only embedded in a search request's query");
  }

  @Test
  void cosineNormalizesHugeAndTinyVectors() {
    rest.delete("/extremes");
    rest.put(
            "/extremes",
            "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                + "\"mappings\":{\"properties\":{\"v\":{\"type\":\"quiver_vector\",\"dims\":3,"
                + "\"index_options\":{\"type\":\"flat\"}}}}}")
        .ok();
    rest.put("/extremes/_doc/huge", "{\"v\":[3e19,3e19,3e19]}").ok();
    rest.put("/extremes/_doc/tiny?refresh=true", "{\"v\":[1e-30,1e-30,1e-30]}").ok();
    JsonNode hits =
        rest.post(
                "/extremes/_search",
                "{\"query\":{\"quiver_knn\":{\"field\":\"v\",\"k\":2,\"vector\":[2e-30,2e-30,2e-30]}}}")
            .ok()
            .body()
            .path("hits")
            .path("hits");
    assertEquals(2, hits.size(), hits.toString());
    for (JsonNode hit : hits) {
      // same direction as the query: cosine 1, score (1 + 1) / 2
      assertEquals(1.0, hit.get("_score").asDouble(), 1e-5, hit.toString());
    }
  }
}
