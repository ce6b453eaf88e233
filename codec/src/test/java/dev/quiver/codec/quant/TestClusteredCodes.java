package dev.quiver.codec.quant;

import java.util.Arrays;
import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.VectorUtil;

/** Documents centred on their nearest cluster centroid ({@link CodeSpace#withClusters}). */
public class TestClusteredCodes extends LuceneTestCase {

  private static final int DIMS = 64;
  private static final int BLOBS = 8;

  /** {@code n} vectors around {@link #BLOBS} well-separated centres (a common offset too). */
  private static float[][] blobs(Random random, int n) {
    float[][] centres = new float[BLOBS][DIMS];
    for (float[] c : centres) {
      for (int i = 0; i < DIMS; i++) {
        c[i] = 0.3f + (float) random.nextGaussian();
      }
    }
    float[][] out = new float[n][DIMS];
    for (int j = 0; j < n; j++) {
      float[] c = centres[j % BLOBS];
      for (int i = 0; i < DIMS; i++) {
        out[j][i] = c[i] + (float) (0.3 * random.nextGaussian());
      }
    }
    return out;
  }

  private static double rmsError(
      CodeSpace space, float[][] base, float[][] queries, VectorSimilarityFunction sim) {
    DocumentQuantizer documents = new DocumentQuantizer(space);
    QueryQuantizer quantizer = new QueryQuantizer(space);
    QuantizedScorer scorer = new QuantizedScorer(space);
    byte[][] codes = new byte[base.length][space.docBytes()];
    DocCorrections[] terms = new DocCorrections[base.length];
    for (int d = 0; d < base.length; d++) {
      terms[d] = documents.quantize(base[d], codes[d]);
    }
    double sum = 0;
    long n = 0;
    for (float[] q : queries) {
      QuantizedQuery prepared = quantizer.quantize(q);
      for (int d = 0; d < base.length; d++) {
        double exact =
            sim == VectorSimilarityFunction.EUCLIDEAN
                ? VectorUtil.squareDistance(base[d], q)
                : VectorUtil.dotProduct(base[d], q);
        double e = scorer.estimate(prepared, codes[d], terms[d]) - exact;
        sum += e * e;
        n++;
      }
    }
    return Math.sqrt(sum / n);
  }

  /**
   * Centring on the nearest of k centroids estimates both similarities with a smaller error than
   * centring on the mean, at 1 and 2 bits, and the estimate stays unbiased across clusters (the
   * shift terms are exact).
   */
  public void testClustersShrinkTheError() {
    Random random = new Random(7);
    float[][] base = blobs(random, 800);
    float[][] queries = Arrays.copyOf(blobs(new Random(8), 40), 40);
    for (VectorSimilarityFunction sim :
        new VectorSimilarityFunction[] {
          VectorSimilarityFunction.DOT_PRODUCT, VectorSimilarityFunction.EUCLIDEAN
        }) {
      for (CodeBits bits : new CodeBits[] {CodeBits.ONE, CodeBits.TWO}) {
        CodeSpace mean =
            new CodeSpace(
                CodeSpace.centroidOf(Arrays.asList(base), DIMS, sim),
                HadamardRotation.overlapping(DIMS, 3, 5),
                sim,
                bits);
        CodeSpace clustered = mean.withClusters(KMeans.train(base, BLOBS, 6, 42));
        assertEquals(BLOBS, clustered.clusterCount());
        double before = rmsError(mean, base, queries, sim);
        double after = rmsError(clustered, base, queries, sim);
        assertTrue(sim + " " + bits + ": " + after + " vs " + before, after < 0.75 * before);
      }
    }
  }

  /** With one cluster equal to the mean, codes and terms are those of the plain space. */
  public void testOneClusterIsThePlainSpace() {
    Random random = new Random(3);
    float[][] base = blobs(random, 50);
    CodeSpace plain =
        new CodeSpace(
            CodeSpace.centroidOf(Arrays.asList(base), DIMS, VectorSimilarityFunction.COSINE),
            HadamardRotation.overlapping(DIMS, 3, 5),
            VectorSimilarityFunction.COSINE,
            CodeBits.ONE);
    CodeSpace one = plain.withClusters(new float[][] {plain.centroid()});
    byte[] a = new byte[plain.docBytes()];
    byte[] b = new byte[plain.docBytes()];
    for (float[] v : base) {
      assertEquals(
          new DocumentQuantizer(plain).quantize(v, a), new DocumentQuantizer(one).quantize(v, b));
      assertArrayEquals(a, b);
    }
    QuantizedQuery q = new QueryQuantizer(one).quantize(base[0]);
    assertEquals(q.additive(), q.clusterAdditive()[0], 0f);
    assertEquals(q.norm(), q.clusterNorm()[0], 0f);
  }

  /** K-means is deterministic for a seed and assigns each vector its nearest centroid. */
  public void testKMeansDeterministic() {
    float[][] base = blobs(new Random(5), 400);
    float[][] first = KMeans.train(base, BLOBS, 6, 99);
    float[][] second = KMeans.train(base, BLOBS, 6, 99);
    for (int k = 0; k < BLOBS; k++) {
      assertArrayEquals(first[k], second[k], 0f);
    }
    CodeSpace space =
        new CodeSpace(
                new float[DIMS],
                HadamardRotation.overlapping(DIMS, 3, 5),
                VectorSimilarityFunction.EUCLIDEAN,
                CodeBits.ONE)
            .withClusters(first);
    DocumentQuantizer quantizer = new DocumentQuantizer(space);
    for (float[] v : base) {
      assertEquals(KMeans.nearest(first, v), quantizer.nearestCluster(v));
    }
    expectThrows(IllegalArgumentException.class, () -> KMeans.train(base, 0, 6, 1));
    expectThrows(
        IllegalArgumentException.class, () -> space.withClusters(new float[][] {new float[3]}));
  }
}
