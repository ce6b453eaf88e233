package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input is a 400 that names the field and the problem, and nothing is half-written. */
class BadInputRestTest {

  private static Rest rest;

  @BeforeAll
  static void createIndex() throws Exception {
    rest = QaNode.rest();
    rest.delete("/bad");
    rest.put(
            "/bad",
            """
            {"settings": {"number_of_replicas": 0},
             "mappings": {"properties": {
               "v": {"type": "quiver_vector", "dims": 3, "similarity": "cosine"},
               "u": {"type": "quiver_vector", "dims": 2, "similarity": "dot_product"},
               "q": {"type": "quiver_vector", "dims": 3, "index_options": {"type": "int1_hnsw"}},
               "k": {"type": "keyword"}}}}
            """)
        .ok();
    rest.put("/bad/_doc/good?refresh=true", "{\"v\":[1,2,3],\"u\":[0.6,0.8]}").ok();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wrong dims           | {\"v\":[1,2]}              | field [v] has 3 dimensions but the vector has 2",
        "too many dims        | {\"v\":[1,2,3,4]}          | field [v] has 3 dimensions but the vector has more",
        "string element       | {\"v\":[1,\"a\",3]}        | element [1] must be a number",
        "NaN as string        | {\"v\":[\"NaN\",1,3]}      | element [0] must be a number",
        "float32 overflow     | {\"v\":[1e39,1,3]}         | not a finite float32",
        "nested arrays        | {\"v\":[[1,2,3]]}          | nested array",
        "object               | {\"v\":{\"x\":1}}          | field [v] expects an array of 3 numbers",
        "scalar               | {\"v\":5}                  | field [v] expects an array of 3 numbers",
        "zero vector cosine   | {\"v\":[0,0,0]}            | all zeros",
        "non-unit dot_product | {\"u\":[3,4]}              | [dot_product] needs unit-length vectors",
      })
  void rejectsBadDocumentsWithoutIndexingThem(String name, String doc, String message) {
    Rest.Response r = rest.put("/bad/_doc/x?refresh=true", doc);
    r.badRequest(message);
    assertEquals(404, rest.get("/bad/_doc/x").status(), name + " was indexed");
    assertEquals(1, rest.get("/bad/_count").ok().body().get("count").asInt());
  }

