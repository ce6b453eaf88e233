package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quiver beside a plugin that claims what k-NN and neural-search claim (the peer stand-in installed
 * in the same node): both load, each keeps its indices, and a quiver field where Quiver cannot
 * provide the codec is refused at mapping time.
 */
class CoexistenceRestTest {

  private static Rest rest;

  @BeforeAll
  static void node() throws Exception {
    rest = QaNode.rest();
  }

  @Test
  void bothPluginsAreLoaded() {
    JsonNode plugins = rest.get("/_cat/plugins?format=json").ok().body();
    List<String> names = new ArrayList<>();
    plugins.forEach(p -> names.add(p.get("component").asText()));
    assertTrue(names.contains("quiver"), names.toString());
    assertTrue(names.contains("quiver-qa-peer"), names.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "index.knn            | {\"index.knn\": true}            | [index.knn] is true, so the k-NN plugin provides this index's codec",
        "index.sparse         | {\"index.sparse\": true}         | [index.sparse] is true, so the neural-search plugin",
        "index.quiver.enabled | {\"index.quiver.enabled\": false} | [index.quiver.enabled] is false",
      })
  void refusesQuiverFieldsWhereAnotherPluginOwnsTheCodec(String name, String settings, String why) {
    String index = "peer-" + name.replace('.', '-');
    rest.delete("/" + index);
    // The peer's own index works: its codec factory is used, no conflict with ours.
    rest.put(
            "/" + index,
            "{\"settings\":"
                + settings
                + ",\"mappings\":{\"properties\":{\"theirs\":{\"type\":\"knn_vector\"}}}}")
        .ok();
    rest.put("/" + index + "/_doc/1?refresh=true", "{\"theirs\":\"AAEC\"}").ok();
    // Adding a quiver field later is refused, naming the field and the reason.
    Rest.Response later =
        rest.put(
            "/" + index + "/_mapping",
            "{\"properties\":{\"mine\":{\"type\":\"quiver_vector\",\"dims\":3}}}");
    later.badRequest("field [mine] of type [quiver_vector] cannot be used", why);
    // So is creating such an index with a quiver field, and no index is left behind.
    rest.delete("/" + index);
    Rest.Response create =
        rest.put(
            "/" + index,
            "{\"settings\":"
                + settings
                + ",\"mappings\":{\"properties\":{\"mine\":{\"type\":\"quiver_vector\",\"dims\":3}}}}");
    create.badRequest(why);
    assertEquals(404, rest.get("/" + index).status());
  }

  @Test
  void peerQueriesAndQuiverQueriesRunSideBySide() {
    rest.delete("/side");
    rest.put(
            "/side",
            "{\"settings\":{\"number_of_replicas\":0},\"mappings\":{\"properties\":{\"v\":{\"type\":\"quiver_vector\",\"dims\":2,\"similarity\":\"l2_norm\"}}}}")
        .ok();
    rest.put("/side/_doc/1?refresh=true", "{\"v\":[1,2]}").ok();
    // The peer's "knn" query (a stand-in) and ours parse in one node.
    assertEquals(
        1,
        rest.post("/side/_search", "{\"query\":{\"knn\":{}}}")
            .ok()
            .body()
            .at("/hits/total/value")
            .asInt());
    assertEquals(
        1,
        rest.post(
                "/side/_search",
                "{\"query\":{\"quiver_knn\":{\"field\":\"v\",\"vector\":[1,2],\"k\":1}}}")
            .ok()
            .body()
            .at("/hits/total/value")
            .asInt());
  }
}
