package dev.quiver.codec.quantized;

import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.tests.util.LuceneTestCase;

/** How many clusters a segment gets, and that the centroids are deterministic. */
public class TestClusterSample extends LuceneTestCase {

  private static ClusterSample sample(int maxClusters, int dims, int n, long seed) {
    ClusterSample s = new ClusterSample(maxClusters, dims, VectorSimilarityFunction.COSINE, "f");
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      float[] v = new float[dims];
      for (int j = 0; j < dims; j++) {
        v[j] = (float) random.nextGaussian();
      }
      s.add(v);
    }
    return s;
  }

  public void testClusterCountGrowsWithTheSegment() {
    assertEquals(1, sample(16, 8, 0, 1).clusterCount());
    assertNull(sample(16, 8, 0, 1).centroids());
    assertEquals(1, sample(16, 8, 1, 1).clusterCount());
    assertEquals(1, sample(16, 8, 1023, 1).clusterCount());
    assertEquals(2, sample(16, 8, 1024, 1).clusterCount());
    assertEquals(9, sample(16, 8, 5000, 1).clusterCount());
    assertEquals(16, sample(16, 8, 20000, 1).clusterCount());
    // One cluster asked for (4- and 8-bit codes by default): no sample, the mean.
    assertEquals(1, sample(1, 8, 20000, 1).clusterCount());
    assertNull(sample(1, 8, 20000, 1).centroids());
    // Wide vectors: the sample is capped in floats, so fewer clusters.
    assertEquals(4, sample(16, 16384, 2048, 1).clusterCount());
    // More clusters on request: one per 512 vectors up to the most asked for.
    assertEquals(16, sample(64, 8, 8192, 1).clusterCount());
    assertEquals(64, sample(64, 8, 40000, 1).clusterCount());
    assertEquals(64, sample(64, 8, 40000, 1).centroids().length);
  }

  public void testCentroidsAreDeterministicAndUnitForCosine() {
    float[][] a = sample(16, 8, 3000, 2).centroids();
    float[][] b = sample(16, 8, 3000, 2).centroids();
    assertEquals(5, a.length);
    for (int k = 0; k < a.length; k++) {
      assertArrayEquals(a[k], b[k], 0f);
      // Means of unit vectors lie inside the unit ball.
      double norm = 0;
      for (float x : a[k]) {
        norm += x * x;
      }
      assertTrue(norm <= 1.0001);
    }
  }

  public void testBadMaxClusters() {
    expectThrows(
        IllegalArgumentException.class, () -> new Quiver10QuantizedFlatVectorsFormat(1, 0));
    expectThrows(
        IllegalArgumentException.class, () -> new Quiver10QuantizedFlatVectorsFormat(1, 65));
    assertEquals(32, Quiver10QuantizedFlatVectorsFormat.maxClusters(1));
    assertEquals(16, Quiver10QuantizedFlatVectorsFormat.maxClusters(2));
    assertEquals(1, Quiver10QuantizedFlatVectorsFormat.maxClusters(4));
  }
}