  @Test
  void badDocumentInBulkFailsAloneWithItsReason() {
    JsonNode r =
        rest.bulk(
                "/bad/_bulk?refresh=true",
                """
                {"index":{"_id":"b1"}}
                {"v":[1,0,0]}
                {"index":{"_id":"b2"}}
                {"v":[1,0]}
                """)
            .ok()
            .body();
    assertTrue(r.get("errors").asBoolean());
    assertEquals(201, r.at("/items/0/index/status").asInt());
    assertEquals(400, r.at("/items/1/index/status").asInt());
    assertTrue(r.at("/items/1/index/error").toString().contains("field [v] has 3 dimensions"));
    assertEquals(404, rest.get("/bad/_doc/b2").status());
    rest.delete("/bad/_doc/b1?refresh=true").ok();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "missing dims       | {\"type\":\"quiver_vector\"}                                  | [dims] is required",
        "zero dims          | {\"type\":\"quiver_vector\",\"dims\":0}                        | [dims] must be an integer in [1, 16384]",
        "too many dims      | {\"type\":\"quiver_vector\",\"dims\":16385}                    | [dims] must be an integer in [1, 16384]",
        "unknown similarity | {\"type\":\"quiver_vector\",\"dims\":4,\"similarity\":\"hamming\"} | unknown similarity [hamming]",
        "unknown parameter  | {\"type\":\"quiver_vector\",\"dims\":4,\"colour\":\"red\"}      | colour",
        "unknown option     | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"hnsw\",\"ef\":5}} | unknown option [index_options.ef]",
        "unknown type       | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"ivf\"}} | unknown [index_options.type] [ivf]",
        "m out of range     | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"m\":0}} | [index_options.m] must be an integer in [1, 512]",
        "flat with m        | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"flat\",\"m\":8}} | apply to the graph types, not to [flat]",
        "unknown quantized  | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"int3_hnsw\"}} | field [w]: unknown [index_options.type] [int3_hnsw], expected one of [hnsw, flat, int8_hnsw, int4_hnsw, int2_hnsw, int1_hnsw]",
        "oversample below 1 | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"int1_hnsw\",\"rescore\":{\"oversample\":0.5}}} | field [w]: [index_options.rescore.oversample] must be a number in [1, 100], got [0.5]",
        "oversample over 100| {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"int4_hnsw\",\"rescore\":{\"oversample\":101}}} | field [w]: [index_options.rescore.oversample] must be a number in [1, 100], got [101]",
        "rescore unknown key| {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"int4_hnsw\",\"rescore\":{\"factor\":2}}} | field [w]: unknown option [index_options.rescore.factor]",
        "rescore on flat    | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"flat\",\"rescore\":{\"oversample\":2}}} | field [w]: [index_options.rescore] applies to the quantized types",
        "rescore on hnsw    | {\"type\":\"quiver_vector\",\"dims\":4,\"index_options\":{\"type\":\"hnsw\",\"rescore\":{\"oversample\":2}}} | not to [hnsw], whose scores are exact already",
        "quantized dims     | {\"type\":\"quiver_vector\",\"dims\":16385,\"index_options\":{\"type\":\"int1_hnsw\"}} | field [w]: [dims] must be an integer in [1, 16384]",
      })
  void rejectsBadMappings(String name, String field, String message) {
    Rest.Response r = rest.put("/bad/_mapping", "{\"properties\":{\"w\":" + field + "}}");
    r.badRequest(message);
    assertTrue(
        rest.get("/bad/_mapping").ok().body().at("/bad/mappings/properties/w").isMissingNode(),
        name + " was mapped");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dims       | {\"type\":\"quiver_vector\",\"dims\":4,\"similarity\":\"cosine\"}     | dims",
        "similarity | {\"type\":\"quiver_vector\",\"dims\":3,\"similarity\":\"l2_norm\"}    | similarity",
        "graph      | {\"type\":\"quiver_vector\",\"dims\":3,\"index_options\":{\"type\":\"flat\"}} | index_options",
      })
  void rejectsMappingUpdatesThatChangeTheField(String name, String field, String parameter) {
    Rest.Response r = rest.put("/bad/_mapping", "{\"properties\":{\"v\":" + field + "}}");
    r.badRequest("Cannot update parameter [" + parameter + "]");
    assertEquals(
        3, rest.get("/bad/_mapping").ok().body().at("/bad/mappings/properties/v/dims").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "k zero              | {\"field\":\"v\",\"vector\":[1,2,3],\"k\":0}                       | [k] must be in [1, 10000]",
        "k too large         | {\"field\":\"v\",\"vector\":[1,2,3],\"k\":10001}                   | [k] must be in [1, 10000]",
        "k missing           | {\"field\":\"v\",\"vector\":[1,2,3]}                              | requires [k]",
        "candidates below k  | {\"field\":\"v\",\"vector\":[1,2,3],\"k\":5,\"num_candidates\":4}  | [num_candidates] must be in [k, 10000]",
        "vector missing      | {\"field\":\"v\",\"k\":3}                                         | requires [vector]",
        "string in vector    | {\"field\":\"v\",\"vector\":[1,\"x\",3],\"k\":3}                  | [vector] element [1] must be a number",
        "unknown key         | {\"field\":\"v\",\"vector\":[1,2,3],\"k\":3,\"ef\":9}             | unknown field [ef]",
        "wrong dims          | {\"field\":\"v\",\"vector\":[1,2],\"k\":3}                         | field [v] has 3 dimensions but the query vector has 2",
        "zero cosine vector  | {\"field\":\"v\",\"vector\":[0,0,0],\"k\":3}                       | the query vector is all zeros",
        "not a quiver field  | {\"field\":\"k\",\"vector\":[1,2,3],\"k\":3}                       | field [k] is of type [keyword]",
        "negative min_score  | {\"field\":\"v\",\"vector\":[1,2,3],\"k\":3,\"min_score\":-1}      | [min_score] must be a finite number >= 0",
        "oversample below 1  | {\"field\":\"q\",\"vector\":[1,2,3],\"k\":3,\"rescore\":{\"oversample\":0.9}} | [quiver_knn] field [q]: [rescore.oversample] must be a number in [1, 100], got [0.9]",
        "oversample over 100 | {\"field\":\"q\",\"vector\":[1,2,3],\"k\":3,\"rescore\":{\"oversample\":100.5}} | field [q]: [rescore.oversample] must be a number in [1, 100], got [100.5]",
        "oversample a string | {\"field\":\"q\",\"vector\":[1,2,3],\"k\":3,\"rescore\":{\"oversample\":\"x\"}} | field [q]: [rescore.oversample] must be a number in [1, 100], got [x]",
        "rescore unknown key | {\"field\":\"q\",\"vector\":[1,2,3],\"k\":3,\"rescore\":{\"ratio\":2}} | unknown field [rescore.ratio], expected [oversample, bounded]",
        "rescore not object  | {\"field\":\"q\",\"vector\":[1,2,3],\"k\":3,\"rescore\":2}  | [rescore] must be an object",
      })
  void rejectsBadQueries(String name, String body, String message) {
    rest.post("/bad/_search", "{\"query\":{\"quiver_knn\":" + body + "}}").badRequest(message);
  }

  @Test
  void unmappedFieldMatchesNothing() {
    JsonNode r =
        rest.post(
                "/bad/_search",
                "{\"query\":{\"quiver_knn\":{\"field\":\"nope\",\"vector\":[1],\"k\":1}}}")
            .ok()
            .body();
    assertEquals(0, r.at("/hits/total/value").asInt());
  }
}
