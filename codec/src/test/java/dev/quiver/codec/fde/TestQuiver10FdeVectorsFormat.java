package dev.quiver.codec.fde;

import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Lucene's conformance suite for the FDE format over the Quiver10 HNSW format (fields without the
 * fingerprint attribute: no check, empty fingerprint).
 */
public class TestQuiver10FdeVectorsFormat extends BaseKnnVectorsFormatTestCase {

  @Override
  protected Codec getCodec() {
    return TestUtil.alwaysKnnVectorsFormat(
        new Quiver10FdeVectorsFormat(
            new Quiver10HnswVectorsFormat(
                TestUtil.nextInt(random(), 2, 32), TestUtil.nextInt(random(), 8, 128))));
  }

  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }

  public void testSpiNameIsClassName() {
    KnnVectorsFormat spi = KnnVectorsFormat.forName(Quiver10FdeVectorsFormat.NAME);
    assertEquals(Quiver10FdeVectorsFormat.class, spi.getClass());
    assertEquals(Quiver10FdeVectorsFormat.class.getSimpleName(), Quiver10FdeVectorsFormat.NAME);
  }

  public void testCannotWrapItself() {
    expectThrows(
        IllegalArgumentException.class,
        () -> new Quiver10FdeVectorsFormat(new Quiver10FdeVectorsFormat()));
  }
}
