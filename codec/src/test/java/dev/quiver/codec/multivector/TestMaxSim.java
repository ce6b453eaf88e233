package dev.quiver.codec.multivector;

import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.BytesRef;

public class TestMaxSim extends LuceneTestCase {

  static double maxSimDouble(float[] q, int qCount, float[] d, int dCount, int dims) {
    double sum = 0;
    for (int i = 0; i < qCount; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < dCount; j++) {
        double dot = 0;
        for (int k = 0; k < dims; k++) {
          dot += (double) q[i * dims + k] * d[j * dims + k];
        }
        best = Math.max(best, dot);
      }
      sum += best;
    }
    return sum;
  }

  /**
   * MaxSim from the bytes equals the double-precision MaxSim of the decoded vectors: up to float
   * rounding for every encoding with the Panama kernel, and for float32 and float16 without; within
   * the query's quantization error for int8 (half a step of {@code max|q| / 127} per dimension) and
   * 1bit (half a step of {@code (max q - min q) / 255}) with the fallback kernels, which quantize
   * the query.
   */
  public void testScoreFromBytesMatchesDecodedVectors() {
    Random random = random();
    for (int trial = 0; trial < 40; trial++) {
      int dims = 1 + random.nextInt(300);
      int qCount = 1 + random.nextInt(40);
      float[] q = TestMultiVectorCodec.vectors(random, qCount, dims);
      MaxSim panama = new MaxSim(q, qCount, dims);
      MaxSim plain = MaxSim.withoutPanamaKernel(q, qCount, dims);
      for (int doc = 0; doc < 5; doc++) {
        int count = 1 + random.nextInt(300);
        float[] d = TestMultiVectorCodec.vectors(random, count, dims);
        for (MultiVectorEncoding e : MultiVectorEncoding.values()) {
          BytesRef bytes = MultiVectorCodec.encode(e, d, count, dims);
          float[] decoded = MultiVectorCodec.decode(bytes);
          double expected = maxSimDouble(q, qCount, decoded, count, dims);
          double qL1 = 0;
          for (float x : q) {
            qL1 += Math.abs(x);
          }
          // float32 accumulation of each dot product: relative error ~ dims * 2^-24.
          double floatRounding = 1e-6 * dims * qL1 * 4 + 1e-5;
          double rounding = queryRounding(e, q, qCount, decoded, count, dims);
          for (MaxSim maxSim : new MaxSim[] {panama, plain}) {
            assertEquals(
                e + " " + qCount + "x" + count + "x" + dims + " panama=" + maxSim.panamaKernel(),
                expected,
                maxSim.score(bytes),
                floatRounding + (maxSim.panamaKernel() ? 0 : rounding));
          }
        }
      }
    }
  }

  /** Sum over query vectors of the largest error the query's quantization can add to a dot. */
  private static double queryRounding(
      MultiVectorEncoding e, float[] q, int qCount, float[] decoded, int count, int dims) {
    if (e == MultiVectorEncoding.FLOAT32 || e == MultiVectorEncoding.FLOAT16) {
      return 0;
    }
    double maxDocL1 = 0;
    for (int j = 0; j < count; j++) {
      double l1 = 0;
      for (int i = 0; i < dims; i++) {
        l1 += Math.abs(decoded[j * dims + i]);
      }
      maxDocL1 = Math.max(maxDocL1, l1);
    }
    double bound = 0;
    for (int k = 0; k < qCount; k++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      float maxAbs = 0;
      for (int i = 0; i < dims; i++) {
        float x = q[k * dims + i];
        min = Math.min(min, x);
        max = Math.max(max, x);
        maxAbs = Math.max(maxAbs, Math.abs(x));
      }
      // 1bit: the masked sum of levels is scaled by 2 * s, and |decoded| = s.
      double halfStep =
          e == MultiVectorEncoding.INT8 ? maxAbs / 127.0 / 2 : 2 * (max - min) / 255.0 / 2;
      bound += halfStep * maxDocL1 * 1.01;
    }
    return bound;
  }

  /** The stored encodings track the float32 score within their quantization error. */
  public void testEncodingsTrackFloat32() {
    Random random = random();
    int dims = 128;
    int qCount = 32;
    float[] q = TestMultiVectorCodec.vectors(random, qCount, dims);
    normalize(q, qCount, dims);
    MaxSim maxSim = new MaxSim(q, qCount, dims);
    int count = 200;
    float[] d = TestMultiVectorCodec.vectors(random, count, dims);
    normalize(d, count, dims);
    double exact = maxSimDouble(q, qCount, d, count, dims);
    assertEquals(exact, score(maxSim, MultiVectorEncoding.FLOAT32, d, count), 1e-4);
    assertEquals(exact, score(maxSim, MultiVectorEncoding.FLOAT16, d, count), 1e-2);
    assertEquals(exact, score(maxSim, MultiVectorEncoding.INT8, d, count), 0.02 * qCount);
    // 1 bit keeps the sign only: the score drops, but stays correlated (checked loosely here; the
    // benchmark reports the error).
    assertEquals(exact, score(maxSim, MultiVectorEncoding.BIT1, d, count), 0.5 * qCount);
  }

  private static float score(MaxSim maxSim, MultiVectorEncoding e, float[] d, int count) {
    return maxSim.score(MultiVectorCodec.encode(e, d, count, maxSim.dims()));
  }

  static void normalize(float[] v, int count, int dims) {
    for (int t = 0; t < count; t++) {
      double n = 0;
      for (int i = 0; i < dims; i++) {
        n += (double) v[t * dims + i] * v[t * dims + i];
      }
      for (int i = 0; i < dims; i++) {
        v[t * dims + i] /= (float) Math.sqrt(n);
      }
    }
  }

  /** The build runs tests with jdk.incubator.vector, so the Panama kernel is the one tested. */
  public void testPanamaKernelIsUsedWhenAvailable() {
    assertTrue(MaxSim.PANAMA);
    assertTrue(new MaxSim(new float[4], 1, 4).panamaKernel());
    assertFalse(MaxSim.withoutPanamaKernel(new float[4], 1, 4).panamaKernel());
  }

  public void testDimsMismatchAndBadQueryAreRejected() {
    MaxSim maxSim = new MaxSim(new float[8], 2, 4);
    BytesRef doc = MultiVectorCodec.encode(MultiVectorEncoding.FLOAT32, new float[6], 2, 3);
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> maxSim.score(doc));
    assertEquals("document vectors have 3 dims, the query's 4", e.getMessage());
    expectThrows(IllegalArgumentException.class, () -> new MaxSim(new float[0], 0, 4));
    expectThrows(IllegalArgumentException.class, () -> new MaxSim(new float[7], 2, 4));
  }
}
