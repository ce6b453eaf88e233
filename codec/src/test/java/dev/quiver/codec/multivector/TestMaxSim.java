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

  /** MaxSim from the bytes equals the double-precision MaxSim of the decoded vectors. */
  public void testScoreFromBytesMatchesDecodedVectors() {
    Random random = random();
    for (int trial = 0; trial < 40; trial++) {
      int dims = 1 + random.nextInt(300);
      int qCount = 1 + random.nextInt(40);
      float[] q = TestMultiVectorCodec.vectors(random, qCount, dims);
      MaxSim maxSim = new MaxSim(q, qCount, dims);
      for (int doc = 0; doc < 5; doc++) {
        int count = 1 + random.nextInt(300);
        float[] d = TestMultiVectorCodec.vectors(random, count, dims);
        for (MultiVectorEncoding e : MultiVectorEncoding.values()) {
          BytesRef bytes = MultiVectorCodec.encode(e, d, count, dims);
          double expected = maxSimDouble(q, qCount, MultiVectorCodec.decode(bytes), count, dims);
          double qNorm = 0;
          for (float x : q) {
            qNorm += Math.abs(x);
          }
          // float32 accumulation of each dot product: relative error ~ dims * 2^-24.
          double tolerance = 1e-6 * dims * qNorm * 4 + 1e-5;
          assertEquals(
              e + " " + qCount + "x" + count + "x" + dims,
              expected,
              maxSim.score(bytes),
              tolerance);
        }
      }
    }
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
    assertEquals(exact, score(maxSim, MultiVectorEncoding.INT8, d, count), 0.05 * qCount / 4);
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
