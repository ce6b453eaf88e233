package dev.quiver.codec.muvera;

import static dev.quiver.codec.muvera.FdeTestData.chamfer;
import static dev.quiver.codec.muvera.FdeTestData.concat;
import static dev.quiver.codec.muvera.FdeTestData.dot;
import static dev.quiver.codec.muvera.FdeTestData.encoder;
import static dev.quiver.codec.muvera.FdeTestData.gaussian;
import static dev.quiver.codec.muvera.FdeTestData.identityBank;
import static dev.quiver.codec.muvera.FdeTestData.reversed;

import java.util.Random;
import org.apache.lucene.tests.util.LuceneTestCase;

/** MUVERA.md section 9: hand-checkable vectors, exact degenerate cases and invariances. */
public class TestFdeEncoder extends LuceneTestCase {

  public void testGrayCodeBuckets() {
    int[] expected = {0, 1, 3, 2, 7, 6, 4, 5}; // bucket of pattern 000, 001, ..., 111
    for (int pattern = 0; pattern < 8; pattern++) {
      assertEquals("pattern " + pattern, expected[pattern], FdeEncoder.bucketOf(pattern, 3));
      assertEquals(pattern, FdeEncoder.patternOfBucket(FdeEncoder.bucketOf(pattern, 3)));
    }
    for (int bits = 0; bits <= FdeParams.MAX_SIMHASH_BITS; bits++) {
      for (int b = 0; b < 1 << bits; b++) {
        assertEquals(b, FdeEncoder.bucketOf(FdeEncoder.patternOfBucket(b), bits));
      }
    }
  }

  /** Vector A: d=2, k=1, R=1, identity, hyperplane (1,0). */
  public void testHandVectorA() {
    FdeBank bank = new FdeBank(2, 1, 2, new double[][] {{1, 0}}, null, null, 0, null, null);
    FdeEncoder encoder = encoder(bank);
    float[] doc = encoder.encodeDocument(new float[] {0.6f, 0.8f, 0.8f, 0.6f, -1, 0}, 3);
    assertArrayEquals(new float[] {-1, 0, 0.7f, 0.7f}, doc, 1e-6f);
    float[] query = encoder.encodeQuery(new float[] {1, 0, 0, 1}, 2);
    assertArrayEquals(new float[] {0, 1, 1, 0}, query, 0f);
    assertEquals(0.7, dot(query, doc), 1e-6);
  }

  /**
   * Vector B: d=3, k=3, hyperplanes e1, e2, e3, identity, fill on; catches a wrong Gray inverse.
   */
  public void testHandVectorBFillsByNearestSignPatternFirstWins() {
    double[][] planes = {{1, 0, 0, 0, 1, 0, 0, 0, 1}};
    FdeEncoder encoder = encoder(new FdeBank(3, 3, 3, planes, null, null, 0, null, null));
    float[] p0 = {1, 1, 1};
    float[] p1 = {-1, -1, 1};
    float[] p2 = {1, -1, -1};
    float[] doc = encoder.encodeDocument(concat(concat(p0, p1), p2), 3);
    float[][] blocks = {p1, p1, p0, p0, p0, p0, p0, p2};
    for (int b = 0; b < 8; b++) {
      for (int t = 0; t < 3; t++) {
        assertEquals("bucket " + b, blocks[b][t], doc[b * 3 + t], 0f);
      }
    }
  }

  /** (a) k = 0, identity: score = R * sum_i <q_i, mean(P)>; (c) the length. */
  public void testSingleBucketIsTheMeanExactly() {
    Random random = random();
    for (int trial = 0; trial < 20; trial++) {
      int dims = 2 + random.nextInt(159);
      int reps = 1 + random.nextInt(20);
      int qCount = 1 + random.nextInt(40);
      int pCount = 1 + random.nextInt(300);
      FdeEncoder encoder = encoder(identityBank(random, dims, reps, 0));
      float[] q = gaussian(random, qCount, dims, random.nextBoolean());
      float[] p = gaussian(random, pCount, dims, random.nextBoolean());
      float[] fq = encoder.encodeQuery(q, qCount);
      float[] fp = encoder.encodeDocument(p, pCount);
      assertEquals(reps * dims, fq.length);
      assertEquals(reps * dims, fp.length);
      double expected = 0;
      for (int i = 0; i < qCount; i++) {
        for (int j = 0; j < pCount; j++) {
          expected += dot(q, i * dims, p, j * dims, dims) / pCount;
        }
      }
      expected *= reps;
      double scale = 0;
      for (float x : fq) {
        scale += Math.abs(x);
      }
      assertEquals(expected, dot(fq, fp), 1e-5 * Math.max(1, scale));
    }
  }

  /** (b) any k, identity, |P| = 1: score = R * CH(Q, {p}). */
  public void testSingleDocumentVectorIsExact() {
    Random random = random();
    for (int trial = 0; trial < 20; trial++) {
      int dims = 2 + random.nextInt(159);
      int reps = 1 + random.nextInt(20);
      int bits = random.nextInt(7);
      int qCount = 1 + random.nextInt(40);
      FdeEncoder encoder = encoder(identityBank(random, dims, reps, bits));
      float[] q = gaussian(random, qCount, dims, true);
      float[] p = gaussian(random, 1, dims, true);
      float[] fp = encoder.encodeDocument(p, 1);
      assertEquals(reps * (1 << bits) * dims, fp.length);
      double expected = reps * chamfer(q, qCount, p, 1, dims);
      assertEquals(expected, dot(encoder.encodeQuery(q, qCount), fp), 1e-4 * reps * qCount);
    }
  }

