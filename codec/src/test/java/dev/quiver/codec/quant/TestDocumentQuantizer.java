package dev.quiver.codec.quant;

import java.util.Random;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.tests.util.LuceneTestCase;

public class TestDocumentQuantizer extends LuceneTestCase {

  private static final int DIMS = 384;

  /**
   * The code's direction is close to the vector's, and closer with more bits: for Gaussian data the
   * 1-bit cosine is about sqrt(2/pi) = 0.80 (RaBitQ), and extended RaBitQ reaches about 0.94 at 2
   * bits, 0.995 at 4 and 0.99998 at 8.
   */
  public void testCodeDirectionApproachesVectorDirection() {
    double[] minimum = {0.78, 0.93, 0.99, 0.9999};
    int k = 0;
    for (CodeBits bits : CodeBits.values()) {
      double cos = meanCosine(bits, HadamardRotation.overlapping(DIMS, 3, 1));
      assertTrue(bits + " mean cosine " + cos, cos > minimum[k++]);
    }
    assertEquals(
        Math.sqrt(2 / Math.PI), meanCosine(CodeBits.ONE, HadamardRotation.identity(DIMS)), 0.02);
  }

  /** The searched grid scale does better than the plain "largest coordinate at the top level". */
  public void testScaleSearchBeatsMaxScaling() {
    Random random = new Random(3);
    CodeSpace space = space(CodeBits.FOUR, HadamardRotation.identity(DIMS));
    DocumentQuantizer quantizer = new DocumentQuantizer(space);
    byte[] code = new byte[space.docBytes()];
    for (int trial = 0; trial < 20; trial++) {
      float[] v = TestHadamardRotation.gaussian(random, DIMS);
      double searched = cosine(quantizer.quantize(v, code));
      // max scaling: t * max|v| = 8 levels per side, as a plain min-max grid would do
      float maxAbs = 0;
      for (float x : v) {
        maxAbs = Math.max(maxAbs, Math.abs(x));
      }
      double xr = 0;
      double xx = 0;
      double rr = 0;
      for (float x : v) {
        int j = Math.min((int) (8 * Math.abs(x) / maxAbs), 7);
        xr += (j + 0.5) * Math.abs(x);
        xx += (j + 0.5) * (j + 0.5);
        rr += x * x;
      }
      assertTrue(searched + " vs " + xr / Math.sqrt(xx * rr), searched >= xr / Math.sqrt(xx * rr));
    }
  }

  public void testCorrectionsOfTheCentroidItself() {
    float[] centroid = TestHadamardRotation.gaussian(new Random(4), DIMS);
    CodeSpace space =
        new CodeSpace(
            centroid,
            HadamardRotation.overlapping(DIMS, 3, 1),
            VectorSimilarityFunction.EUCLIDEAN,
            CodeBits.TWO);
    byte[] code = new byte[space.docBytes()];
    DocCorrections c = new DocumentQuantizer(space).quantize(centroid, code);
    assertEquals(0f, c.rescale(), 0f);
    assertEquals(0f, c.errorScale(), 0f);
    assertEquals(0f, c.additive(), 0f);
  }

  public void testRejectsWrongDimension() {
    CodeSpace space = space(CodeBits.ONE, HadamardRotation.identity(DIMS));
    expectThrows(
        IllegalArgumentException.class,
        () ->
            new DocumentQuantizer(space).quantize(new float[DIMS - 1], new byte[space.docBytes()]));
    expectThrows(
        IllegalArgumentException.class,
        () ->
            new DocumentQuantizer(space).quantize(new float[DIMS], new byte[space.docBytes() + 1]));
  }

  private static double meanCosine(CodeBits bits, HadamardRotation rotation) {
    Random random = new Random(2);
    CodeSpace space = space(bits, rotation);
    DocumentQuantizer quantizer = new DocumentQuantizer(space);
    byte[] code = new byte[space.docBytes()];
    double sum = 0;
    int n = 50;
    for (int i = 0; i < n; i++) {
      sum += cosine(quantizer.quantize(TestHadamardRotation.gaussian(random, DIMS), code));
    }
    return sum / n;
  }

  /** cos(code, vector) from the stored terms: errorScale = |r| tan(theta). */
  private static double cosine(DocCorrections c) {
    double tan = c.errorScale() / c.centredNorm();
    return 1 / Math.sqrt(1 + tan * tan);
  }

  private static CodeSpace space(CodeBits bits, HadamardRotation rotation) {
    return new CodeSpace(new float[DIMS], rotation, VectorSimilarityFunction.DOT_PRODUCT, bits);
  }
}
