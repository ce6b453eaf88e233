package dev.quiver.plugin.mapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping transformer that keeps multi-vector fields out of {@code _source}. */
class MultiVectorSourceExcludesTests {

  private static Map<String, Object> field(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void addsEveryMultiVectorPathToTheGivenExcludes() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("mv", field("type", "quiver_multi_vector", "dims", 4));
    props.put("kept", field("type", "quiver_multi_vector", "dims", 4, "store_source", true));
    props.put(
        "obj",
        field("properties", Map.of("inner", field("type", "quiver_multi_vector", "dims", 4))));
    props.put("title", field("type", "text"));
    Map<String, Object> mapping = new LinkedHashMap<>();
    mapping.put("properties", props);
    mapping.put("_source", field("excludes", List.of("title", "mv")));
    MultiVectorSourceExcludes.apply(mapping);
    assertEquals(
        List.of("title", "mv", "obj.inner"), ((Map<?, ?>) mapping.get("_source")).get("excludes"));
  }

  @Test
  void writesExcludesIntoATypedMapping() {
    Map<String, Object> typed =
        field("_doc", field("properties", Map.of("mv", field("type", "quiver_multi_vector"))));
    MultiVectorSourceExcludes.apply(typed);
    assertEquals(Map.of("excludes", List.of("mv")), ((Map<?, ?>) typed.get("_doc")).get("_source"));
  }

  @Test
  void leavesOtherMappingsAndDisabledSourceAlone() {
    Map<String, Object> plain = field("properties", Map.of("t", field("type", "text")));
    MultiVectorSourceExcludes.apply(plain);
    assertNull(plain.get("_source"));
    Map<String, Object> disabled =
        field(
            "properties",
            Map.of("mv", field("type", "quiver_multi_vector")),
            "_source",
            field("enabled", false));
    MultiVectorSourceExcludes.apply(disabled);
    assertNull(((Map<?, ?>) disabled.get("_source")).get("excludes"));
  }
}
