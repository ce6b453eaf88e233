package dev.quiver.plugin.mapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.junit.jupiter.api.Test;

class VectorSimilarityTests {

  @Test
  void cosineNormalizesWithoutTouchingTheInput() {
    float[] v = {3f, 4f};
    float[] prepared = VectorSimilarity.COSINE.prepare("f", "vector", v);
    assertArrayEquals(new float[] {0.6f, 0.8f}, prepared, 1e-6f);
    assertArrayEquals(new float[] {3f, 4f}, v);
    // Scored as a dot product of unit vectors: Lucene's cosine score.
    float[] q = VectorSimilarity.COSINE.prepare("f", "query vector", new float[] {1f, 0f});
    assertEquals(
        VectorSimilarityFunction.COSINE.compare(new float[] {3f, 4f}, new float[] {1f, 0f}),
        VectorSimilarity.COSINE.luceneFunction().compare(prepared, q),
        1e-6f);
  }

  @Test
  void cosineRejectsZeroVectors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VectorSimilarity.COSINE.prepare("emb", "vector", new float[3]));
    assertEquals(
        "field [emb]: the vector is all zeros, which [cosine] cannot score", e.getMessage());
  }

  @Test
  void dotProductNeedsUnitLength() {
    float[] unit = {0.6f, 0.8f};
    assertSame(unit, VectorSimilarity.DOT_PRODUCT.prepare("f", "vector", unit));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VectorSimilarity.DOT_PRODUCT.prepare("f", "vector", new float[] {3f, 4f}));
    assertTrue(e.getMessage().contains("has length 5.0"), e.getMessage());
  }

  @Test
  void parsesMappingNames() {
    assertSame(VectorSimilarity.L2_NORM, VectorSimilarity.fromMappingName("f", "l2_norm"));
    assertSame(
        VectorSimilarity.MAX_INNER_PRODUCT,
        VectorSimilarity.fromMappingName("f", "MAX_INNER_PRODUCT"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> VectorSimilarity.fromMappingName("f", "hamming"));
    assertTrue(e.getMessage().contains("cosine, dot_product, l2_norm, max_inner_product"));
  }

  private static final float R3 = (float) (1 / Math.sqrt(3));

  @Test
  void cosineNormalizesVectorsWhoseSquaresOverflowFloat32() {
    float[] big = {3e19f, 3e19f, 3e19f};
    assertArrayEquals(
        new float[] {R3, R3, R3}, VectorSimilarity.COSINE.prepare("f", "vector", big), 1e-6f);
    assertArrayEquals(
        new float[] {0.6f, 0.8f},
        VectorSimilarity.COSINE.prepare("f", "query vector", new float[] {1.8e38f, 2.4e38f}),
        1e-6f);
  }

  @Test
  void cosineNormalizesVectorsWhoseSquaresUnderflowFloat32() {
    float[] tiny = {1e-30f, 1e-30f, 1e-30f};
    assertArrayEquals(
        new float[] {R3, R3, R3}, VectorSimilarity.COSINE.prepare("f", "vector", tiny), 1e-6f);
    assertArrayEquals(
        new float[] {1f, 0f},
        VectorSimilarity.COSINE.prepare("f", "vector", new float[] {1e-40f, 0f}),
        1e-6f);
  }

  @Test
  void dotProductLengthCheckDoesNotOverflow() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VectorSimilarity.DOT_PRODUCT.prepare("f", "vector", new float[] {3e19f, 0f}));
    assertTrue(e.getMessage().contains("has length 3.0"), e.getMessage());
  }
}
