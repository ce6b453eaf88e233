package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A late-interaction (ColBERT-shaped) model on the real node: the tiny model of {@link
 * LateInteractionModel} in {@code config/quiver/models/}, listed as late-interaction; {@code
 * quiver_embed} with {@code "output": "tokens"} writes the token vectors the model's weights give
 * (document marker, no punctuation), which {@code _simulate} shows; {@code quiver_maxsim} with
 * {@code query_text} scores each document by the MaxSim computed here from the query's vectors
 * (query marker, [MASK] padding) and the documents'; any other output with the model is a 400.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateInteractionRestTest {

  private static final String INDEX = "/late-interaction";
  private static final String PIPELINE = "/_ingest/pipeline/late-interaction-tokens";
  private static final String MODEL = LateInteractionModel.NAME;

  /** Documents as words of the tiny vocabulary; the text adds punctuation the model drops. */
  private static final String[][] DOCS = {
    {"the", "cat", "sat", "on", "the", "mat"},
    {"the", "dog", "ran"},
    {"the", "cat", "ran"},
    {"dog", "sat", "on", "mat"},
    {"cat", "cat", "cat"},
  };

  private static final String[][] QUERIES = {{"cat"}, {"dog", "ran"}, {"the", "mat"}, {"sat"}};

  private Rest rest;

  private static String text(String[] words) {
    return String.join(" ", words) + ".";
  }

  @BeforeAll
  void index() throws Exception {
    rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, MODEL, Duration.ofMinutes(2));
    rest.delete(INDEX);
    rest.put(
            INDEX,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"body": {"type": "text"},
               "body_tokens": {"type": "quiver_multi_vector", "dims": 3, "model": "%s",
                               "fde": {"repetitions": 4, "simhash_bits": 2, "projection_dims": 3}}}}}
            """
                .formatted(MODEL))
        .ok();
    rest.put(
            PIPELINE,
            """
            {"processors": [{"quiver_embed": {"model": "%s", "field_map": {"body": "body_tokens"},
                                              "output": "tokens"}}]}
            """
                .formatted(MODEL))
        .ok();
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < DOCS.length; i++) {
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"body\":\"").append(text(DOCS[i])).append("\"}\n");
    }
    JsonNode r =
        rest.bulk(INDEX + "/_bulk?refresh=true&pipeline=late-interaction-tokens", bulk.toString())
            .ok()
            .body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
  }

  @AfterAll
  void delete() {
    rest.delete(INDEX);
    rest.delete(PIPELINE);
  }

  @Test
  void theModelsApiListsItAsLateInteraction() {
    JsonNode model = EmbedModels.describe(rest, MODEL);
    assertEquals("loaded", model.path("state").asText(), model.toString());
    assertTrue(model.path("late_interaction").asBoolean(), model.toString());
    assertEquals(LateInteractionModel.DIMS, model.path("dims").asInt(), model.toString());
    JsonNode dense = EmbedModels.describe(rest, EmbedModels.DEFAULT_MODEL);
    assertFalse(dense.path("late_interaction").asBoolean(true), dense.toString());
  }

  /** The token vectors of each document, as {@code _simulate} of the pipeline shows them. */
  private float[][][] simulatedDocuments() {
    StringBuilder docs = new StringBuilder("{\"docs\": [");
    for (int i = 0; i < DOCS.length; i++) {
      docs.append(i == 0 ? "" : ",").append("{\"_source\": {\"body\": \"");
      docs.append(text(DOCS[i])).append("\"}}");
    }
    JsonNode r = rest.post(PIPELINE + "/_simulate", docs.append("]}").toString()).ok().body();
    float[][][] out = new float[DOCS.length][][];
    for (int i = 0; i < DOCS.length; i++) {
      JsonNode tokens = r.at("/docs/" + i + "/doc/_source/body_tokens");
      assertTrue(tokens.isArray(), r.at("/docs/" + i).toString());
      out[i] = new float[tokens.size()][];
      for (int t = 0; t < tokens.size(); t++) {
        out[i][t] = new float[tokens.get(t).size()];
        for (int d = 0; d < out[i][t].length; d++) {
          out[i][t][d] = (float) tokens.get(t).get(d).asDouble();
        }
      }
    }
    return out;
  }

  @Test
  void tokensOutputGivesTheModelsTokenVectors() {
    float[][][] simulated = simulatedDocuments();
    for (int i = 0; i < DOCS.length; i++) {
      float[][] expected = LateInteractionModel.document(DOCS[i]);
      assertEquals(expected.length, simulated[i].length, "doc " + i + " token count");
      for (int t = 0; t < expected.length; t++) {
        for (int d = 0; d < LateInteractionModel.DIMS; d++) {
          assertEquals(expected[t][d], simulated[i][t][d], 1e-5, "doc " + i + " token " + t);
        }
      }
    }
    // the field is filled: every document is indexed and the vectors are not in _source
    assertEquals(DOCS.length, rest.get(INDEX + "/_count").ok().body().get("count").asInt());
    assertFalse(rest.get(INDEX + "/_doc/0").ok().body().at("/_source").has("body_tokens"));
  }

  @Test
  void queryTextRanksByMaxSimOverTheModelsQueryAndDocumentVectors() {
    float[][][] docs = simulatedDocuments();
    for (String[] words : QUERIES) {
      float[][] query = LateInteractionModel.query(words);
      List<Integer> expected = new ArrayList<>();
      for (int d = 0; d < DOCS.length; d++) {
        expected.add(d);
      }
      expected.sort(
          Comparator.comparingDouble((Integer d) -> -ClusteredMultiVectors.maxSim(query, docs[d])));
      for (String mode : new String[] {", \"exact\": true", ""}) {
        JsonNode hits =
            rest.post(
                    INDEX + "/_search",
                    "{\"size\": 5, \"explain\": true, \"query\": {\"quiver_maxsim\": {\"field\": \"body_tokens\","
                        + " \"query_text\": \""
                        + String.join(" ", words)
                        + "\", \"k\": 5"
                        + mode
                        + "}}}")
                .ok()
                .body()
                .at("/hits/hits");
        String what = String.join(" ", words) + mode + " " + hits;
        assertEquals(DOCS.length, hits.size(), what);
        for (int r = 0; r < hits.size(); r++) {
          int id = Integer.parseInt(hits.get(r).get("_id").asText());
          double truth = ClusteredMultiVectors.maxSim(query, docs[id]);
          // float16 stored vectors: each of the query's dot products is within ~1e-3
          assertEquals(truth, hits.get(r).get("_score").asDouble(), 4e-3 * query.length, what);
          // the node embedded the query to query_max_tokens vectors: marker, words, [MASK] padding
          String explanation = hits.get(r).get("_explanation").toString();
          assertTrue(
              explanation.contains(
                  "MaxSim of " + LateInteractionModel.QUERY_TOKENS + " query vectors"),
              what + " " + explanation);
          double atRank = ClusteredMultiVectors.maxSim(query, docs[expected.get(r)]);
          assertEquals(atRank, truth, 4e-3 * query.length, what + " rank " + r);
        }
      }
    }
  }

  @Test
  void anOutputOtherThanTokensIsRefused() {
    for (String output : new String[] {"dense", "chunks"}) {
      rest.put(
              "/_ingest/pipeline/late-interaction-" + output,
              """
              {"processors": [{"quiver_embed": {"model": "%s", "field_map": {"body": "v"},
                                                "output": "%s"}}]}
              """
                  .formatted(MODEL, output))
          .badRequest(
              "[output]", "model [" + MODEL + "] is a late-interaction model", "[" + output + "]");
      assertEquals(404, rest.get("/_ingest/pipeline/late-interaction-" + output).status());
    }
    // no output named: dense is the default, which the model does not give
    rest.put(
            "/_ingest/pipeline/late-interaction-default",
            "{\"processors\": [{\"quiver_embed\": {\"model\": \""
                + MODEL
                + "\", \"field_map\": {\"body\": \"v\"}}}]}")
        .badRequest("[output]", "is a late-interaction model");
  }

  /**
   * Token vectors the field cannot take are refused whole, naming the field: more tokens than
   * {@code max_vectors}, or the model's 3 dimensions into a field of 5; nothing is indexed.
   */
  @Test
  void tokenVectorsTheFieldCannotTakeAreRefusedWholly() {
    String index = "/late-interaction-bad";
    rest.delete(index);
    try {
      rest.put(
              index,
              """
              {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
               "mappings": {"properties": {"body": {"type": "text"}, "k": {"type": "keyword"},
                 "short": {"type": "quiver_multi_vector", "dims": 3, "max_vectors": 4,
                           "fde": {"repetitions": 4, "simhash_bits": 2, "projection_dims": 3}},
                 "wide": {"type": "quiver_multi_vector", "dims": 5,
                          "fde": {"repetitions": 4, "simhash_bits": 2, "projection_dims": 3}}}}}
              """)
          .ok();
      String[][] cases = {
        {"short", "field [short]", "at most [max_vectors] = 4"},
        {"wide", "field [wide] has 5 dimensions but the vector has 3"},
      };
      for (String[] c : cases) {
        String pipeline = "/_ingest/pipeline/late-interaction-" + c[0];
        rest.put(
                pipeline,
                """
                {"processors": [{"quiver_embed": {"model": "%s", "field_map": {"body": "%s"},
                                                  "output": "tokens"}}]}
                """
                    .formatted(MODEL, c[0]))
            .ok();
        try {
          rest.put(
                  index + "/_doc/x?refresh=true&pipeline=late-interaction-" + c[0],
                  "{\"k\": \"kept?\", \"body\": \"the cat sat on the mat\"}")
              .badRequest(java.util.Arrays.copyOfRange(c, 1, c.length));
          assertEquals(404, rest.get(index + "/_doc/x").status(), c[0] + " was indexed");
          assertEquals(0, rest.get(index + "/_count").ok().body().get("count").asInt());
        } finally {
          rest.delete(pipeline);
        }
      }
    } finally {
      rest.delete(index);
    }
  }

  /** A dense query ({@code quiver_knn} {@code query_text}) with the model is a 400 naming it. */
  @Test
  void aDenseQueryWithTheModelIsRefused() {
    String index = "/late-interaction-dense";
    rest.delete(index);
    try {
      rest.put(
              index,
              """
              {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
               "mappings": {"properties": {"v": {"type": "quiver_vector", "dims": 3}}}}
              """)
          .ok();
      rest.put(index + "/_doc/1?refresh=true", "{\"v\": [1, 0, 0]}").ok();
      rest.post(
              index + "/_search",
              "{\"query\": {\"quiver_knn\": {\"field\": \"v\", \"k\": 1,"
                  + " \"query_text\": \"the cat\", \"model\": \""
                  + MODEL
                  + "\"}}}")
          .badRequest("model [" + MODEL + "] is a late-interaction model");
    } finally {
      rest.delete(index);
    }
  }
}
