package dev.quiver.codec.quiver10;

import dev.quiver.codec.scorer.QuiverFlatVectorsScorer;
import java.io.IOException;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Full-precision (float32 or byte) vectors, stored flat and searched exhaustively.
 *
 * <p>Used on its own it is the {@code flat} index type: every query scores every live, accepted
 * vector, so results are exact. Used under {@link Quiver10HnswVectorsFormat} it is the storage the
 * graph is built and searched from.
 *
 * <h2>Files</h2>
 *
 * <p>Version 0 keeps raw vectors in the layout of Lucene's {@link Lucene99FlatVectorsFormat} (its
 * own headers, versions and footers; see its javadoc for every item):
 *
 * <ul>
 *   <li><b>.vec</b>: per field, the vectors in ordinal order ([float32 x dims] or [byte x dims]),
 *       each field aligned.
 *   <li><b>.vemf</b>: per field, [int32] field number, [int32] encoding, [int32] similarity,
 *       [vlong] offset and [vlong] length in .vec, [vint] dims, [int32] count, then the
 *       ordinal-to-doc mapping (dense, or sparse as an IndexedDISI plus a DirectMonotonic table).
 * </ul>
 *
 * <p>Quiver's quantized flat formats keep this file set for exact rescoring and add their own.
 *
 * <p>Format versions: {@link #VERSION_START} = {@link #VERSION_CURRENT} = 0 (float32/byte raw
 * vectors, exhaustive search). The class name is the SPI name.
 */
public final class Quiver10FlatVectorsFormat extends FlatVectorsFormat {

  /** SPI name, recorded per field in segments. */
  public static final String NAME = "Quiver10FlatVectorsFormat";

  /** First version of this format. */
  public static final int VERSION_START = 0;

  /** Version written now. */
  public static final int VERSION_CURRENT = VERSION_START;

  /**
   * Largest number of dimensions Quiver's formats accept. Multi-vector fixed dimensional encodings
   * need more than Lucene's default of 1024.
   */
  public static final int MAX_DIMENSIONS = 16_384;

  private final FlatVectorsFormat raw =
      new Lucene99FlatVectorsFormat(QuiverFlatVectorsScorer.INSTANCE);

  /** Creates the format; it has no parameters. */
  public Quiver10FlatVectorsFormat() {
    super(NAME);
  }

  @Override
  public FlatVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return raw.fieldsWriter(state);
  }

  @Override
  public FlatVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return new ExhaustiveSearchVectorsReader(raw.fieldsReader(state));
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME + "(version=" + VERSION_CURRENT + ", raw=" + raw + ")";
  }
}