  /** Lemma A.3: identity, fill on: score <= R * CH, for non-unit vectors too. */
  public void testOneSidedBound() {
    Random random = random();
    for (int trial = 0; trial < 30; trial++) {
      int dims = 2 + random.nextInt(159);
      int reps = 1 + random.nextInt(20);
      int bits = random.nextInt(7);
      int qCount = 1 + random.nextInt(40);
      int pCount = 1 + random.nextInt(300);
      FdeEncoder encoder = encoder(identityBank(random, dims, reps, bits));
      boolean unit = random.nextBoolean();
      float[] q = gaussian(random, qCount, dims, unit);
      float[] p = gaussian(random, pCount, dims, unit);
      double score = dot(encoder.encodeQuery(q, qCount), encoder.encodeDocument(p, pCount));
      double ch = chamfer(q, qCount, p, pCount, dims);
      double norms = unit ? 1 : 4.0 * dims; // generous bound on |q||p| for Gaussians
      assertTrue(score + " > " + reps * ch, score <= reps * ch + 1e-4 * reps * qCount * norms);
    }
  }

  public void testQueryIsLinearAndOrderFree() {
    Random random = random();
    int dims = 2 + random.nextInt(100);
    int reps = 1 + random.nextInt(10);
    int bits = random.nextInt(6);
    int finalProjection = random.nextBoolean() ? 0 : 1 + random.nextInt(2000);
    // Without a final projection, repetitions x 2^bits x projection must stay within 16,384.
    int maxProjection =
        finalProjection == 0 ? Math.min(dims, FdeParams.MAX_FDE_DIMS / (reps << bits)) : dims;
    FdeParams params =
        new FdeParams(
            reps,
            bits,
            1 + random.nextInt(maxProjection),
            finalProjection,
            random.nextLong(),
            FdeParams.VERSION_1);
    FdeEncoder encoder = new FdeEncoder(params, dims);
    int n1 = 1 + random.nextInt(20);
    int n2 = 1 + random.nextInt(20);
    float[] q1 = gaussian(random, n1, dims, true);
    float[] q2 = gaussian(random, n2, dims, true);
    float[] sum = encoder.encodeQuery(q1, n1);
    float[] f2 = encoder.encodeQuery(q2, n2);
    for (int i = 0; i < sum.length; i++) {
      sum[i] += f2[i];
    }
    float[] joint = encoder.encodeQuery(concat(q1, q2), n1 + n2);
    assertArrayEquals(sum, joint, 1e-4f);
    assertArrayEquals(
        joint, encoder.encodeQuery(reversed(concat(q1, q2), n1 + n2, dims), n1 + n2), 1e-4f);
    assertArrayEquals(new float[encoder.dims()], encoder.encodeQuery(new float[0], 0), 0f);
  }

  public void testDocumentDuplicationIsIdempotent() {
    Random random = random();
    int dims = 2 + random.nextInt(100);
    int reps = 1 + random.nextInt(10);
    int bits = random.nextInt(7);
    // Keep repetitions x 2^bits x projection within the 16,384 dims an FDE may have.
    int maxProjection = Math.min(dims, FdeParams.MAX_FDE_DIMS / (reps << bits));
    FdeEncoder encoder =
        new FdeEncoder(
            new FdeParams(
                reps,
                bits,
                1 + random.nextInt(maxProjection),
                0,
                random.nextLong(),
                FdeParams.VERSION_1),
            dims);
    int n = 1 + random.nextInt(50);
    float[] p = gaussian(random, n, dims, true);
    assertArrayEquals(
        encoder.encodeDocument(p, n), encoder.encodeDocument(concat(p, p), 2 * n), 1e-5f);
  }

  public void testZeroTokenLandsInBucketZero() {
    int dims = 8;
    int reps = 5;
    FdeEncoder encoder = encoder(identityBank(random(), dims, reps, 4));
    float[] token = {1, 2, 3, 4, 5, 6, 7, 8};
    // Bucket 0 of every repetition holds the zero token: its block is the zero token alone (0) or
    // the average of both (token / 2), never a filled copy of the token.
    float[] doc = encoder.encodeDocument(concat(new float[dims], token), 2);
    int repDims = 16 * dims;
    for (int r = 0; r < reps; r++) {
      float first = doc[r * repDims];
      assertTrue("repetition " + r + ": " + first, first == 0f || first == 0.5f);
      for (int t = 0; t < dims; t++) {
        assertEquals(first * token[t], doc[r * repDims + t], 0f);
      }
    }
  }

  public void testDocumentWithoutVectorsAndBadInputAreRejected() {
    FdeEncoder encoder = new FdeEncoder(FdeParams.defaults(), 16);
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> encoder.encodeDocument(new float[0], 0));
    assertTrue(e.getMessage(), e.getMessage().contains("at least one vector"));
    e =
        expectThrows(
            IllegalArgumentException.class, () -> encoder.encodeDocument(new float[20], 2));
    assertTrue(e.getMessage(), e.getMessage().contains("need 32 floats"));
    float[] nan = new float[16];
    nan[3] = Float.NaN;
    e = expectThrows(IllegalArgumentException.class, () -> encoder.encodeQuery(nan, 1));
    assertTrue(e.getMessage(), e.getMessage().contains("non-finite value at dim 3"));
  }
}
