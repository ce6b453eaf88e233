package dev.quiver.codec.quantized;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * {@link BoundedRescorer} against rescoring every candidate, on a real quantized index of random
 * clustered vectors: whenever the bound holds for the candidates it skipped, its top {@code k} is
 * the full rescoring's (same ordinals, same exact scores, same order); it skips candidates far
 * below the top {@code k}; and it reads every candidate when the bound is infinitely wide.
 */
public class TestBoundedRescorer extends LuceneTestCase {

  private static final int DIMS = 128;
  private static final int K = 10;

  public void testSameTopKAsFullRescoringWheneverTheBoundHolds() throws Exception {
    int bits = new int[] {1, 2, 4, 8}[random().nextInt(4)];
    VectorSimilarityFunction sim =
        random().nextBoolean()
            ? VectorSimilarityFunction.EUCLIDEAN
            : VectorSimilarityFunction.DOT_PRODUCT;
    float epsilon = random().nextBoolean() ? 1.9f : BoundedRescorer.DEFAULT_EPSILON;
    float[][] centres = new float[8][];
    for (int c = 0; c < centres.length; c++) {
      centres[c] = unit(gaussian(DIMS, 1));
    }
    int n = 1500;
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(
                        TestUtil.alwaysKnnVectorsFormat(
                            new Quiver10QuantizedHnswVectorsFormat(bits, 8, 32))))) {
      for (int i = 0; i < n; i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", clustered(centres), sim));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      try (DirectoryReader r = DirectoryReader.open(w)) {
        QuantizedFloatVectorValues values =
            (QuantizedFloatVectorValues) r.leaves().get(0).reader().getFloatVectorValues("v");
        int held = 0;
        long reads = 0;
        long candidatesTotal = 0;
        int queries = 40;
        for (int q = 0; q < queries; q++) {
          float[] target = gaussian(DIMS, 0.1 / Math.sqrt(DIMS));
          float[] near = values.vectorValue(random().nextInt(values.size()));
          for (int i = 0; i < DIMS; i++) {
            target[i] += near[i];
          }
          unit(target);
          int count = K * (2 + random().nextInt(5));
          int[] candidates = bestByEstimate(values, target, count);
          BoundedRescorer bounded = new BoundedRescorer(values, target, sim, K, epsilon);
          int read = bounded.rescore(candidates, count);
          assertEquals(read, bounded.size());
          assertTrue(read >= K && read <= count);
          reads += read;
          candidatesTotal += count;

          float[] exact = new float[values.size()];
          for (int i = 0; i < count; i++) {
            exact[candidates[i]] = sim.compare(target, values.vectorValue(candidates[i]));
          }
          boolean[] rescored = new boolean[values.size()];
          for (int i = 0; i < read; i++) {
            assertEquals(exact[bounded.ord(i)], bounded.score(i), 0f);
            rescored[bounded.ord(i)] = true;
          }
          QuantizedEstimator estimator = values.estimator(target, epsilon);
          boolean boundHolds = true;
          for (int i = 0; i < count; i++) {
            int ord = candidates[i];
            if (!rescored[ord]) {
              estimator.score(ord);
              boundHolds &= exact[ord] <= estimator.upperScore();
            }
          }
          if (boundHolds) {
            held++;
            assertArrayEquals(
                "query " + q,
                topK(candidates, count, exact),
                topK(resultOrds(bounded), read, exact));
          }
        }
        String msg =
            "bits="
                + bits
                + " "
                + sim
                + " eps="
                + epsilon
                + ": bound held for "
                + held
                + "/"
                + queries
                + " queries, read "
                + reads
                + " of "
                + candidatesTotal;
        assertTrue(msg, held >= queries / 2);
      }
    }
  }

  public void testSkipsCandidatesThatCannotReachTheTopK() throws Exception {
    int bits = new int[] {1, 2, 4, 8}[random().nextInt(4)];
    VectorSimilarityFunction sim = VectorSimilarityFunction.DOT_PRODUCT;
    float[] centre = unit(gaussian(DIMS, 1));
    float[] opposite = centre.clone();
    for (int i = 0; i < DIMS; i++) {
      opposite[i] = -opposite[i];
    }
    int near = 50;
    int n = 1000;
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(
                        TestUtil.alwaysKnnVectorsFormat(
                            new Quiver10QuantizedHnswVectorsFormat(bits, 8, 32))))) {
      for (int i = 0; i < n; i++) {
        Document doc = new Document();
        float[][] cluster = {i < near ? centre : opposite};
        doc.add(new KnnFloatVectorField("v", clustered(cluster), sim));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      try (DirectoryReader r = DirectoryReader.open(w)) {
        QuantizedFloatVectorValues values =
            (QuantizedFloatVectorValues) r.leaves().get(0).reader().getFloatVectorValues("v");
        // k candidates near the query, the rest from the opposite cluster: only the k are read
        int[] candidates = new int[5 * K];
        int c = 0;
        for (int ord = 0; ord < values.size() && c < candidates.length; ord++) {
          boolean isNear = values.ordToDoc(ord) < near;
          if (isNear ? c < K : c >= K) {
            candidates[c++] = ord;
          }
        }
        assertEquals(candidates.length, c);
        BoundedRescorer bounded =
            new BoundedRescorer(values, centre, sim, K, BoundedRescorer.DEFAULT_EPSILON);
        assertEquals("bits=" + bits, K, bounded.rescore(candidates, candidates.length));
        for (int i = 0; i < K; i++) {
          assertTrue(values.ordToDoc(bounded.ord(i)) < near);
        }
      }
    }
  }

  public void testReadsEveryCandidateWhenTheBoundIsUnbounded() throws Exception {
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(
                        TestUtil.alwaysKnnVectorsFormat(
                            new Quiver10QuantizedHnswVectorsFormat(1, 8, 32))))) {
      for (int i = 0; i < 200; i++) {
        Document doc = new Document();
        doc.add(
            new KnnFloatVectorField(
                "v", unit(gaussian(DIMS, 1)), VectorSimilarityFunction.DOT_PRODUCT));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      try (DirectoryReader r = DirectoryReader.open(w)) {
        QuantizedFloatVectorValues values =
            (QuantizedFloatVectorValues) r.leaves().get(0).reader().getFloatVectorValues("v");
        float[] target = unit(gaussian(DIMS, 1));
        int[] all = new int[values.size()];
        Arrays.setAll(all, i -> i);
        BoundedRescorer wide =
            new BoundedRescorer(values, target, VectorSimilarityFunction.DOT_PRODUCT, K, 1e6f);
        assertEquals(all.length, wide.rescore(all, all.length));
        BoundedRescorer few =
            new BoundedRescorer(values, target, VectorSimilarityFunction.DOT_PRODUCT, K, 0f);
        assertEquals(5, few.rescore(all, 5)); // fewer candidates than k: all of them
        assertEquals(0, few.rescore(all, 0));
        expectThrows(
            IllegalArgumentException.class,
            () -> new BoundedRescorer(values, target, VectorSimilarityFunction.DOT_PRODUCT, 0, 1f));
      }
    }
  }

  private static int[] resultOrds(BoundedRescorer r) {
    int[] out = new int[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.ord(i);
    }
    return out;
  }

  /** The best k ordinals by exact score, ties by ordinal. */
  private static int[] topK(int[] ords, int count, float[] exact) {
    return Arrays.stream(ords, 0, count)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(o -> -exact[o]).thenComparingInt(o -> o))
        .limit(K)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** The {@code count} ordinals of best estimated score (as a graph search on codes finds). */
  private static int[] bestByEstimate(QuantizedFloatVectorValues values, float[] target, int count)
      throws Exception {
    QuantizedEstimator e = values.estimator(target, 0f);
    float[] est = new float[values.size()];
    for (int ord = 0; ord < est.length; ord++) {
      est[ord] = e.score(ord);
    }
    int[] order =
        java.util.stream.IntStream.range(0, est.length)
            .boxed()
            .sorted(Comparator.<Integer>comparingDouble(o -> -est[o]))
            .mapToInt(Integer::intValue)
            .toArray();
    int[] out = Arrays.copyOf(order, count);
    // any order: the rescorer must not rely on the caller's
    for (int i = out.length - 1; i > 0; i--) {
      int j = random().nextInt(i + 1);
      int t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  private static float[] clustered(float[][] centres) {
    float[] c = centres[random().nextInt(centres.length)];
    float[] v = gaussian(DIMS, 0.6 / Math.sqrt(DIMS));
    for (int i = 0; i < DIMS; i++) {
      v[i] += c[i];
    }
    return unit(v);
  }

  private static float[] gaussian(int dims, double sigma) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) (random().nextGaussian() * sigma);
    }
    return v;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
