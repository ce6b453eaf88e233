package dev.quiver.codec.quiver10;

import dev.quiver.codec.scorer.QuiverFlatVectorsScorer;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsReader;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.store.DataAccessHint;
import org.apache.lucene.util.IOUtils;

/**
 * Full-precision (float32 or byte) vectors, stored flat and searched exhaustively.
 *
 * <p>Used on its own it is the {@code flat} index type: every query scores every live, accepted
 * vector (or, for a selective filter, every accepted document), so results are exact; its vector
 * data is opened with a {@linkplain DataAccessHint#SEQUENTIAL sequential} access hint. Used under
 * {@link Quiver10HnswVectorsFormat} it is the storage the graph is built and searched from, opened
 * for random access.
 *
 * <h2>Files</h2>
 *
 * <p>The vectors are stored in the layout of Lucene's {@link Lucene99FlatVectorsFormat}, layout
 * version 0 (Lucene's own codec names {@code Lucene99FlatVectorsFormatMeta} / {@code
 * Lucene99FlatVectorsFormatData}, index headers and checksum footers; see its javadoc):
 *
 * <ul>
 *   <li><b>.vec</b>: per field, the vectors in ordinal order ([float32 x dims] or [byte x dims]),
 *       each field aligned.
 *   <li><b>.vemf</b>: per field, [int32] field number, [int32] encoding, [int32] similarity,
 *       [vlong] offset and [vlong] length in .vec, [vint] dims, [int32] count, then the
 *       ordinal-to-doc mapping (dense, or sparse as an IndexedDISI plus a DirectMonotonic table).
 * </ul>
 *
 * <p>From version 1, Quiver's own file:
 *
 * <ul>
 *   <li><b>.qfm</b> (Quiver flat meta):
 *       <ul>
 *         <li>{@link CodecUtil#writeIndexHeader index header}: codec name {@code
 *             Quiver10FlatVectorsFormatMeta}, the format version, segment id, segment suffix
 *         <li><b>[int32]</b> the Lucene99FlatVectorsFormat layout version the .vec/.vemf files were
 *             written in; always 0 for Quiver10
 *         <li>per field written: <b>[int32]</b> field number, <b>[byte]</b> encoding (0 float32, 1
 *             byte), <b>[byte]</b> similarity (0 euclidean, 1 dot product, 2 cosine, 3 maximum
 *             inner product), <b>[vint]</b> dimensions, <b>[vint]</b> number of vectors
 *         <li><b>[int32]</b> -1, the end of fields
 *         <li>{@link CodecUtil#writeFooter footer} (checksum)
 *       </ul>
 * </ul>
 *
 * <p>On open the reader reads .qfm whole (header, then footer checksum), and checks every field
 * against the segment's field infos (encoding, similarity, dimensions) and against what Lucene's
 * reader reports for the .vec/.vemf files (number of vectors, dimensions); any disagreement is a
 * {@link org.apache.lucene.index.CorruptIndexException}.
 *
 * <h2>Versions</h2>
 *
 * <ul>
 *   <li>{@link #VERSION_START} = 0: .vec and .vemf only (indices written before Quiver recorded
 *       versions).
 *   <li>{@link #VERSION_META} = 1 = {@link #VERSION_CURRENT}: adds .qfm.
 * </ul>
 *
 * <p>Which version wrote a segment is the segment-info attribute {@code
 * Quiver10FlatVectorsFormat.version[.<segment suffix>]} (see {@code SegmentVersionAttribute}); an
 * absent attribute means version 0, so the reader never guesses from which files exist. A checked
 * -in index per version ({@code codec/src/test/resources/compat}) is read by every build.
 *
 * <h2>When Lucene moves on</h2>
 *
 * <p>The .vec/.vemf layout belongs to Lucene. When Lucene changes it, it bumps {@code
 * Lucene99FlatVectorsFormat.VERSION_CURRENT} (a Quiver test pins the value, so the upgrade fails
 * until a new Quiver format version or package is made for the new layout); when it retires the
 * format to {@code lucene-backward-codecs}, this format keeps reading through the moved reader
 * (same layout, the class moves to {@code org.apache.lucene.backward_codecs.lucene99}) and new
 * segments are written by the next Quiver format ({@code quiver11}), which is the only way the
 * written layout changes. The class name is the SPI name.
 */
public final class Quiver10FlatVectorsFormat extends FlatVectorsFormat {

  /** SPI name, recorded per field in segments. */
  public static final String NAME = "Quiver10FlatVectorsFormat";

  /** First version of this format: Lucene99 flat files only. */
  public static final int VERSION_START = 0;

  /** Adds the .qfm file. */
  public static final int VERSION_META = 1;

  /** Version written now. */
  public static final int VERSION_CURRENT = VERSION_META;

  /**
   * Largest number of dimensions Quiver's formats accept. Multi-vector fixed dimensional encodings
   * need more than Lucene's default of 1024.
   */
  public static final int MAX_DIMENSIONS = 16_384;

  private final FlatVectorsFormat raw =
      new Lucene99FlatVectorsFormat(QuiverFlatVectorsScorer.INSTANCE);

  private final DataAccessHint accessHint;

  /** Creates the format for exhaustive search (the SPI instance); it has no parameters. */
  public Quiver10FlatVectorsFormat() {
    this(DataAccessHint.SEQUENTIAL);
  }

  private Quiver10FlatVectorsFormat(DataAccessHint accessHint) {
    super(NAME);
    this.accessHint = accessHint;
  }

  /** The same format as storage under a graph: vector data opened for random access. */
  public static Quiver10FlatVectorsFormat forGraph() {
    return new Quiver10FlatVectorsFormat(DataAccessHint.RANDOM);
  }

  @Override
  public Quiver10FlatVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new Quiver10FlatVectorsWriter(state, raw.fieldsWriter(state));
  }

  @Override
  public FlatVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    int version =
        SegmentVersionAttribute.read(
            state.segmentInfo, NAME, state.segmentSuffix, VERSION_START, VERSION_CURRENT);
    List<Quiver10FlatVectorsMeta.Entry> written =
        version >= VERSION_META ? Quiver10FlatVectorsMeta.read(state, version) : List.of();
    FlatVectorsReader vectors =
        new Lucene99FlatVectorsReader(state, QuiverFlatVectorsScorer.INSTANCE, accessHint);
    try {
      Quiver10FlatVectorsMeta.verify(state, written, vectors);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, vectors);
      throw t;
    }
    return new ExhaustiveSearchVectorsReader(vectors, version);
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME + "(version=" + VERSION_CURRENT + ", access=" + accessHint + ", raw=" + raw + ")";
  }
}
