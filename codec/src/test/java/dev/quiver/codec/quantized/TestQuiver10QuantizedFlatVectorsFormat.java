package dev.quiver.codec.quantized;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/** Lucene's conformance suite for the quantized flat format (exhaustive search on the codes). */
public class TestQuiver10QuantizedFlatVectorsFormat extends BaseKnnVectorsFormatTestCase {

  private final int bits = new int[] {1, 2, 4, 8}[random().nextInt(4)];

  @Override
  protected Codec getCodec() {
    return TestUtil.alwaysKnnVectorsFormat(new Quiver10QuantizedFlatVectorsFormat(bits));
  }

  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }

  @Override
  protected VectorEncoding randomVectorEncoding() {
    return VectorEncoding.FLOAT32;
  }

  public void testSpiNameIsClassName() {
    assertEquals(
        Quiver10QuantizedFlatVectorsFormat.class,
        KnnVectorsFormat.forName(Quiver10QuantizedFlatVectorsFormat.NAME).getClass());
    assertEquals(
        Quiver10QuantizedFlatVectorsFormat.class.getSimpleName(),
        Quiver10QuantizedFlatVectorsFormat.NAME);
  }

  // Lucene's suite indexes byte vectors in these; the quantized formats refuse them by design
  // (float32 only), so each checks the refusal instead.

  @Override
  public void testMismatchedFields() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testMergingWithDifferentByteKnnFields() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testEmptyByteVectorData() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testByteVectorScorerIteration() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testRandomBytes() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testWriterByteVectorRamEstimate() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testSortedIndexBytes() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }
}
