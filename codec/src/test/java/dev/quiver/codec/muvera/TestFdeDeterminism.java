package dev.quiver.codec.muvera;

import static dev.quiver.codec.muvera.FdeTestData.checksum;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * MUVERA.md section 9, test 4: the same config gives bit-identical FDEs across calls, threads,
 * fresh encoders and JVM runs (golden checksums of fixed inputs: a change of PRNG, draw order or
 * arithmetic fails here, and needs a new {@link FdeParams#version()}).
 */
public class TestFdeDeterminism extends LuceneTestCase {

  private static final int DIMS = 128;

  /** Fixed inputs: java.util.Random's sequence is specified by the JDK. */
  private static float[] fixedTokens(long seed, int count) {
    Random random = new Random(seed);
    float[] v = FdeTestData.gaussian(random, count, DIMS, true);
    return v;
  }

  private static final FdeParams SMALL = new FdeParams(4, 3, 8, 0, 7, FdeParams.VERSION_1);
  private static final FdeParams FINAL = new FdeParams(10, 4, 16, 1000, -3, FdeParams.VERSION_1);

  public void testGoldenChecksums() {
    float[] doc = fixedTokens(1, 60);
    float[] query = fixedTokens(2, 32);
    assertEquals(
        "defaults doc=2cdb7363698a3037 query=401ad3e290f4fd08;"
            + " small doc=604c986bb7ab8658 query=66fa3a53a65d3fca;"
            + " final doc=7001b005045c5e5b query=b7353052b264d61a",
        "defaults "
            + golden(FdeParams.defaults(), doc, query)
            + "; small "
            + golden(SMALL, doc, query)
            + "; final "
            + golden(FINAL, doc, query));
  }

  private static String golden(FdeParams params, float[] doc, float[] query) {
    FdeEncoder encoder = new FdeEncoder(params, DIMS);
    long d = checksum(encoder.encodeDocument(doc, doc.length / DIMS));
    long q = checksum(encoder.encodeQuery(query, query.length / DIMS));
    return "doc=" + Long.toHexString(d) + " query=" + Long.toHexString(q);
  }

  public void testGoldenFingerprints() {
    assertEquals("fde1:30e111497e1ff5b0", FdeParams.defaults().fingerprint(DIMS));
    assertEquals("fde1:82b6ee0c0da353e3", SMALL.fingerprint(DIMS));
  }

  public void testFreshEncodersCallsAndThreadsAgree() throws Exception {
    int reps = 1 + random().nextInt(20);
    int bits = random().nextInt(7);
    int finalProjection = random().nextBoolean() ? 0 : 1 + random().nextInt(4000);
    // Without a final projection, repetitions x 2^bits x projection must stay within 16,384.
    int maxProjection =
        finalProjection == 0 ? Math.min(DIMS, FdeParams.MAX_FDE_DIMS / (reps << bits)) : DIMS;
    FdeParams params =
        new FdeParams(
            reps,
            bits,
            1 + random().nextInt(maxProjection),
            finalProjection,
            random().nextLong(),
            FdeParams.VERSION_1);
    float[] doc = fixedTokens(random().nextLong(), 1 + random().nextInt(200));
    int count = doc.length / DIMS;
    FdeEncoder shared = new FdeEncoder(params, DIMS);
    float[] expected = new FdeEncoder(params, DIMS).encodeDocument(doc, count);
    assertArrayEquals(expected, shared.encodeDocument(doc, count), 0f);
    assertArrayEquals(expected, shared.encodeDocument(doc, count), 0f);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?>[] futures = new Future<?>[6];
      for (int i = 0; i < futures.length; i++) {
        futures[i] =
            pool.submit(
                () -> {
                  for (int k = 0; k < 5; k++) {
                    assertArrayEquals(expected, shared.encodeDocument(doc, count), 0f);
                  }
                });
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    FdeParams record =
        new FdeParams(
            params.repetitions(),
            params.simhashBits(),
            params.projectionDims(),
            params.finalProjectionDims(),
            params.seed(),
            params.version());
    assertEquals(params, record);
    assertArrayEquals(expected, new FdeEncoder(record, DIMS).encodeDocument(doc, count), 0f);
  }

  public void testAnotherSeedGivesAnotherEncoding() {
    float[] doc = fixedTokens(3, 40);
    FdeParams a = new FdeParams(20, 5, 16, 0, 1, FdeParams.VERSION_1);
    FdeParams b = new FdeParams(20, 5, 16, 0, 2, FdeParams.VERSION_1);
    assertFalse(
        java.util.Arrays.equals(
            new FdeEncoder(a, DIMS).encodeDocument(doc, 40),
            new FdeEncoder(b, DIMS).encodeDocument(doc, 40)));
    assertNotEquals(a.fingerprint(DIMS), b.fingerprint(DIMS));
  }

  /**
   * The random streams are fixed: the first value of stream (42, SimHash, 0) was also computed from
   * the javadoc of {@link FdeRandom} in Python; the others pin the derived draws.
   */
  public void testRandomStreamsArePinned() {
    FdeRandom r = FdeRandom.stream(42, FdeRandom.PURPOSE_SIMHASH, 0);
    assertEquals(3269328239984926196L, r.nextLong());
    FdeRandom s = FdeRandom.stream(42, FdeRandom.PURPOSE_PROJECTION, 3);
    assertEquals(
        "3ffa787a02c86225 7 1.0",
        Long.toHexString(Double.doubleToLongBits(s.nextGaussian()))
            + " "
            + s.nextInt(16)
            + " "
            + s.nextSign());
  }
}
