package dev.quiver.codec.quiver10;

import java.util.Map;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.util.StringHelper;
import org.apache.lucene.util.Version;

public class TestSegmentVersionAttribute extends LuceneTestCase {

  private static final String SUFFIX = "Quiver10HnswVectorsFormat_0";
  private static final String KEY = "Quiver10HnswVectorsFormat.version." + SUFFIX;

  public void testKeyNamesFormatAndSuffix() {
    assertEquals(KEY, SegmentVersionAttribute.key(Quiver10HnswVectorsFormat.NAME, SUFFIX));
    assertEquals(
        "Quiver10FlatVectorsFormat.version",
        SegmentVersionAttribute.key(Quiver10FlatVectorsFormat.NAME, ""));
  }

  public void testAbsentIsVersionZeroAndWrittenIsReadBack() throws Exception {
    SegmentInfo si = segment(Map.of());
    assertEquals(0, read(si));
    SegmentVersionAttribute.write(si, Quiver10HnswVectorsFormat.NAME, SUFFIX, 1);
    assertEquals("1", si.getAttribute(KEY));
    assertEquals(1, read(si));
  }

  public void testOutOfRangeOrGarbage() throws Exception {
    expectThrows(IndexFormatTooNewException.class, () -> read(segment(Map.of(KEY, "2"))));
    expectThrows(IndexFormatTooOldException.class, () -> read(segment(Map.of(KEY, "-1"))));
    CorruptIndexException e =
        expectThrows(CorruptIndexException.class, () -> read(segment(Map.of(KEY, "one"))));
    assertTrue(e.getMessage(), e.getMessage().contains(KEY));
  }

  private static int read(SegmentInfo si) throws Exception {
    return SegmentVersionAttribute.read(
        si,
        Quiver10HnswVectorsFormat.NAME,
        SUFFIX,
        Quiver10HnswVectorsFormat.VERSION_START,
        Quiver10HnswVectorsFormat.VERSION_CURRENT);
  }

  private static SegmentInfo segment(Map<String, String> attributes) {
    return new SegmentInfo(
        new ByteBuffersDirectory(),
        Version.LATEST,
        Version.LATEST,
        "_0",
        1,
        false,
        false,
        Codec.getDefault(),
        Map.of(),
        StringHelper.randomId(),
        attributes,
        null);
  }
}
