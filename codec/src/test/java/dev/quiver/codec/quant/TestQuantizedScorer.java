package dev.quiver.codec.quant;

import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.tests.util.LuceneTestCase;

public class TestQuantizedScorer extends LuceneTestCase {

  private static final int DIMS = 200;

  /**
   * Synthetic data in which the coordinates have very different spreads (so that rotation matters)
   * around a common offset (so that centring matters).
   */
  private static float[][] data(Random random, int n) {
    float[][] out = new float[n][DIMS];
    for (float[] v : out) {
      for (int i = 0; i < DIMS; i++) {
        v[i] = 0.5f + (float) (random.nextGaussian() * 3.0 / (1 + i / 10.0));
      }
    }
    return out;
  }

  private static CodeSpace space(
      float[][] base, CodeBits bits, VectorSimilarityFunction sim, HadamardRotation rotation) {
    return new CodeSpace(
        CodeSpace.centroidOf(java.util.Arrays.asList(base), DIMS, sim), rotation, sim, bits);
  }

  /** The integer path (packed layouts + VectorUtil) computes exactly rescale * <xbar, qhat>. */
  public void testIntegerPathEqualsFloatFormula() {
    Random random = new Random(11);
    float[][] base = data(random, 50);
    for (CodeBits bits : CodeBits.values()) {
      for (int queryBits : new int[] {4, 8}) {
        if (!bits.supportsQueryBits(queryBits)) {
          continue;
        }
        CodeSpace space =
            new CodeSpace(
                CodeSpace.centroidOf(
                    java.util.Arrays.asList(base), DIMS, VectorSimilarityFunction.DOT_PRODUCT),
                HadamardRotation.overlapping(DIMS, 3, 5),
                VectorSimilarityFunction.DOT_PRODUCT,
                bits,
                queryBits);
        DocumentQuantizer documents = new DocumentQuantizer(space);
        QueryQuantizer queries = new QueryQuantizer(space);
        QuantizedScorer scorer = new QuantizedScorer(space);
        int n = space.codeDims();
        QuantizedQuery q = queries.quantize(base[0]);
        byte[] queryLevels = queryLevels(bits, q, n);
        double mid = (bits.levels() - 1) / 2.0;
        for (int d = 1; d < base.length; d++) {
          byte[] code = new byte[space.docBytes()];
          DocCorrections c = documents.quantize(base[d], code);
          byte[] levels = new byte[n];
          CodePacking.unpackDocument(bits, code, levels);
          double xq = 0;
          int sum = 0;
          for (int i = 0; i < space.rotatedDims(); i++) {
            int level = levels[i] & 0xFF;
            sum += level;
            xq += (level - mid) * (q.lower() + q.step() * (queryLevels[i] & 0xFF));
          }
          assertEquals(bits + " levelSum", sum, c.levelSum());
          double expected = c.rescale() * xq;
          float actual = scorer.estimateCentredDot(q, code, c.rescale(), c.levelSum());
          assertEquals(bits + " doc " + d, expected, actual, 1e-3 * (1 + Math.abs(expected)));
        }
      }
    }
  }

  /**
   * Estimates get better with more bits, and epsilon behaves like a number of standard deviations:
   * at 1.9 about 6% of pairs fall outside the bound (a Gaussian leaves 5.7%), at 3 almost none.
   */
  public void testAccuracyImprovesWithBitsAndBoundCovers() {
    Random random = new Random(12);
    float[][] base = data(random, 1000);
    float[][] queries = data(random, 20);
    double previous = Double.MAX_VALUE;
    for (CodeBits bits : CodeBits.values()) {
      CodeSpace space =
          space(
              base,
              bits,
              VectorSimilarityFunction.DOT_PRODUCT,
              HadamardRotation.overlapping(DIMS, 3, 5));
      Stats s = stats(space, base, queries);
      assertTrue(bits + " rms " + s.rmsError + " not below " + previous, s.rmsError < previous);
      previous = s.rmsError;
      assertTrue(bits + " outside bound " + s.outside, s.outside < 0.08);
      double wide = stats(space, base, queries, 3f).outside;
      assertTrue(bits + " outside bound at eps 3: " + wide, wide < 0.015);
    }
    assertTrue("8-bit relative rms " + previous, previous < 0.01 * meanAbsDot(base, queries));
  }

  /** Squared distances are estimated as well as dot products. */
  public void testEuclidean() {
    Random random = new Random(13);
    float[][] base = data(random, 500);
    float[][] queries = data(random, 10);
    for (CodeBits bits : new CodeBits[] {CodeBits.ONE, CodeBits.FOUR}) {
      CodeSpace space =
          space(
              base, bits, VectorSimilarityFunction.EUCLIDEAN, HadamardRotation.padded(DIMS, 3, 5));
      Stats s = stats(space, base, queries);
      assertTrue(
          bits + " relative rms " + s.relativeRms,
          s.relativeRms < (bits == CodeBits.ONE ? 0.1 : 0.01));
      assertTrue(bits + " outside bound " + s.outside, s.outside < 0.08);
    }
  }

