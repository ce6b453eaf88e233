package dev.quiver.codec.quantized;

import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.util.IOUtils;

/**
 * An HNSW graph over {@link Quiver10QuantizedFlatVectorsFormat}: Lucene's graph ({@link
 * Lucene99HnswVectorsWriter} / {@link Lucene99HnswVectorsReader}), built from exact float
 * similarities and searched on the 1, 2, 4 or 8-bit codes with an asymmetric, higher-precision
 * query (see {@link QuantizedVectorsScorer}). Scores of a search are estimates; the raw float
 * vectors stay on disk for an exact rescoring pass ({@link QuantizedRescoring}), read only for the
 * candidates.
 *
 * <h2>Files</h2>
 *
 * <ul>
 *   <li><b>.vec, .vemf, .qfm, .qqd, .qqm</b>: the vectors and their codes, see {@link
 *       Quiver10QuantizedFlatVectorsFormat}.
 *   <li><b>.vex, .vem</b>: the graph, in the layout of {@link Lucene99HnswVectorsFormat} (layout
 *       version 1; Lucene's codec names, headers and checksum footers), as in {@link
 *       Quiver10HnswVectorsFormat}. Segments below {@link #TINY_SEGMENT_THRESHOLD} get no graph and
 *       are searched exhaustively on the codes.
 * </ul>
 *
 * <h2>Versions</h2>
 *
 * <p>{@link #VERSION_CURRENT} = 0: the files above. The versioned, Quiver-owned part is the flat
 * format's (its own segment attribute); {@code m} and {@code beamWidth} only shape what is written,
 * so the no-argument SPI instance reads segments written with any values and any bit width. The
 * class name is the SPI name.
 */
public final class Quiver10QuantizedHnswVectorsFormat extends KnnVectorsFormat {

  /** SPI name, recorded per field in segments. */
  public static final String NAME = "Quiver10QuantizedHnswVectorsFormat";

  /** Version written now. */
  public static final int VERSION_CURRENT = 0;

  /** Segments with fewer vectors than this get no graph and are searched exhaustively. */
  public static final int TINY_SEGMENT_THRESHOLD = Lucene99HnswVectorsFormat.HNSW_GRAPH_THRESHOLD;

  private final int m;
  private final int beamWidth;
  private final int numMergeWorkers;
  private final Quiver10QuantizedFlatVectorsFormat flat;

  /**
   * The SPI instance: default m and beam width, {@value
   * Quiver10QuantizedFlatVectorsFormat#DEFAULT_BITS}-bit codes.
   */
  public Quiver10QuantizedHnswVectorsFormat() {
    this(
        Quiver10QuantizedFlatVectorsFormat.DEFAULT_BITS,
        Quiver10HnswVectorsFormat.DEFAULT_M,
        Quiver10HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
  }

  /**
   * @param bits bits per dimension of the codes: 1, 2, 4 or 8
   * @param m neighbours per node, 1..{@link Quiver10HnswVectorsFormat#MAX_M}
   * @param beamWidth candidate list size while building, 1..{@link
   *     Quiver10HnswVectorsFormat#MAX_BEAM_WIDTH}
   */
  public Quiver10QuantizedHnswVectorsFormat(int bits, int m, int beamWidth) {
    this(bits, m, beamWidth, Quiver10HnswVectorsFormat.DEFAULT_NUM_MERGE_WORKERS);
  }

  /**
   * @param bits bits per dimension of the codes: 1, 2, 4 or 8
   * @param m neighbours per node, 1..{@link Quiver10HnswVectorsFormat#MAX_M}
   * @param beamWidth candidate list size while building, 1..{@link
   *     Quiver10HnswVectorsFormat#MAX_BEAM_WIDTH}
   * @param numMergeWorkers graph-building workers a merge asks of the merge scheduler, 1..{@link
   *     Quiver10HnswVectorsFormat#MAX_NUM_MERGE_WORKERS}
   */
  public Quiver10QuantizedHnswVectorsFormat(int bits, int m, int beamWidth, int numMergeWorkers) {
    this(bits, m, beamWidth, numMergeWorkers, Quiver10QuantizedFlatVectorsFormat.maxClusters(bits));
  }

  /**
   * As {@link #Quiver10QuantizedHnswVectorsFormat(int, int, int, int)}, with at most {@code
   * maxClusters} cluster centroids per field and segment (see {@link
   * Quiver10QuantizedFlatVectorsFormat#Quiver10QuantizedFlatVectorsFormat(int, int)}).
   */
  public Quiver10QuantizedHnswVectorsFormat(
      int bits, int m, int beamWidth, int numMergeWorkers, int maxClusters) {
    super(NAME);
    // The Quiver10 HNSW format owns the bounds and their messages.
    new Quiver10HnswVectorsFormat(m, beamWidth, numMergeWorkers);
    this.flat = new Quiver10QuantizedFlatVectorsFormat(bits, maxClusters);
    this.m = m;
    this.beamWidth = beamWidth;
    this.numMergeWorkers = numMergeWorkers;
  }

  public int bits() {
    return flat.bits();
  }

  public int m() {
    return m;
  }

  public int beamWidth() {
    return beamWidth;
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    FlatVectorsWriter vectors = flat.fieldsWriter(state);
    try {
      return new Lucene99HnswVectorsWriter(
          state,
          m,
          beamWidth,
          flat,
          vectors,
          numMergeWorkers,
          null, // the merge scheduler's intra-merge executor
          TINY_SEGMENT_THRESHOLD);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, vectors);
      throw t;
    }
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    FlatVectorsReader vectors = flat.fieldsReader(state);
    try {
      return new Lucene99HnswVectorsReader(state, vectors);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, vectors);
      throw t;
    }
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return Quiver10QuantizedFlatVectorsFormat.MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME
        + "(version="
        + VERSION_CURRENT
        + ", bits="
        + flat.bits()
        + ", m="
        + m
        + ", beamWidth="
        + beamWidth
        + ", numMergeWorkers="
        + numMergeWorkers
        + ", flat="
        + flat
        + ")";
  }
}
