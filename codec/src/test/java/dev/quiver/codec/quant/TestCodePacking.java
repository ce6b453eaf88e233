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
      for (int queryBits : new int[] {4, 8}) {
        if (!bits.supportsQueryBits(queryBits)) {
          continue;
        }
        for (int dims : new int[] {64, 100, 384, 1000}) {
          CodeSpace space =
              new CodeSpace(
                  new float[dims],
                  HadamardRotation.identity(dims),
                  VectorSimilarityFunction.DOT_PRODUCT,
                  bits,
                  queryBits);
          int n = space.codeDims();
          byte[] docLevels = randomLevels(random, n, bits.bits());
          byte[] queryLevels = randomLevels(random, n, queryBits);
          byte[] code = new byte[space.docBytes()];
          CodePacking.packDocument(bits, docLevels, code);
          byte[] high = new byte[bits.queryNibbleBytes(n)];
          byte[] low = queryBits == 8 && bits != CodeBits.EIGHT ? new byte[high.length] : null;
          CodePacking.packQuery(bits, queryBits, queryLevels, high, low);
          QuantizedQuery query = new QuantizedQuery(high, low, 0, 1, 0, 0, 0);
          long naive = 0;
          for (int i = 0; i < n; i++) {
            naive += (long) (docLevels[i] & 0xFF) * (queryLevels[i] & 0xFF);
          }
          assertEquals(
              bits + " query bits " + queryBits + " dims " + dims,
              naive,
              new QuantizedScorer(space).levelDot(query, code));
        }
      }
    }
  }

  public void testQueryBitsChoices() {
    assertEquals(4, CodeBits.ONE.defaultQueryBits());
    assertEquals(4, CodeBits.FOUR.defaultQueryBits());
    assertEquals(8, CodeBits.EIGHT.defaultQueryBits());
    assertFalse(CodeBits.EIGHT.supportsQueryBits(4));
    assertFalse(CodeBits.ONE.supportsQueryBits(2));
    expectThrows(
        IllegalArgumentException.class,
        () ->
            new CodeSpace(
                new float[8],
                HadamardRotation.identity(8),
                VectorSimilarityFunction.DOT_PRODUCT,
                CodeBits.EIGHT,
                4));
  }

  public void testRejectsWrongSizes() {
    expectThrows(
        IllegalArgumentException.class,
        () -> CodePacking.packDocument(CodeBits.ONE, new byte[64], new byte[7]));
    expectThrows(
        IllegalArgumentException.class,
        () -> CodePacking.packQuery(CodeBits.TWO, 4, new byte[64], new byte[31], null));
  }

  static byte[] randomLevels(Random random, int n, int bits) {
    byte[] levels = new byte[n];
    for (int i = 0; i < n; i++) {
      levels[i] = (byte) random.nextInt(1 << bits);
    }
    return levels;
  }
}
