package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFileNames;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOFunction;
import org.apache.lucene.util.IOUtils;

/**
 * Opening and closing of the small per-segment meta files Quiver's formats write next to the Lucene
 * files they compose: an index header (codec name, version, segment id, segment suffix) first, a
 * checksum footer last, both checked whenever the file is read.
 */
public final class QuiverMetaFile {

  private QuiverMetaFile() {}

  public static String fileName(String segmentName, String segmentSuffix, String extension) {
    return IndexFileNames.segmentFileName(segmentName, segmentSuffix, extension);
  }

  /** Creates the file and writes its header. */
  public static IndexOutput create(
      SegmentWriteState state, String extension, String codecName, int version) throws IOException {
    IndexOutput out =
        state.directory.createOutput(
            fileName(state.segmentInfo.name, state.segmentSuffix, extension), state.context);
    boolean success = false;
    try {
      CodecUtil.writeIndexHeader(
          out, codecName, version, state.segmentInfo.getId(), state.segmentSuffix);
      success = true;
      return out;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(out);
      }
    }
  }

  /** Writes the end-of-fields marker and the footer. */
  public static void finish(IndexOutput out) throws IOException {
    out.writeInt(-1);
    CodecUtil.writeFooter(out);
  }

  /**
   * Reads the whole file: verifies its checksum, checks its header (codec name, a version in {@code
   * [minVersion, maxVersion]} equal to {@code version}, the one the segment info records, segment
   * id and suffix), lets {@code body} read the rest, then verifies the footer checksum; a checksum
   * failure is reported even when {@code body} failed first.
   */
  public static <T> T read(
      SegmentReadState state,
      String extension,
      String codecName,
      int minVersion,
      int maxVersion,
      int version,
      IOFunction<ChecksumIndexInput, T> body)
      throws IOException {
    String name = fileName(state.segmentInfo.name, state.segmentSuffix, extension);
    // The file is tiny: check its checksum before trusting a single byte of it, so that any damage
    // (header included) is reported as corruption rather than as a bad version or a misparse.
    try (IndexInput whole = state.directory.openInput(name, state.context)) {
      CodecUtil.checksumEntireFile(whole);
    }
    try (ChecksumIndexInput in = state.directory.openChecksumInput(name)) {
      T result = null;
      Throwable priorE = null;
      try {
        int header =
            CodecUtil.checkIndexHeader(
                in,
                codecName,
                minVersion,
                maxVersion,
                state.segmentInfo.getId(),
                state.segmentSuffix);
        if (header != version) {
          throw new CorruptIndexException(
              "file version " + header + " but the segment info records " + version, in);
        }
        result = body.apply(in);
      } catch (Throwable t) {
        priorE = t;
      } finally {
        CodecUtil.checkFooter(in, priorE);
      }
      return result;
    }
  }

  /** Reads one field's entry, given its field number (already read). */
  @FunctionalInterface
  public interface EntryReader<E> {
    E read(int fieldNumber, DataInput in) throws IOException;
  }

  /**
   * Reads the body both Quiver10 meta files share: [int32] the version of the Lucene layout the
   * format stands on, which must be {@code expectedLayout}, then per field [int32] field number and
   * its entry, ended by field number -1.
   *
   * @param luceneFormat the Lucene format whose layout version is recorded, for the message
   * @param quiverFormat the Quiver format defined over that layout, for the message
   * @throws CorruptIndexException if the layout version is not {@code expectedLayout}
   */
  public static <E> List<E> readLayoutAndEntries(
      DataInput in,
      String luceneFormat,
      String quiverFormat,
      int expectedLayout,
      EntryReader<E> entry)
      throws IOException {
    int layout = in.readInt();
    if (layout != expectedLayout) {
      throw new CorruptIndexException(
          luceneFormat
              + " layout version "
              + layout
              + ", "
              + quiverFormat
              + " is defined over version "
              + expectedLayout,
          in);
    }
    List<E> entries = new ArrayList<>();
    for (int number = in.readInt(); number != -1; number = in.readInt()) {
      entries.add(entry.read(number, in));
    }
    return entries;
  }

  /** A {@link CorruptIndexException} about {@code fieldName} in the file {@code resource}. */
  public static CorruptIndexException mismatch(String resource, String fieldName, String what) {
    return new CorruptIndexException("field [" + fieldName + "]: " + what, resource);
  }
}
