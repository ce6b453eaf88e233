package dev.quiver.codec.muvera;

import static dev.quiver.codec.muvera.FdeTestData.chamfer;
import static dev.quiver.codec.muvera.FdeTestData.dot;

import java.util.Arrays;
import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * MUVERA.md section 9, test 5: on clustered synthetic data the FDE inner product tracks Chamfer
 * (MaxSim), and a query encoded with another seed does not (negative control); with one bucket the
 * sparse projection is unbiased.
 */
public class TestFdeQuality extends LuceneTestCase {

  private static final int DIMS = 128;
  private static final int TOPICS = 50;
  private static final int DOCS = 500;
  private static final int QUERIES = 100;
  private static final int QUERY_TOKENS = 16;

  private record Corpus(float[][] docs, int[] docCounts, float[][] queries) {}

  private static Corpus corpus(Random random) {
    float[][] topics = new float[TOPICS][];
    for (int t = 0; t < TOPICS; t++) {
      topics[t] = FdeTestData.gaussian(random, 1, DIMS, true);
    }
    float[][] docs = new float[DOCS][];
    int[] counts = new int[DOCS];
    for (int d = 0; d < DOCS; d++) {
      int[] own = {random.nextInt(TOPICS), random.nextInt(TOPICS), random.nextInt(TOPICS)};
      counts[d] = 30 + random.nextInt(51);
      docs[d] = new float[counts[d] * DIMS];
      for (int t = 0; t < counts[d]; t++) {
        float[] topic = topics[own[random.nextInt(3)]];
        for (int i = 0; i < DIMS; i++) {
          docs[d][t * DIMS + i] =
              topic[i] + (float) (random.nextGaussian() * 0.5 / Math.sqrt(DIMS));
        }
      }
      FdeTestData.normalize(docs[d], counts[d], DIMS);
    }
    float[][] queries = new float[QUERIES][];
    for (int q = 0; q < QUERIES; q++) {
      int d = random.nextInt(DOCS);
      queries[q] = new float[QUERY_TOKENS * DIMS];
      for (int t = 0; t < QUERY_TOKENS; t++) {
        int src = random.nextInt(counts[d]) * DIMS;
        for (int i = 0; i < DIMS; i++) {
          queries[q][t * DIMS + i] =
              docs[d][src + i] + (float) (random.nextGaussian() * 0.3 / Math.sqrt(DIMS));
        }
      }
      FdeTestData.normalize(queries[q], QUERY_TOKENS, DIMS);
    }
    return new Corpus(docs, counts, queries);
  }

  public void testFdeTracksChamferAndAnotherSeedDoesNot() {
    Random random = new Random(random().nextLong());
    Corpus c = corpus(random);
    double[][] exact = new double[QUERIES][DOCS];
    for (int q = 0; q < QUERIES; q++) {
      for (int d = 0; d < DOCS; d++) {
        exact[q][d] = chamfer(c.queries[q], QUERY_TOKENS, c.docs[d], c.docCounts[d], DIMS);
      }
    }
    long seed = random.nextLong();
    FdeParams params = new FdeParams(10, 4, 16, 0, seed, FdeParams.VERSION_1);
    FdeEncoder docs = new FdeEncoder(params, DIMS);
    Quality same = quality(c, exact, docs, docs);
    if (VERBOSE) {
      System.out.println("FDE " + params + ": " + same);
    }
    assertTrue("top-1 recall@10 " + same.recall, same.recall >= 0.9);
    assertTrue("Pearson " + same.pearson, same.pearson >= 0.8);
    assertTrue("Spearman " + same.spearman, same.spearman >= 0.6);
    FdeParams other = new FdeParams(10, 4, 16, 0, seed + 1, FdeParams.VERSION_1);
    Quality control = quality(c, exact, docs, new FdeEncoder(other, DIMS));
    if (VERBOSE) {
      System.out.println("query seed + 1: " + control);
    }
    assertTrue("control recall " + control.recall, control.recall < 0.3);
    assertTrue("control Pearson " + control.pearson, control.pearson < 0.3);
  }

  private record Quality(double recall, double pearson, double spearman) {}

  private static Quality quality(Corpus c, double[][] exact, FdeEncoder docs, FdeEncoder queries) {
    float[][] docFdes = new float[DOCS][];
    for (int d = 0; d < DOCS; d++) {
      docFdes[d] = docs.encodeDocument(c.docs[d], c.docCounts[d]);
    }
    int hits = 0;
    double pearson = 0;
    double spearman = 0;
    for (int q = 0; q < QUERIES; q++) {
      float[] fq = queries.encodeQuery(c.queries[q], QUERY_TOKENS);
      double[] approx = new double[DOCS];
      for (int d = 0; d < DOCS; d++) {
        approx[d] = dot(fq, docFdes[d]);
      }
      int best = argmax(exact[q]);
      int better = 0;
      for (int d = 0; d < DOCS; d++) {
        better += approx[d] > approx[best] ? 1 : 0;
      }
      hits += better < 10 ? 1 : 0;
      pearson += pearson(exact[q], approx);
      spearman += pearson(ranks(exact[q]), ranks(approx));
    }
    return new Quality((double) hits / QUERIES, pearson / QUERIES, spearman / QUERIES);
  }

  /** k_sim = 0 with the sparse projection: the mean over seeds is R * sum_i <q_i, mean(P)>. */
  public void testSparseProjectionIsUnbiased() {
    Random random = new Random(random().nextLong());
    int dims = 16;
    int qCount = 3;
    int pCount = 5;
    float[] q = FdeTestData.gaussian(random, qCount, dims, true);
    float[] p = FdeTestData.gaussian(random, pCount, dims, true);
    double expected = 0;
    for (int i = 0; i < qCount; i++) {
      for (int j = 0; j < pCount; j++) {
        expected += dot(q, i * dims, p, j * dims, dims) / pCount;
      }
    }
    int seeds = 2000;
    double sum = 0;
    double sumSq = 0;
    long base = random.nextLong();
    for (int s = 0; s < seeds; s++) {
      FdeEncoder e = new FdeEncoder(new FdeParams(1, 0, 4, 0, base + s, 1), dims);
      double score = dot(e.encodeQuery(q, qCount), e.encodeDocument(p, pCount));
      sum += score;
      sumSq += score * score;
    }
    double mean = sum / seeds;
    double stderr = Math.sqrt((sumSq / seeds - mean * mean) / seeds);
    assertEquals("mean " + mean + " +- " + stderr, expected, mean, 4 * stderr);
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double[] ranks(double[] v) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[order[i]] = i;
    }
    return r;
  }

  private static double pearson(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElse(0);
    double mb = Arrays.stream(b).average().orElse(0);
    double cov = 0;
    double va = 0;
    double vb = 0;
    for (int i = 0; i < a.length; i++) {
      cov += (a[i] - ma) * (b[i] - mb);
      va += (a[i] - ma) * (a[i] - ma);
      vb += (b[i] - mb) * (b[i] - mb);
    }
    return cov / Math.sqrt(va * vb);
  }
}
