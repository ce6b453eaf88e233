package dev.quiver.plugin.mapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat;
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
    assertMessage(Map.of("type", "flat", "m", 4), "apply to the graph types, not to [flat]");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QuiverIndexOptions.parse("f", "hnsw"));
    assertTrue(e.getMessage().contains("[index_options] must be an object"));
  }

  @Test
  void parsesQuantizedTypesWithDefaultOversamplePerBitWidth() {
    int[] bits = {8, 4, 2, 1};
    float[] oversample = {2f, 2f, 3f, 5f};
    for (int i = 0; i < bits.length; i++) {
      QuiverIndexOptions options =
          QuiverIndexOptions.parse("f", Map.of("type", "int" + bits[i] + "_hnsw", "m", 8));
      assertEquals(bits[i], options.bits());
      assertEquals(oversample[i], options.oversample());
      Quiver10QuantizedHnswVectorsFormat format =
          (Quiver10QuantizedHnswVectorsFormat) options.vectorsFormat();
      assertEquals(bits[i], format.bits());
      assertEquals(8, format.m());
    }
    QuiverIndexOptions custom =
        QuiverIndexOptions.parse(
            "f", Map.of("type", "int1_hnsw", "rescore", Map.of("oversample", 3.5)));
    assertEquals(3.5f, custom.oversample());
    assertEquals(32, QuiverIndexOptions.DEFAULT.bits());
  }

  @Test
  void rejectsBadRescoreNamingFieldAndProblem() {
    assertMessage(
        Map.of("type", "int4_hnsw", "rescore", Map.of("oversample", 0.5)),
        "field [f]: [index_options.rescore.oversample] must be a number in [1, 100], got [0.5]");
    assertMessage(
        Map.of("type", "int4_hnsw", "rescore", Map.of("oversample", 101)),
        "[index_options.rescore.oversample] must be a number in [1, 100]");
    assertMessage(
        Map.of("type", "int4_hnsw", "rescore", Map.of("oversample", "2")),
        "[index_options.rescore.oversample] must be a number");
    assertMessage(
        Map.of("type", "int4_hnsw", "rescore", Map.of("factor", 2)),
        "unknown option [index_options.rescore.factor]");
    assertMessage(Map.of("type", "int4_hnsw", "rescore", 2), "must be an object");
    assertMessage(
        Map.of("type", "flat", "rescore", Map.of("oversample", 2)),
        "field [f]: [index_options.rescore] applies to the quantized types");
    assertMessage(Map.of("type", "hnsw", "rescore", Map.of("oversample", 2)), "not to [hnsw]");
    assertMessage(Map.of("type", "int3_hnsw"), "unknown [index_options.type] [int3_hnsw]");
  }

  private static void assertMessage(Map<String, Object> options, String fragment) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> QuiverIndexOptions.parse("f", options));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
