package dev.quiver.plugin.mapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.ingest.ModelConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The mapping transformer adding the semantic fields' companions, and the state they store. */
class SemanticCompanionsTests {

  private static final Function<String, ModelConfig> MODELS =
      name -> DefaultModel.NAME.equals(name) ? DefaultModel.config() : null;

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> at(Map<String, Object> m, String... keys) {
    Map<String, Object> cur = m;
    for (String k : keys) {
      cur = (Map<String, Object>) cur.get(k);
    }
    return cur;
  }

  @Test
  void addsVectorsAndStatePerFieldAndExcludesTheRoot() {
    Map<String, Object> props =
        map(
            "body",
            map("type", "quiver_semantic"),
            "a",
            map(
                "properties",
                map(
                    "b",
                    map("type", "quiver_semantic", "index_options", map("type", "int4_hnsw")))),
            "mv",
            map("type", "quiver_multi_vector", "dims", 4));
    Map<String, Object> mapping = map("_doc", map("properties", props));
    MultiVectorSourceExcludes.apply(mapping);
    new SemanticCompanions(MODELS).apply(mapping);
    Map<String, Object> root = at(mapping, "_doc");
    Map<String, Object> body =
        at(root, "properties", "_quiver_semantic", "properties", "body", "properties");
    assertEquals("quiver_multi_vector", at(body, "vectors").get("type"));
    assertEquals(384, at(body, "vectors").get("dims"));
    assertEquals(64, at(body, "vectors").get("max_vectors"));
    assertEquals(Map.of("index_type", "int8_hnsw"), at(body, "vectors").get("fde"));
    assertEquals(Map.of("type", "binary", "store", true, "doc_values", false), at(body, "state"));
    Map<String, Object> ab =
        at(root, "properties", "_quiver_semantic", "properties", "a", "properties", "b");
    assertEquals(Map.of("index_type", "int4_hnsw"), at(ab, "properties", "vectors").get("fde"));
    assertEquals(List.of("mv", "_quiver_semantic"), at(root, "_source").get("excludes"));
    // the full mapping sent again (as GET _mapping gives it) is unchanged by both transformers
    MultiVectorSourceExcludes.apply(mapping);
    new SemanticCompanions(MODELS).apply(mapping);
    assertEquals(List.of("mv", "_quiver_semantic"), at(root, "_source").get("excludes"));
  }

  @Test
  void anUnknownModelIsRefusedNamingTheField() {
    Map<String, Object> mapping =
        map("properties", map("body", map("type", "quiver_semantic", "model", "nope")));
    Exception e =
        assertThrows(Exception.class, () -> new SemanticCompanions(MODELS).apply(mapping));
    assertTrue(e.getMessage().contains("field [body]"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown model [nope]"), e.getMessage());
  }

  @Test
  void mappingsWithoutSemanticFieldsAreLeftAlone() {
    Map<String, Object> mapping = map("properties", map("t", map("type", "text")));
    new SemanticCompanions(MODELS).apply(mapping);
    assertEquals(map("properties", map("t", map("type", "text"))), mapping);
  }

  @Test
  void stateRoundTrips() {
    byte[] hash = SemanticState.hash("m", new SemanticChunking(true, 256, 32), "text");
    SemanticState state =
        new SemanticState(
            hash, new int[] {0, 10}, new int[] {12, 20}, new float[][] {{1, 2}, {3, 4}});
    SemanticState back = SemanticState.decode(state.encode());
    assertTrue(back.matches(hash));
    assertArrayEquals(new int[] {0, 10}, back.starts());
    assertArrayEquals(new int[] {12, 20}, back.ends());
    assertArrayEquals(new float[] {3, 4}, back.vectors()[1]);
    assertTrue(back.matches(SemanticState.hash("m", new SemanticChunking(true, 256, 32), "text")));
    assertTrue(
        back.matches(SemanticState.hash("m", new SemanticChunking(true, 128, 32), "text"))
            == false);
    assertThrows(IllegalArgumentException.class, () -> SemanticState.decode(new byte[3]));
  }
}
