package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The index side of {@code quiver_semantic} on a real node: plain text sent with {@code _bulk},
 * {@code _index} or {@code _update} and no pipeline gets passage vectors in the hidden {@code
 * _quiver_semantic.P.vectors} field, {@code _source} stays the text as sent, {@code match} on the
 * field is BM25, the defaults are written out and cannot change, and every bad document fails alone
 * with a 400 naming the field.
 */
class SemanticIndexRestTest {

  private static final String MODEL = EmbedModels.DEFAULT_MODEL;
  private static final String INDEX = "/semantic-index";
  private static Rest rest;

  @BeforeAll
  static void connect() throws Exception {
    rest = QaNode.rest();
    EmbedModels.awaitLoaded(rest, MODEL, Duration.ofMinutes(3));
  }

  private static void createIndex() {
    rest.delete(INDEX);
    rest.put(
            INDEX,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {"body": {"type": "quiver_semantic"},
                                         "tag": {"type": "keyword"}}}}
            """)
        .ok();
  }

  /** The id of the best hit of {@code quiver_maxsim} with {@code text} on the body's vectors. */
  private static String bestBySemantic(String text) {
    JsonNode hits =
        rest.post(
                INDEX + "/_search",
                "{\"query\": {\"quiver_maxsim\": {\"field\": \"_quiver_semantic.body.vectors\","
                    + " \"query_text\": \""
                    + text
                    + "\", \"k\": 3}}}")
            .ok()
            .body()
            .path("hits")
            .path("hits");
    assertTrue(hits.size() > 0, hits.toString());
    return hits.get(0).get("_id").asText();
  }

  /** How many texts this node has handed the model to embed (the models API's counter). */
  private static long textsEmbedded() {
    for (JsonNode m : rest.get("/_plugins/_quiver/models").ok().body().path("models")) {
      if (MODEL.equals(m.path("name").asText())) {
        return m.path("texts_embedded").asLong();
      }
    }
    throw new AssertionError("no model [" + MODEL + "]");
  }

  private static void bulkThree() {
    String bulk =
        """
        {"index": {"_id": "cell"}}
        {"body": "Mitochondria produce most of the chemical energy of the cell.", "tag": "a"}
        {"index": {"_id": "market"}}
        {"body": "The stock market fell sharply after the interest rate decision.", "tag": "a"}
        {"index": {"_id": "bird"}}
        {"body": "Penguins live in the southern hemisphere and cannot fly.", "tag": "a"}
        """;
    JsonNode r = rest.bulk(INDEX + "/_bulk?refresh=true", bulk).ok().body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
  }

  @Test
  void bulkTextIsEmbeddedWithNoPipeline() {
    createIndex();
    bulkThree();
    assertEquals("cell", bestBySemantic("energy in cells"));
    assertEquals("market", bestBySemantic("shares and interest rates"));
    assertEquals("bird", bestBySemantic("flightless birds"));
    JsonNode source = rest.get(INDEX + "/_doc/cell").ok().body().path("_source");
    assertEquals(
        Rest.JSON
            .createObjectNode()
            .put("body", "Mitochondria produce most of the chemical energy of the cell.")
            .put("tag", "a"),
        source);
  }

  @Test
  void defaultsAreWrittenOutAndCannotChange() {
    createIndex();
    JsonNode props =
        rest.get(INDEX + "/_mapping").ok().body().at("/semantic-index/mappings/properties");
    JsonNode body = props.path("body");
    assertEquals("quiver_semantic", body.path("type").asText(), props.toString());
    assertEquals(MODEL, body.path("model").asText(), body.toString());
    assertEquals("int8_hnsw", body.at("/index_options/type").asText(), body.toString());
    assertEquals(256, body.at("/chunking/max_tokens").asInt(), body.toString());
    assertEquals(32, body.at("/chunking/overlap_tokens").asInt(), body.toString());
    JsonNode vectors = props.at("/_quiver_semantic/properties/body/properties/vectors");
    assertEquals("quiver_multi_vector", vectors.path("type").asText(), props.toString());
    assertEquals(384, vectors.path("dims").asInt(), vectors.toString());
    assertEquals(
        "binary",
        props.at("/_quiver_semantic/properties/body/properties/state/type").asText(),
        props.toString());
    rest.put(
            INDEX + "/_mapping",
            "{\"properties\": {\"body\": {\"type\": \"quiver_semantic\", \"model\": \"other\"}}}")
        .badRequest("body");
    rest.put(
            INDEX + "/_mapping",
            "{\"properties\": {\"body\": {\"type\": \"quiver_semantic\","
                + " \"index_options\": {\"type\": \"int4_hnsw\"}}}}")
        .badRequest("body", "index_options");
    rest.put(
            INDEX + "/_mapping",
            "{\"properties\": {\"body\": {\"type\": \"quiver_semantic\","
                + " \"chunking\": {\"max_tokens\": 128}}}}")
        .badRequest("body", "chunking");
  }

  @Test
  void unknownModelIsA400() {
    rest.delete("/semantic-unknown");
    rest.put(
            "/semantic-unknown",
            "{\"mappings\": {\"properties\": {\"t\": {\"type\": \"quiver_semantic\","
                + " \"model\": \"no-such-model\"}}}}")
        .badRequest("field [t]", "unknown model [no-such-model]");
  }

  @Test
  void matchOnTheFieldIsLexical() {
    createIndex();
    bulkThree();
    JsonNode hits =
        rest.post(INDEX + "/_search", "{\"query\": {\"match\": {\"body\": \"penguins\"}}}")
            .ok()
            .body()
            .path("hits")
            .path("hits");
    assertEquals(1, hits.size(), hits.toString());
    assertEquals("bird", hits.get(0).get("_id").asText());
    // a word that means the same but is not in the text: no lexical hit
    JsonNode none =
        rest.post(INDEX + "/_search", "{\"query\": {\"match\": {\"body\": \"aves\"}}}")
            .ok()
            .body()
            .path("hits")
            .path("hits");
    assertEquals(0, none.size(), none.toString());
  }

  @Test
  void singleIndexAndUpdateApiReEmbed() {
    createIndex();
    bulkThree();
    rest.put(
            INDEX + "/_doc/new?refresh=true",
            "{\"body\": \"Volcanoes erupt molten lava and ash.\"}")
        .ok();
    assertEquals("new", bestBySemantic("lava eruptions"));
    // the _update API: the text changes, so does what the document is found by
    rest.post(
            INDEX + "/_update/new?refresh=true",
            "{\"doc\": {\"body\": \"Glaciers are slow rivers of ice.\"}}")
        .ok();
    assertEquals("new", bestBySemantic("ice sheets and glaciers"));
    assertEquals(
        "Glaciers are slow rivers of ice.",
        rest.get(INDEX + "/_doc/new").ok().body().at("/_source/body").asText());
    // an update that does not touch the text keeps the document's vectors, with no model run
    long before = textsEmbedded();
    rest.post(INDEX + "/_update/new?refresh=true", "{\"doc\": {\"tag\": \"b\"}}").ok();
    rest.put(INDEX + "/_doc/new?refresh=true", "{\"body\": \"Glaciers are slow rivers of ice.\"}")
        .ok();
    assertEquals(before, textsEmbedded());
    assertEquals("new", bestBySemantic("ice sheets and glaciers"));
  }

  @Test
  void bulkUpdateItemsKeepOrRemakeTheVectors() {
    createIndex();
    bulkThree();
    String bulk =
        """
        {"update": {"_id": "cell"}}
        {"doc": {"tag": "b"}}
        {"update": {"_id": "bird"}}
        {"doc": {"body": "Volcanoes erupt molten lava and ash."}}
        """;
    long before = textsEmbedded();
    JsonNode r = rest.bulk(INDEX + "/_bulk?refresh=true", bulk).ok().body();
    assertFalse(r.get("errors").asBoolean(), r.toString());
    assertEquals(before + 1, textsEmbedded(), "only the new text is embedded");
    // the partial doc without the text: the vectors are carried over
    assertEquals("cell", bestBySemantic("energy in cells"));
    assertEquals("b", rest.get(INDEX + "/_doc/cell").ok().body().at("/_source/tag").asText());
    // the partial doc with a new text: embedded again
    assertEquals("bird", bestBySemantic("lava eruptions"));
    assertFalse(rest.get(INDEX + "/_doc/bird").ok().body().path("_source").has("_quiver_semantic"));
  }

  @Test
  void badDocumentsFailAloneNamingTheField() {
    createIndex();
    String bulk =
        """
        {"index": {"_id": "ok"}}
        {"body": "Mitochondria produce most of the chemical energy of the cell."}
        {"index": {"_id": "number"}}
        {"body": 42}
        {"index": {"_id": "object"}}
        {"body": {"text": "x"}}
        {"index": {"_id": "mixed"}}
        {"body": ["a", 1]}
        {"index": {"_id": "empty"}}
        {"body": ""}
        """;
    JsonNode items = rest.bulk(INDEX + "/_bulk?refresh=true", bulk).ok().body().path("items");
    assertEquals(201, items.get(0).at("/index/status").asInt(), items.toString());
    for (int i = 1; i < items.size(); i++) {
      JsonNode item = items.get(i).path("index");
      assertEquals(400, item.path("status").asInt(), item.toString());
      assertTrue(item.at("/error/reason").asText().contains("[body]"), item.toString());
    }
    assertEquals(1, rest.get(INDEX + "/_count").ok().body().path("count").asInt());
    rest.put(INDEX + "/_doc/single", "{\"body\": \"\"}").badRequest("field [body]", "empty");
  }
}
