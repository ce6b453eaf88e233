package dev.quiver.codec.quant;

import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.tests.util.LuceneTestCase;

public class TestCodePacking extends LuceneTestCase {

  public void testDocumentRoundTrip() {
    Random random = new Random(1);
    for (CodeBits bits : CodeBits.values()) {
      int n = bits.codeDims(200);
      byte[] levels = randomLevels(random, n, bits.bits());
      byte[] code = new byte[bits.docBytes(n)];
      CodePacking.packDocument(bits, levels, code);
      byte[] back = new byte[n];
      CodePacking.unpackDocument(bits, code, back);
      assertArrayEquals(bits.toString(), levels, back);
    }
  }

  public void testCodeSizes() {
    assertEquals(48, CodeBits.ONE.docBytes(CodeBits.ONE.codeDims(384)));
    assertEquals(96, CodeBits.TWO.docBytes(CodeBits.TWO.codeDims(384)));
    assertEquals(192, CodeBits.FOUR.docBytes(CodeBits.FOUR.codeDims(384)));
    assertEquals(384, CodeBits.EIGHT.docBytes(CodeBits.EIGHT.codeDims(384)));
    assertEquals(128, CodeBits.ONE.codeDims(100));
    assertEquals(100, CodeBits.FOUR.codeDims(99));
    assertEquals(99, CodeBits.EIGHT.codeDims(99));
  }

  public void testWireNumbersRoundTrip() {
    for (CodeBits bits : CodeBits.values()) {
      assertSame(bits, CodeBits.fromWireNumber(bits.wireNumber()));
      assertSame(bits, CodeBits.of(bits.bits()));
    }
    expectThrows(IllegalArgumentException.class, () -> CodeBits.of(3));
    expectThrows(IllegalArgumentException.class, () -> CodeBits.fromWireNumber(9));
  }

  /** The packed layouts must be the ones Lucene's VectorUtil kernels read: compare with naive. */
  public void testLevelDotMatchesNaiveIntegerDot() {
    Random random = new Random(2);
    for (CodeBits bits : CodeBits.values()) {
      for (int dims : new int[] {64, 100, 384, 1000}) {
        CodeSpace space =
            new CodeSpace(
                new float[dims],
                HadamardRotation.identity(dims),
                VectorSimilarityFunction.DOT_PRODUCT,
                bits);
        int n = space.codeDims();
        byte[] docLevels = randomLevels(random, n, bits.bits());
        byte[] queryLevels = randomLevels(random, n, bits.queryBits());
        byte[] code = new byte[space.docBytes()];
        CodePacking.packDocument(bits, docLevels, code);
        byte[] packed = new byte[bits.queryBytes(n)];
        CodePacking.packQuery(bits, queryLevels, packed);
        QuantizedQuery query =
            bits == CodeBits.FOUR
                ? new QuantizedQuery(
                    java.util.Arrays.copyOfRange(packed, 0, n),
                    java.util.Arrays.copyOfRange(packed, n, 2 * n),
                    0,
                    1,
                    0,
                    0,
                    0)
                : new QuantizedQuery(packed, null, 0, 1, 0, 0, 0);
        long naive = 0;
        for (int i = 0; i < n; i++) {
          naive += (long) (docLevels[i] & 0xFF) * (queryLevels[i] & 0xFF);
        }
        assertEquals(
            bits + " dims " + dims, naive, new QuantizedScorer(space).levelDot(query, code));
      }
    }
  }

  public void testRejectsWrongSizes() {
    expectThrows(
        IllegalArgumentException.class,
        () -> CodePacking.packDocument(CodeBits.ONE, new byte[64], new byte[7]));
    expectThrows(
        IllegalArgumentException.class,
        () -> CodePacking.packQuery(CodeBits.TWO, new byte[64], new byte[31]));
  }

  static byte[] randomLevels(Random random, int n, int bits) {
    byte[] levels = new byte[n];
    for (int i = 0; i < n; i++) {
      levels[i] = (byte) random.nextInt(1 << bits);
    }
    return levels;
  }
}
