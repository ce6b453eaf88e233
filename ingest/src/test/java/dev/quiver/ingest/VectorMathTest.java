package dev.quiver.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The embedder's normalization, at the ends of the float32 range. */
class VectorMathTest {

  private static final float R3 = (float) (1 / Math.sqrt(3));

  @Test
  void normalizesVectorsWhoseSquaresOverflowFloat32() {
    float[] v = VectorMath.normalize(new float[] {3e19f, 3e19f, 3e19f});
    assertArrayEquals(new float[] {R3, R3, R3}, v, 1e-6f);
  }

  @Test
  void normalizesVectorsWhoseSquaresUnderflowFloat32() {
    assertArrayEquals(
        new float[] {R3, R3, R3},
        VectorMath.normalize(new float[] {1e-30f, 1e-30f, 1e-30f}),
        1e-6f);
    // subnormal: 1 / length is beyond float32
    assertArrayEquals(
        new float[] {0.6f, 0.8f}, VectorMath.normalize(new float[] {3e-45f, 4e-45f}), 0.2f);
    float[] sub = VectorMath.normalize(new float[] {1e-40f, 0f});
    assertArrayEquals(new float[] {1f, 0f}, sub, 1e-6f);
  }

  @Test
  void zeroStaysZero() {
    assertArrayEquals(new float[3], VectorMath.normalize(new float[3]));
    assertEquals(0d, VectorMath.cosine(new float[2], new float[] {1, 0}));
  }
}