  /** Cosine ignores lengths: a document and its double score the same. */
  public void testCosineIsScaleInvariant() {
    Random random = new Random(14);
    float[][] base = data(random, 100);
    CodeSpace space =
        space(
            base,
            CodeBits.TWO,
            VectorSimilarityFunction.COSINE,
            HadamardRotation.overlapping(DIMS, 3, 5));
    DocumentQuantizer documents = new DocumentQuantizer(space);
    QuantizedScorer scorer = new QuantizedScorer(space);
    QuantizedQuery q = new QueryQuantizer(space).quantize(base[0]);
    float[] doubled = base[1].clone();
    for (int i = 0; i < doubled.length; i++) {
      doubled[i] *= 2;
    }
    byte[] a = new byte[space.docBytes()];
    byte[] b = new byte[space.docBytes()];
    float sa = scorer.estimate(q, a, documents.quantize(base[1], a));
    float sb = scorer.estimate(q, b, documents.quantize(doubled, b));
    assertEquals(sa, sb, 1e-5f);
    assertTrue(Math.abs(sa) <= 1.1f);
  }

  /** The bound is a real constraint: with a much smaller epsilon many estimates fall outside it. */
  public void testBoundCanFail() {
    Random random = new Random(15);
    float[][] base = data(random, 300);
    float[][] queries = data(random, 5);
    CodeSpace space =
        space(
            base,
            CodeBits.ONE,
            VectorSimilarityFunction.DOT_PRODUCT,
            HadamardRotation.overlapping(DIMS, 3, 5));
    assertTrue(stats(space, base, queries, 0.2f).outside > 0.3);
  }

  record Stats(double rmsError, double relativeRms, double outside) {}

  private static Stats stats(CodeSpace space, float[][] base, float[][] queries) {
    return stats(space, base, queries, QuantizedScorer.DEFAULT_EPSILON);
  }

  private static Stats stats(CodeSpace space, float[][] base, float[][] queries, float eps) {
    boolean euclidean = space.similarity() == VectorSimilarityFunction.EUCLIDEAN;
    DocumentQuantizer documents = new DocumentQuantizer(space);
    QuantizedScorer scorer = new QuantizedScorer(space);
    byte[][] codes = new byte[base.length][space.docBytes()];
    DocCorrections[] corrections = new DocCorrections[base.length];
    for (int d = 0; d < base.length; d++) {
      corrections[d] = documents.quantize(base[d], codes[d]);
    }
    QueryQuantizer queryQuantizer = new QueryQuantizer(space);
    double se = 0;
    double sumSquares = 0;
    long outside = 0;
    long count = 0;
    for (float[] query : queries) {
      QuantizedQuery q = queryQuantizer.quantize(query);
      for (int d = 0; d < base.length; d++) {
        DocCorrections c = corrections[d];
        double exact =
            euclidean ? squareDistance(query, base[d]) : TestHadamardRotation.dot(query, base[d]);
        double err = scorer.estimate(q, codes[d], c) - exact;
        se += err * err;
        sumSquares += exact * exact;
        if (Math.abs(err) > scorer.errorBound(q, c.errorScale(), c.centredNorm(), eps)) {
          outside++;
        }
        count++;
      }
    }
    return new Stats(Math.sqrt(se / count), Math.sqrt(se / sumSquares), outside / (double) count);
  }

  private static double meanAbsDot(float[][] base, float[][] queries) {
    double sum = 0;
    for (float[] q : queries) {
      for (float[] v : base) {
        sum += Math.abs(TestHadamardRotation.dot(q, v));
      }
    }
    return sum / (queries.length * (double) base.length);
  }

  private static double squareDistance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  static byte[] queryLevels(CodeBits bits, QuantizedQuery q, int n) {
    byte[] high = nibbles(bits, q.packed(), n);
    if (q.packedLow() == null) {
      return high;
    }
    byte[] low = nibbles(bits, q.packedLow(), n);
    for (int i = 0; i < n; i++) {
      high[i] = (byte) (high[i] * 16 + low[i]);
    }
    return high;
  }

  private static byte[] nibbles(CodeBits bits, byte[] packed, int n) {
    byte[] levels = new byte[n];
    if (bits == CodeBits.ONE || bits == CodeBits.TWO) {
      CodePacking.unpackPlanes(packed, 4, levels);
    } else {
      System.arraycopy(packed, 0, levels, 0, n);
    }
    return levels;
  }
}
