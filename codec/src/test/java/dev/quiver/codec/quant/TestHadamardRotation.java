package dev.quiver.codec.quant;

import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

public class TestHadamardRotation extends LuceneTestCase {

  private static final int[] DIMS = {1, 2, 3, 7, 64, 100, 128, 384, 1000};

  public void testPreservesNormsAndDotProducts() {
    Random random = new Random(7);
    for (int dims : DIMS) {
      for (HadamardRotation rotation :
          new HadamardRotation[] {
            HadamardRotation.padded(dims, 3, 11), HadamardRotation.overlapping(dims, 3, 11)
          }) {
        for (int trial = 0; trial < 20; trial++) {
          float[] a = gaussian(random, dims);
          float[] b = gaussian(random, dims);
          float[] ra = new float[rotation.rotatedDims()];
          float[] rb = new float[rotation.rotatedDims()];
          rotation.rotate(a, ra);
          rotation.rotate(b, rb);
          double na = dot(a, a);
          assertEquals(rotation.toString(), na, dot(ra, ra), 1e-5 * na);
          double scale = Math.sqrt(na * dot(b, b));
          assertEquals(rotation.toString(), dot(a, b), dot(ra, rb), 1e-5 * scale);
        }
      }
    }
  }

  public void testShapes() {
    assertEquals(512, HadamardRotation.padded(384, 3, 1).rotatedDims());
    assertEquals(384, HadamardRotation.overlapping(384, 3, 1).rotatedDims());
    assertEquals(128, HadamardRotation.padded(128, 3, 1).rotatedDims());
    assertEquals(1, HadamardRotation.padded(1, 3, 1).rotatedDims());
    assertEquals(0, HadamardRotation.identity(384).rounds());
  }

  public void testDeterministicForASeedAndDifferentAcrossSeeds() {
    float[] v = gaussian(new Random(3), 384);
    float[] a = new float[384];
    float[] b = new float[384];
    float[] c = new float[384];
    HadamardRotation.overlapping(384, 3, 99).rotate(v, a);
    HadamardRotation.overlapping(384, 3, 99).rotate(v, b);
    HadamardRotation.overlapping(384, 3, 100).rotate(v, c);
    assertArrayEquals(a, b, 0f);
    assertFalse(java.util.Arrays.equals(a, c));
  }

  public void testIdentityIsIdentity() {
    float[] v = gaussian(new Random(5), 100);
    float[] out = new float[100];
    HadamardRotation.identity(100).rotate(v, out);
    assertArrayEquals(v, out, 0f);
  }

  /**
   * A basis vector must come out spread like a random unit vector: no coordinate keeps more than
   * 20/D of the energy (the largest squared coordinate of a random unit vector is about 2 ln(D)/D).
   */
  public void testMixesABasisVector() {
    for (int dims : new int[] {128, 384, 1000}) {
      for (HadamardRotation rotation :
          new HadamardRotation[] {
            HadamardRotation.padded(dims, 3, 1), HadamardRotation.overlapping(dims, 3, 1)
          }) {
        for (int axis : new int[] {0, dims / 2, dims - 1}) {
          float[] e = new float[dims];
          e[axis] = 1f;
          float[] out = new float[rotation.rotatedDims()];
          rotation.rotate(e, out);
          float max = 0f;
          int nonZero = 0;
          for (float x : out) {
            max = Math.max(max, x * x);
            if (x != 0f) {
              nonZero++;
            }
          }
          assertTrue(rotation + " axis " + axis + " max energy " + max, max < 20f / dims);
          assertTrue(
              rotation + " axis " + axis + " reached " + nonZero + " coordinates",
              nonZero > rotation.rotatedDims() / 2);
        }
      }
    }
  }

  public void testVectorizedLoopsGiveTheScalarResultsBitForBit() {
    assumeTrue("needs jdk.incubator.vector", HadamardRotation.PANAMA);
    Random random = new Random(random().nextLong());
    for (int dims : new int[] {8, 16, 100, 384, 512, 1000, 10240}) {
      for (HadamardRotation rotation :
          new HadamardRotation[] {
            HadamardRotation.overlapping(dims, 3, 5), HadamardRotation.padded(dims, 3, 5)
          }) {
        float[] in = new float[dims];
        for (int i = 0; i < dims; i++) {
          in[i] = (float) random.nextGaussian();
        }
        float[] vectorized = new float[rotation.rotatedDims()];
        float[] scalar = new float[rotation.rotatedDims()];
        rotation.apply(in, vectorized, true);
        rotation.apply(in, scalar, false);
        assertArrayEquals(rotation.toString(), scalar, vectorized, 0f);
        float[] viaRotate = new float[rotation.rotatedDims()];
        rotation.rotate(in, viaRotate);
        assertArrayEquals(scalar, viaRotate, 0f);
      }
    }
  }

  public void testRejectsWrongArguments() {
    HadamardRotation rotation = HadamardRotation.padded(10, 3, 1);
    expectThrows(
        IllegalArgumentException.class, () -> rotation.rotate(new float[9], new float[16]));
    expectThrows(
        IllegalArgumentException.class, () -> rotation.rotate(new float[10], new float[15]));
    float[] same = new float[16];
    expectThrows(
        IllegalArgumentException.class, () -> HadamardRotation.identity(16).rotate(same, same));
    expectThrows(IllegalArgumentException.class, () -> HadamardRotation.padded(0, 3, 1));
    expectThrows(IllegalArgumentException.class, () -> HadamardRotation.overlapping(8, -1, 1));
  }

  static float[] gaussian(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
