package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code quiver_multi_vector} and {@code quiver_maxsim} on the real node: {@value #DOCS} documents
 * of random clustered 16-d multi-vectors ({@link ClusteredMultiVectors}) in two segments merged
 * into one; {@code exact: true} against MaxSim computed here (ids and scores), the FDE search's
 * recall@10 against it, filters, pagination, explain, {@code bool}, {@code _source} without the
 * vectors, the defaults written out, immutable FDE options, every bad input a 400 naming the field
 * with nothing indexed, and {@code query_text} over a field fed by {@code quiver_embed} with {@code
 * "output": "tokens"}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiVectorRestTest {

  static final int DOCS = 200;
  static final int QUERIES = 30;
  static final int DIMS = 16;
  static final int K = 10;
  static final String INDEX = "multi-vector";

  private static final String FDE =
      "{\"repetitions\": 8, \"simhash_bits\": 3, \"projection_dims\": 8, \"seed\": 7}";

  private Rest rest;
  private ClusteredMultiVectors data;

  @BeforeAll
  void index() throws Exception {
    rest = QaNode.rest();
    data = new ClusteredMultiVectors(20261202L, DIMS, 20, DOCS, QUERIES);
    rest.delete("/" + INDEX);
    rest.put(
            "/" + INDEX,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "mv": {"type": "quiver_multi_vector", "dims": %d, "max_vectors": 24, "fde": %s},
               "kept": {"type": "quiver_multi_vector", "dims": %d, "store_source": true,
                        "fde": %s},
               "p": {"type": "integer"}, "t": {"type": "keyword"}}}}
            """
                .formatted(DIMS, FDE, DIMS, FDE))
        .ok();
    for (int half = 0; half < 2; half++) {
      StringBuilder bulk = new StringBuilder();
      for (int d = half * DOCS / 2; d < (half + 1) * DOCS / 2; d++) {
        bulk.append("{\"index\":{\"_id\":\"").append(d).append("\"}}\n");
        bulk.append("{\"p\":").append(d).append(",\"t\":\"").append(d % 2 == 0 ? "even" : "odd");
        bulk.append("\",\"mv\":").append(ClusteredMultiVectors.json(data.docs[d]));
        if (d < 3) {
          bulk.append(",\"kept\":").append(ClusteredMultiVectors.json(data.docs[d]));
        }
        bulk.append("}\n");
      }
      JsonNode r = rest.bulk("/" + INDEX + "/_bulk?refresh=true", bulk.toString()).ok().body();
      assertFalse(r.get("errors").asBoolean(), r.toString());
    }
    // the two segments' FDE fingerprints agree: the merge goes through
    rest.post("/" + INDEX + "/_forcemerge?max_num_segments=1", null).ok();
    rest.post("/" + INDEX + "/_refresh", null).ok();
  }

  @AfterAll
  void delete() {
    rest.delete("/" + INDEX);
    rest.delete("/multi-vector-text");
    rest.delete("/_ingest/pipeline/multi-vector-tokens");
  }

  private String maxsim(float[][] query, String extra) {
    return "{\"quiver_maxsim\": {\"field\": \"mv\", \"vectors\": "
        + ClusteredMultiVectors.json(query)
        + ", \"k\": "
        + K
        + extra
        + "}}";
  }

  private JsonNode search(String query, String extra) {
    return rest.post(
            "/" + INDEX + "/_search", "{\"size\": " + K + extra + ", \"query\": " + query + "}")
        .ok()
        .body()
        .at("/hits/hits");
  }

  private static List<Integer> ids(JsonNode hits) {
    List<Integer> ids = new ArrayList<>();
    for (JsonNode hit : hits) {
      ids.add(Integer.parseInt(hit.get("_id").asText()));
    }
    return ids;
  }

  @Test
  void exactScoresEveryDocumentByMaxSim() {
    for (int q = 0; q < QUERIES; q++) {
      float[][] query = data.queries[q];
      JsonNode hits = search(maxsim(query, ", \"exact\": true"), "");
      List<Integer> expected = data.topK(query, K, d -> true);
      assertEquals(K, hits.size());
      for (int i = 0; i < hits.size(); i++) {
        int id = Integer.parseInt(hits.get(i).get("_id").asText());
        double truth = ClusteredMultiVectors.maxSim(query, data.docs[id]);
        // float16 stored vectors: each of the query's dot products is within ~1e-3
        assertEquals(truth, hits.get(i).get("_score").asDouble(), 4e-3 * query.length, "q" + q);
        double expectedScore = ClusteredMultiVectors.maxSim(query, data.docs[expected.get(i)]);
        assertEquals(expectedScore, truth, 4e-3 * query.length, "q" + q + " rank " + i);
      }
    }
  }

  @Test
  void approximateRecallAgainstExact() {
    double recall = 0;
    for (int q = 0; q < QUERIES; q++) {
      float[][] query = data.queries[q];
      List<Integer> exact = ids(search(maxsim(query, ", \"exact\": true"), ""));
      List<Integer> approx = ids(search(maxsim(query, ", \"num_candidates\": 60"), ""));
      long found = approx.stream().filter(exact::contains).count();
      recall += found / (double) K;
      // approximate hits carry their exact MaxSim scores
      JsonNode hits = search(maxsim(query, ", \"num_candidates\": 60"), "");
      for (JsonNode hit : hits) {
        int id = Integer.parseInt(hit.get("_id").asText());
        assertEquals(
            ClusteredMultiVectors.maxSim(query, data.docs[id]),
            hit.get("_score").asDouble(),
            4e-3 * query.length);
      }
    }
    recall /= QUERIES;
    System.out.printf(
        "QUIVER-MAXSIM recall@10 (num_candidates 60 of %d docs) = %.4f%n", DOCS, recall);
    assertTrue(recall >= 0.9, "recall@10 " + recall);
  }

  /**
   * On the {@code int1_hnsw} FDE: rescoring every document's float FDE ({@code fde_oversample}
   * covering the index) ranks the true MaxSim neighbours into a narrow {@code num_candidates} at
   * least as well as the 1-bit codes' own ranking ({@code fde_oversample: 1}).
   */
  @Test
  void rescoringFdeCandidatesByFloatFdesRaisesRecall() {
    int candidates = 15;
    String codes = ", \"num_candidates\": " + candidates + ", \"fde_oversample\": 1";
    String rescored =
        ", \"num_candidates\": "
            + candidates
            + ", \"fde_oversample\": "
            + (int) Math.ceil(DOCS / (double) candidates);
    double codesRecall = 0;
    double rescoredRecall = 0;
    for (int q = 0; q < QUERIES; q++) {
      float[][] query = data.queries[q];
      List<Integer> exact = ids(search(maxsim(query, ", \"exact\": true"), ""));
      codesRecall +=
          ids(search(maxsim(query, codes), "")).stream().filter(exact::contains).count()
              / (double) K;
      rescoredRecall +=
          ids(search(maxsim(query, rescored), "")).stream().filter(exact::contains).count()
              / (double) K;
    }
    System.out.printf(
        "QUIVER-MAXSIM recall@10 at num_candidates %d: codes %.4f, float-FDE rescored %.4f%n",
        candidates, codesRecall / QUERIES, rescoredRecall / QUERIES);
    assertTrue(
        rescoredRecall >= codesRecall,
        "rescored " + rescoredRecall / QUERIES + " < codes " + codesRecall / QUERIES);
  }

  @Test
  void filterAppliesToBothModes() {
    String filter = ", \"filter\": {\"range\": {\"p\": {\"lt\": 80}}}";
    for (int q = 0; q < 5; q++) {
      float[][] query = data.queries[q];
      List<Integer> exact = ids(search(maxsim(query, filter + ", \"exact\": true"), ""));
      assertEquals(data.topK(query, K, d -> d < 80), exact);
      List<Integer> approx = ids(search(maxsim(query, filter), ""));
      assertEquals(K, approx.size());
      assertTrue(approx.stream().allMatch(d -> d < 80), approx.toString());
    }
  }

  @Test
  void paginationExplainAndBool() {
    float[][] query = data.queries[0];
    List<Integer> all = ids(search(maxsim(query, ""), ""));
    List<Integer> second =
        ids(
            rest.post(
                    "/" + INDEX + "/_search",
                    "{\"from\": 5, \"size\": 5, \"query\": " + maxsim(query, "") + "}")
                .ok()
                .body()
                .at("/hits/hits"));
    assertEquals(all.subList(5, 10), second);

    JsonNode explained = search(maxsim(query, ""), ", \"explain\": true").get(0);
    String explanation = explained.get("_explanation").toString();
    assertTrue(explanation.contains("MaxSim of " + query.length + " query vectors"), explanation);
    assertTrue(explanation.contains("FDE candidate rank"), explanation);
    assertEquals(
        explained.get("_score").asDouble(), explained.at("/_explanation/value").asDouble(), 1e-5);
    JsonNode exactExplained =
        search(maxsim(query, ", \"exact\": true"), ", \"explain\": true").get(0);
    assertTrue(
        exactExplained.get("_explanation").toString().contains("exact"), exactExplained.toString());

    JsonNode bool =
        search(
            "{\"bool\": {\"must\": ["
                + maxsim(query, ", \"exact\": true")
                + "], \"filter\": [{\"term\": {\"t\": \"even\"}}]}}",
            "");
    List<Integer> even = ids(bool);
    assertFalse(even.isEmpty());
    assertTrue(even.stream().allMatch(d -> d % 2 == 0), even.toString());
    List<Integer> expected =
        data.topK(query, K, d -> true).stream().filter(d -> d % 2 == 0).toList();
    assertEquals(expected, even);
  }

  @Test
  void sourceHasNoVectorsUnlessStoreSource() {
    JsonNode source = rest.get("/" + INDEX + "/_doc/1").ok().body().get("_source");
    assertTrue(source.has("p"), source.toString());
    assertFalse(source.has("mv"), source.toString());
    assertTrue(source.has("kept"), source.toString());
    JsonNode mapping =
        rest.get("/" + INDEX + "/_mapping").ok().body().at("/" + INDEX + "/mappings");
    assertEquals("[\"mv\"]", mapping.at("/_source/excludes").toString());
    JsonNode mv = mapping.at("/properties/mv");
    assertEquals("cosine", mv.get("similarity").asText());
    assertEquals("float16", mv.get("stored_vectors").asText());
    assertEquals(8, mv.at("/fde/repetitions").asInt());
    assertEquals(0, mv.at("/fde/final_projection_dims").asInt());
    assertEquals(1, mv.at("/fde/version").asInt());
    assertEquals("int1_hnsw", mv.at("/fde/index_type").asText());
    assertEquals(16, mv.at("/fde/m").asInt());
  }

  /**
   * {@code _source.excludes} cannot change on an existing index, so a field added by a mapping
   * update is refused with OpenSearch's conflict naming the path, unless it keeps its vectors in
   * {@code _source}.
   */
  /**
   * {@code GET _plugins/_quiver/stats}: one FDE per document, its 1-bit codes and graph in RAM, its
   * raw floats and the stored float16 token vectors (header + payload per document) on disk.
   */
  @Test
  void statsReportFdeCodesRawFdesAndStoredVectors() {
    JsonNode stats = rest.get("/_plugins/_quiver/stats/" + INDEX).ok().body();
    JsonNode mv = stats.at("/indices/" + INDEX + "/fields/mv");
    assertEquals("quiver_multi_vector", mv.path("field_type").asText(), stats.toString());
    assertEquals("int1_hnsw", mv.path("type").asText(), stats.toString());
    assertEquals(1, mv.path("bits").asInt(), stats.toString());
    assertEquals("float16", mv.path("stored_vectors").asText(), stats.toString());
    assertEquals(DOCS, mv.path("vectors").asInt(), stats.toString());
    assertEquals(1, mv.path("segments").asInt(), stats.toString());
    long stored = 0;
    for (float[][] doc : data.docs) {
      stored += 8 + (long) doc.length * 2 * DIMS;
    }
    assertEquals(stored, mv.path("stored_vectors_bytes").asLong(), stats.toString());
    int fdeDims = 8 * 8 * 8; // repetitions x 2^simhash_bits x projection_dims
    assertEquals((long) DOCS * fdeDims * 4 + stored, mv.path("disk_bytes").asLong());
    // 1-bit codes (64 bytes per FDE) plus corrections and the graph
    long ram = mv.path("ram_bytes").asLong();
    assertTrue(ram > (long) DOCS * fdeDims / 8 && ram < (long) DOCS * fdeDims, stats.toString());
    assertEquals(stored, mv.at("/primaries/stored_vectors_bytes").asLong(), stats.toString());
    assertEquals(3, stats.at("/indices/" + INDEX + "/fields/kept/vectors").asInt());
  }

  @Test
  void addingAFieldToAnExistingIndexNeedsStoreSource() {
    String index = "/multi-vector-added";
    rest.delete(index);
    rest.put(index, "{\"mappings\": {\"properties\": {\"p\": {\"type\": \"integer\"}}}}").ok();
    String field = "{\"type\": \"quiver_multi_vector\", \"dims\": 16, \"fde\": " + FDE;
    rest.put(index + "/_mapping", "{\"properties\": {\"mv\": " + field + "}}}")
        .badRequest("Cannot update parameter [excludes] from [[]] to [[mv]]");
    rest.put(
            index + "/_mapping",
            "{\"properties\": {\"mv\": " + field + ", \"store_source\": true}}}")
        .ok();
    assertEquals(
        "quiver_multi_vector",
        rest.get(index + "/_mapping")
            .ok()
            .body()
            .at(index + "/mappings/properties/mv/type")
            .asText());
    rest.delete(index);
  }

  /**
   * Each FDE option, and leaving {@code fde} out (its defaults differ from the mapping's), is
   * refused on the existing field, naming the option; the mapping keeps its encoding.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "seed                  | \"seed\": 7                 | \"seed\": 8                                            | [fde.seed] cannot change from [7] to [8]",
        "repetitions           | \"repetitions\": 8          | \"repetitions\": 9                                     | [fde.repetitions] cannot change from [8] to [9]",
        "simhash_bits          | \"simhash_bits\": 3         | \"simhash_bits\": 4                                    | [fde.simhash_bits] cannot change from [3] to [4]",
        "projection_dims       | \"projection_dims\": 8      | \"projection_dims\": 4                                 | [fde.projection_dims] cannot change from [8] to [4]",
        "final_projection_dims | \"seed\": 7                 | \"seed\": 7, \"final_projection_dims\": 64            | [fde.final_projection_dims] cannot change from [0] to [64]",
        "index_type            | \"seed\": 7                 | \"seed\": 7, \"index_type\": \"hnsw\"                 | [fde.index_type] cannot change from [int1_hnsw] to [hnsw]",
        "m                     | \"seed\": 7                 | \"seed\": 7, \"m\": 32                                | [fde.m] cannot change from [16] to [32]",
        "ef_construction       | \"seed\": 7                 | \"seed\": 7, \"ef_construction\": 50                  | [fde.ef_construction] cannot change from [100] to [50]",
      })
  void fdeOptionsCannotChange(String name, String from, String to, String message) {
    rest.put(
            "/" + INDEX + "/_mapping",
            "{\"properties\": {\"mv\": {\"type\": \"quiver_multi_vector\", \"dims\": 16,"
                + " \"max_vectors\": 24, \"fde\": "
                + FDE.replace(from, to)
                + "}}}")
        .badRequest(message, "field [mv]");
    JsonNode fde =
        rest.get("/" + INDEX + "/_mapping")
            .ok()
            .body()
            .at("/" + INDEX + "/mappings/properties/mv/fde");
    assertEquals(7, fde.path("seed").asInt(), name + ": " + fde);
    assertEquals(8, fde.path("repetitions").asInt(), name + ": " + fde);
  }

  @Test
  void leavingOutFdeOnTheExistingFieldIsAChangeToTheDefaults() {
    rest.put(
            "/" + INDEX + "/_mapping",
            "{\"properties\": {\"mv\": {\"type\": \"quiver_multi_vector\", \"dims\": 16,"
                + " \"max_vectors\": 24}}}")
        .badRequest("field [mv]", "[fde.repetitions] cannot change from [8] to [20]");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ragged        | [[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[1,0]]           | has 16 dimensions but the vector has 2",
        "empty         | []                                                 | needs at least one vector",
        "flat          | [1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]                  | expects an array of vectors",
        "NaN           | [[\"NaN\",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]          | must be a number",
        "infinite      | [[1e39,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]             | not a finite float32",
        "too long      | [[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]              | has 16 dimensions but the vector has more",
        "zero vector   | [[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]                | all zeros",
      })
  void badDocumentsAreRefusedWholly(String name, String value, String message) {
    rest.put("/" + INDEX + "/_doc/bad?refresh=true", "{\"p\": 1, \"mv\": " + value + "}")
        .badRequest("field [mv]", message);
    assertEquals(404, rest.get("/" + INDEX + "/_doc/bad").status(), name + " was indexed");
    assertEquals(DOCS, rest.get("/" + INDEX + "/_count").ok().body().get("count").asInt());
  }

  @Test
  void tooManyVectorsIsRefused() {
    float[][] many = new float[25][];
    for (int i = 0; i < many.length; i++) {
      many[i] = data.docs[0][0];
    }
    rest.put(
            "/" + INDEX + "/_doc/bad?refresh=true",
            "{\"mv\": " + ClusteredMultiVectors.json(many) + "}")
        .badRequest("field [mv]", "at most [max_vectors] = 24");
    assertEquals(DOCS, rest.get("/" + INDEX + "/_count").ok().body().get("count").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "too wide     | {\"repetitions\": 20, \"simhash_bits\": 6, \"projection_dims\": 16} | final_projection_dims",
        "proj > dims  | {\"projection_dims\": 32}                                        | [projection_dims]",
        "unknown      | {\"bits\": 3}                                                    | [fde.bits]",
        "bad type     | {\"index_type\": \"ivf\"}                                        | [fde.index_type]",
      })
  void badMappingsAreRefused(String name, String fde, String message) {
    rest.put(
            "/" + INDEX + "/_mapping",
            "{\"properties\": {\"w\": {\"type\": \"quiver_multi_vector\", \"dims\": 16, \"fde\": "
                + fde
                + "}}}")
        .badRequest("field [w]", message);
    assertTrue(
        rest.get("/" + INDEX + "/_mapping")
            .ok()
            .body()
            .at("/" + INDEX + "/mappings/properties/w")
            .isMissingNode(),
        name + " was mapped");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "both      | \"vectors\": [[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]], \"query_text\": \"x\" | field [mv]: takes [vectors] or [query_text], not both",
        "neither   | \"k\": 3                                                         | field [mv]: requires [vectors] or [query_text]",
        "ragged    | \"vectors\": [[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[1]]             | field [mv]: [vectors] must all have the same length",
        "dims      | \"vectors\": [[1,0,0]]                                           | field [mv] has 16 dimensions but query vector [0] has 3",
        "oversample | \"vectors\": [[1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]], \"fde_oversample\": 0 | field [mv]: [fde_oversample] must be in [1, 100], got [0.0]",
      })
  void badQueriesAreRefused(String name, String body, String message) {
    rest.post(
            "/" + INDEX + "/_search",
            "{\"query\": {\"quiver_maxsim\": {\"field\": \"mv\", " + body + "}}}")
        .badRequest(message);
  }

  @Test
  void queryTextOverTokensFromTheEmbedProcessor() throws Exception {
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(3));
    String index = "/multi-vector-text";
    rest.delete(index);
    rest.put(
            index,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"body": {"type": "text"},
               "body_tokens": {"type": "quiver_multi_vector", "dims": 384, "model": "%s",
                               "fde": {"repetitions": 10, "simhash_bits": 4}}}}}
            """
                .formatted(DEFAULT_MODEL))
        .ok();
    rest.put(
            "/_ingest/pipeline/multi-vector-tokens",
            """
            {"processors": [{"quiver_embed": {"field_map": {"body": "body_tokens"},
                                              "output": "tokens"}}]}
            """)
        .ok();
    String[] bodies = {
      "Mitochondria produce most of the chemical energy of the cell.",
      "The stock market fell sharply after the interest rate decision.",
      "Penguins live in the southern hemisphere and cannot fly.",
    };
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < bodies.length; i++) {
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"body\":\"").append(bodies[i]).append("\"}\n");
    }
    JsonNode r =
        rest.bulk(index + "/_bulk?refresh=true&pipeline=multi-vector-tokens", bulk.toString())
            .ok()
            .body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
    assertFalse(rest.get(index + "/_doc/0").ok().body().at("/_source").has("body_tokens"));
    String[] queries = {"energy in cells", "shares and interest rates", "flightless birds"};
    for (int i = 0; i < queries.length; i++) {
      for (String mode :
          new String[] {"", ", \"exact\": true", ", \"model\": \"" + DEFAULT_MODEL + "\""}) {
        JsonNode hits =
            rest.post(
                    index + "/_search",
                    "{\"query\": {\"quiver_maxsim\": {\"field\": \"body_tokens\", \"query_text\": \""
                        + queries[i]
                        + "\", \"k\": 3"
                        + mode
                        + "}}}")
                .ok()
                .body()
                .at("/hits/hits");
        assertEquals(String.valueOf(i), hits.get(0).get("_id").asText(), queries[i] + mode + hits);
      }
    }
    // vectors declared to come from another model than the field's are refused
    float[][] other = {new float[384]};
    other[0][0] = 1f;
    rest.post(
            index + "/_search",
            "{\"query\": {\"quiver_maxsim\": {\"field\": \"body_tokens\", \"vectors\": "
                + ClusteredMultiVectors.json(other)
                + ", \"model\": \"another-model\"}}}")
        .badRequest("field [body_tokens] holds vectors of model [" + DEFAULT_MODEL + "]");
  }
}
