package dev.quiver.qa;

import static dev.quiver.qa.EmbedModels.DEFAULT_DIMS;
import static dev.quiver.qa.EmbedModels.DEFAULT_MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The index side of {@code quiver_semantic} on the real node: an index mapping only {@code body}
 * gets its plain text through {@code _bulk} with no pipeline; the defaults and the hidden
 * companions are written into the mapping, {@code _source} is the text as sent, the passage vectors
 * are searchable with {@code quiver_maxsim}, {@code match} is lexical; bad values fail their own
 * bulk item with a 400 naming the field, and model, index_options and chunking cannot change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SemanticFieldRestTest {

  static final String INDEX = "/semantic-field";

  static final String[] BODIES = {
    "Mitochondria are the organelles that produce most of the energy of a cell.",
    "The stock market fell sharply after the central bank raised interest rates.",
    "Penguins are flightless birds that live in the southern hemisphere.",
  };

  private Rest rest;

  @BeforeAll
  void index() throws Exception {
    rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, DEFAULT_MODEL, Duration.ofMinutes(2));
    rest.delete(INDEX);
    rest.put(
            INDEX,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "body": {"type": "quiver_semantic"},
               "tag": {"type": "keyword"}}}}
            """)
        .ok();
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < BODIES.length; i++) {
      bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n");
      bulk.append("{\"body\":\"").append(BODIES[i]).append("\",\"tag\":\"t").append(i);
      bulk.append("\"}\n");
    }
    JsonNode r = rest.bulk(INDEX + "/_bulk?refresh=true", bulk.toString()).ok().body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
  }

  @AfterAll
  void delete() {
    rest.delete(INDEX);
    rest.delete("/semantic-field-options");
    rest.delete("/semantic-field-bad-model");
  }

  /** A dense embedding of {@code text} by the default model, through {@code _simulate}. */
  private String embed(String text) {
    JsonNode doc =
        rest.post(
                "/_ingest/pipeline/_simulate",
                """
                {"pipeline": {"processors": [{"quiver_embed": {"field_map": {"t": "v"}}}]},
                 "docs": [{"_source": {"t": "%s"}}]}
                """
                    .formatted(text))
            .ok()
            .body();
    return "[" + doc.at("/docs/0/doc/_source/v").toString() + "]";
  }

  @Test
  void mappingHasDefaultsAndCompanions() {
    JsonNode m = rest.get(INDEX + "/_mapping").ok().body().at("/semantic-field/mappings");
    JsonNode body = m.at("/properties/body");
    assertEquals("quiver_semantic", body.get("type").asText(), m.toString());
    assertEquals(DEFAULT_MODEL, body.get("model").asText(), body.toString());
    assertEquals("int8_hnsw", body.at("/index_options/type").asText(), body.toString());
    assertEquals(256, body.at("/chunking/max_tokens").asInt(), body.toString());
    assertEquals(32, body.at("/chunking/overlap_tokens").asInt(), body.toString());
    JsonNode vectors = m.at("/properties/_quiver_semantic/properties/body/properties/vectors");
    assertEquals("quiver_multi_vector", vectors.get("type").asText(), m.toString());
    assertEquals(DEFAULT_DIMS, vectors.get("dims").asInt(), vectors.toString());
    assertEquals("int8_hnsw", vectors.at("/fde/index_type").asText(), vectors.toString());
    JsonNode state = m.at("/properties/_quiver_semantic/properties/body/properties/state");
    assertEquals("binary", state.get("type").asText(), m.toString());
    assertTrue(m.at("/_source/excludes").toString().contains("_quiver_semantic"), m.toString());
  }

  @Test
  void sourceIsTheTextAsSent() {
    JsonNode source = rest.get(INDEX + "/_doc/0").ok().body().get("_source");
    assertEquals(BODIES[0], source.get("body").asText(), source.toString());
    assertEquals("t0", source.get("tag").asText(), source.toString());
    assertEquals(2, source.size(), source.toString());
  }

  @Test
  void passageVectorsAreSearchable() {
    String[] queries = {
      "how do cells make energy", "interest rates and shares", "birds that cannot fly"
    };
    for (int i = 0; i < queries.length; i++) {
      JsonNode hits =
          rest.post(
                  INDEX + "/_search",
                  "{\"query\": {\"quiver_maxsim\": {\"field\": \"_quiver_semantic.body.vectors\","
                      + " \"vectors\": "
                      + embed(queries[i])
                      + ", \"k\": 3}}}")
              .ok()
              .body()
              .at("/hits/hits");
      assertEquals(String.valueOf(i), hits.get(0).get("_id").asText(), queries[i] + hits);
      JsonNode byText =
          rest.post(
                  INDEX + "/_search",
                  "{\"query\": {\"quiver_maxsim\": {\"field\": \"_quiver_semantic.body.vectors\","
                      + " \"query_text\": \""
                      + queries[i]
                      + "\", \"k\": 3}}}")
              .ok()
              .body()
              .at("/hits/hits");
      assertEquals(3, byText.size(), byText.toString());
    }
  }

  @Test
  void matchIsLexical() {
    JsonNode hits =
        rest.post(INDEX + "/_search", "{\"query\": {\"match\": {\"body\": \"penguins\"}}}")
            .ok()
            .body()
            .at("/hits");
    assertEquals(1, hits.at("/total/value").asInt(), hits.toString());
    assertEquals("2", hits.at("/hits/0/_id").asText(), hits.toString());
    JsonNode none =
        rest.post(INDEX + "/_search", "{\"query\": {\"match\": {\"body\": \"organelle\"}}}")
            .ok()
            .body()
            .at("/hits");
    assertEquals(0, none.at("/total/value").asInt(), "no stemming: BM25 on terms " + none);
  }

  @Test
  void singleDocumentIndexIsEmbedded() {
    rest.put(INDEX + "/_doc/single?refresh=true", "{\"body\": \"Volcanoes erupt molten lava.\"}")
        .ok();
    JsonNode hits =
        rest.post(
                INDEX + "/_search",
                "{\"query\": {\"quiver_maxsim\": {\"field\": \"_quiver_semantic.body.vectors\","
                    + " \"vectors\": "
                    + embed("lava from a volcano")
                    + ", \"k\": 1}}}")
            .ok()
            .body()
            .at("/hits/hits");
    assertEquals("single", hits.get(0).get("_id").asText(), hits.toString());
    rest.delete(INDEX + "/_doc/single?refresh=true");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "5                | takes one string, got [Integer]",
        "{\"a\": \"x\"}   | takes one string, got an object",
        "[\"a\", 1]       | takes one string, got an array",
        "\"\"             | is empty",
        "\"   \"          | is empty",
      })
  void badValuesFailTheirItemOnly(String value, String reason) {
    String bulk =
        "{\"index\":{\"_id\":\"bad\"}}\n{\"body\": "
            + value
            + "}\n{\"index\":{\"_id\":\"good\"}}\n{\"body\": \"A good text.\"}\n";
    JsonNode r = rest.bulk(INDEX + "/_bulk?refresh=true", bulk).ok().body();
    assertTrue(r.get("errors").asBoolean(), r.toString());
    JsonNode bad = r.at("/items/0/index");
    assertEquals(400, bad.get("status").asInt(), bad.toString());
    String error = bad.get("error").toString();
    assertTrue(error.contains("field [body]"), error);
    assertTrue(error.contains(reason), error);
    assertEquals(201, r.at("/items/1/index/status").asInt(), r.toString());
    assertEquals(404, rest.get(INDEX + "/_doc/bad").status());
    rest.delete(INDEX + "/_doc/good?refresh=true").ok();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"model\": \"another-model\"                      | model",
        "\"index_options\": {\"type\": \"int4_hnsw\"}      | index_options",
        "\"chunking\": {\"max_tokens\": 128}               | chunking",
        "\"chunking\": false                               | chunking",
      })
  void optionsCannotChange(String option, String name) {
    rest.put(
            INDEX + "/_mapping",
            "{\"properties\": {\"body\": {\"type\": \"quiver_semantic\", " + option + "}}}")
        .badRequest(name);
  }

  @Test
  void sameMappingAgainIsAccepted() {
    JsonNode m = rest.get(INDEX + "/_mapping").ok().body().at("/semantic-field/mappings");
    rest.put(INDEX + "/_mapping", m.toString()).ok();
  }

  @Test
  void unknownModelIsRefused() {
    rest.put(
            "/semantic-field-bad-model",
            "{\"mappings\": {\"properties\": {\"body\": {\"type\": \"quiver_semantic\","
                + " \"model\": \"no-such-model\"}}}}")
        .badRequest("field [body]", "unknown model [no-such-model]");
  }

  @Test
  void optionsAreKept() {
    rest.put(
            "/semantic-field-options",
            """
            {"mappings": {"properties": {"a": {"properties": {"b": {
               "type": "quiver_semantic", "model": "%s", "analyzer": "english",
               "index_options": {"type": "int4_hnsw"}, "chunking": false}}}}}}
            """
                .formatted(DEFAULT_MODEL))
        .ok();
    JsonNode m = rest.get("/semantic-field-options/_mapping").ok().body();
    JsonNode b = m.at("/semantic-field-options/mappings/properties/a/properties/b");
    assertEquals("english", b.get("analyzer").asText(), b.toString());
    assertFalse(b.at("/chunking/enabled").asBoolean(true), b.toString());
    JsonNode vectors =
        m.at(
            "/semantic-field-options/mappings/properties/_quiver_semantic/properties/a/properties"
                + "/b/properties/vectors");
    assertEquals("int4_hnsw", vectors.at("/fde/index_type").asText(), m.toString());
    rest.put(
            "/semantic-field-options/_doc/1?refresh=true",
            "{\"a\": {\"b\": \"Running shoes for marathons.\"}}")
        .ok();
    JsonNode hits =
        rest.post("/semantic-field-options/_search", "{\"query\": {\"match\": {\"a.b\": \"run\"}}}")
            .ok()
            .body()
            .at("/hits/hits");
    assertEquals(1, hits.size(), "english analyzer stems: " + hits);
    JsonNode sem =
        rest.post(
                "/semantic-field-options/_search",
                "{\"query\": {\"quiver_maxsim\": {\"field\": \"_quiver_semantic.a.b.vectors\","
                    + " \"vectors\": "
                    + embed("marathon running")
                    + ", \"k\": 1}}}")
            .ok()
            .body()
            .at("/hits/hits");
    assertEquals("1", sem.at("/0/_id").asText(), sem.toString());
  }

  @Test
  void replacingWithoutTheTextDropsTheVectors() {
    rest.put(INDEX + "/_doc/r?refresh=true", "{\"body\": \"Volcanoes erupt molten lava.\"}").ok();
    rest.put(INDEX + "/_doc/r?refresh=true", "{\"tag\": \"none\"}").ok();
    JsonNode hits =
        rest.post(
                INDEX + "/_search",
                "{\"query\": {\"quiver_maxsim\": {\"field\": \"_quiver_semantic.body.vectors\","
                    + " \"vectors\": "
                    + embed("lava from a volcano")
                    + ", \"k\": 10}}}")
            .ok()
            .body()
            .at("/hits/hits");
    for (JsonNode hit : hits) {
      assertFalse("r".equals(hit.get("_id").asText()), "stale vectors kept: " + hits);
    }
    rest.delete(INDEX + "/_doc/r?refresh=true").ok();
  }

  @Test
  void withoutTheSystemPipelineTextIsRefused() {
    rest.put(
            "/_cluster/settings",
            "{\"transient\": {\"cluster.ingest.system_pipeline_enabled\": false}}")
        .ok();
    try {
      rest.put(INDEX + "/_doc/np", "{\"body\": \"Not embedded.\"}")
          .badRequest("field [body]", "was not embedded");
    } finally {
      rest.put(
              "/_cluster/settings",
              "{\"transient\": {\"cluster.ingest.system_pipeline_enabled\": null}}")
          .ok();
    }
    assertEquals(404, rest.get(INDEX + "/_doc/np").status());
  }
}
