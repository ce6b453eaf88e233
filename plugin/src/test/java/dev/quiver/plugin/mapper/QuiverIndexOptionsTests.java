package dev.quiver.plugin.mapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat;
import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuiverIndexOptionsTests {

  @Test
  void parsesHnswAndFlat() {
    QuiverIndexOptions hnsw =
        QuiverIndexOptions.parse("f", Map.of("type", "hnsw", "m", 24, "ef_construction", 200));
    assertEquals(new QuiverIndexOptions("hnsw", 24, 200), hnsw);
    Quiver10HnswVectorsFormat format = (Quiver10HnswVectorsFormat) hnsw.vectorsFormat();
    assertEquals(24, format.m());
    assertEquals(200, format.beamWidth());
    QuiverIndexOptions flat = QuiverIndexOptions.parse("f", Map.of("type", "flat"));
    assertTrue(flat.vectorsFormat() instanceof Quiver10FlatVectorsFormat);
    assertEquals(QuiverIndexOptions.DEFAULT, QuiverIndexOptions.parse("f", Map.of()));
  }

  @Test
  void rejectsBadOptionsNamingFieldAndOption() {
    assertMessage(Map.of("ef", 1), "field [f]: unknown option [index_options.ef]");
    assertMessage(Map.of("type", "ivf"), "unknown [index_options.type] [ivf]");
    assertMessage(Map.of("m", 0), "[index_options.m] must be an integer in [1, 512], got [0]");
    assertMessage(Map.of("m", 513), "[index_options.m] must be an integer in [1, 512]");
    assertMessage(Map.of("m", 1.5), "[index_options.m] must be an integer");
    assertMessage(Map.of("m", "16"), "[index_options.m] must be an integer");
    assertMessage(
        Map.of("ef_construction", 3201),
        "[index_options.ef_construction] must be an integer in [1, 3200]");
    assertMessage(Map.of("type", "flat", "m", 4), "apply to [hnsw], not to [flat]");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QuiverIndexOptions.parse("f", "hnsw"));
    assertTrue(e.getMessage().contains("[index_options] must be an object"));
  }

  private static void assertMessage(Map<String, Object> options, String fragment) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QuiverIndexOptions.parse("f", options));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
