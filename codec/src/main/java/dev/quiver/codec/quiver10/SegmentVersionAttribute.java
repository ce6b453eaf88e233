package dev.quiver.codec.quiver10;

import java.io.IOException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.SegmentInfo;

/**
 * Which version of a Quiver format wrote a segment's files for one segment suffix: a {@link
 * SegmentInfo} attribute, written by the format's writer and read back by its reader.
 *
 * <p>Key {@code <format name>.version} followed, when the segment suffix is not empty, by {@code
 * .<segment suffix>} (the per-field format's {@code <format name>_<n>}); value the version in
 * decimal. An absent attribute means version 0, the layout written before Quiver recorded versions.
 *
 * <p>Why a segment attribute and not "the Quiver file exists" or a field attribute: the segment
 * info is written once, after every format has written its files, by the code that wrote them; it
 * travels with the segment through commits, {@code addIndexes(Directory)} renames and replication;
 * and unlike field attributes it is never copied into a merged segment from its sources (so a field
 * that moves to another format in a merge cannot carry a stale Quiver version).
 */
public final class SegmentVersionAttribute {

  private SegmentVersionAttribute() {}

  public static String key(String formatName, String segmentSuffix) {
    return segmentSuffix.isEmpty()
        ? formatName + ".version"
        : formatName + ".version." + segmentSuffix;
  }

  /** Records that {@code formatName} writes {@code version} for {@code segmentSuffix}. */
  public static void write(
      SegmentInfo segment, String formatName, String segmentSuffix, int version) {
    segment.putAttribute(key(formatName, segmentSuffix), Integer.toString(version));
  }

  /**
   * The version {@code formatName} wrote for {@code segmentSuffix}, {@code versionStart} if the
   * attribute is absent.
   *
   * @throws CorruptIndexException if the value is not a number
   * @throws IndexFormatTooNewException if it is above {@code versionCurrent}
   * @throws IndexFormatTooOldException if it is below {@code versionStart}
   */
  public static int read(
      SegmentInfo segment,
      String formatName,
      String segmentSuffix,
      int versionStart,
      int versionCurrent)
      throws IOException {
    String key = key(formatName, segmentSuffix);
    String value = segment.getAttribute(key);
    if (value == null) {
      return versionStart;
    }
    String resource = "segment " + segment.name + " attribute " + key;
    int version;
    try {
      version = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new CorruptIndexException("not a format version: [" + value + "]", resource, e);
    }
    if (version > versionCurrent) {
      throw new IndexFormatTooNewException(resource, version, versionStart, versionCurrent);
    }
    if (version < versionStart) {
      throw new IndexFormatTooOldException(resource, version, versionStart, versionCurrent);
    }
    return version;
  }
}
