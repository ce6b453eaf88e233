package dev.quiver.codec.quiver10;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * An HNSW graph (Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search
 * using Hierarchical Navigable Small World graphs", 2016) over Quiver's flat vector storage.
 *
 * <p>The graph is Lucene's: built and searched by {@link Lucene99HnswVectorsWriter} and {@link
 * Lucene99HnswVectorsReader}, which score through the flat format's scorer. Quiver contributes the
 * storage and the scoring underneath, and lifts the dimension limit to {@link
 * Quiver10FlatVectorsFormat#MAX_DIMENSIONS}.
 *
 * <h2>Files</h2>
 *
 * <ul>
 *   <li><b>.vec, .vemf</b>: the vectors, see {@link Quiver10FlatVectorsFormat}.
 *   <li><b>.vex</b>: the graph, per field and level the neighbour lists of each node, in the layout
 *       documented by {@link Lucene99HnswVectorsFormat} (its headers, versions and footers).
 *   <li><b>.vem</b>: the graph's metadata per field (field number, encoding, similarity, offsets
 *       into .vex, dimensions, count, M, levels and per-level node ids and offsets), likewise.
 * </ul>
 *
 * <p>Parameters are not needed to read: {@code m} and {@code beamWidth} only shape what is written,
 * so the no-argument instance that SPI creates reads segments written with any values.
 *
 * <p>Format versions: {@link #VERSION_START} = {@link #VERSION_CURRENT} = 0. The class name is the
 * SPI name.
 */
public final class Quiver10HnswVectorsFormat extends KnnVectorsFormat {

  /** SPI name, recorded per field in segments. */
  public static final String NAME = "Quiver10HnswVectorsFormat";

  /** First version of this format. */
  public static final int VERSION_START = 0;

  /** Version written now. */
  public static final int VERSION_CURRENT = VERSION_START;

  /** Default number of neighbours per node (graph degree), as Lucene's. */
  public static final int DEFAULT_M = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;

  /** Default candidate list size while building, as Lucene's. */
  public static final int DEFAULT_BEAM_WIDTH = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;

  /** Largest accepted M. */
  public static final int MAX_M = Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN;

  /** Largest accepted beam width. */
  public static final int MAX_BEAM_WIDTH = Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH;

  /** Segments with fewer vectors than this get no graph and are searched exhaustively. */
  public static final int TINY_SEGMENT_THRESHOLD = Lucene99HnswVectorsFormat.HNSW_GRAPH_THRESHOLD;

  private final int m;
  private final int beamWidth;
  private final FlatVectorsFormat flat;

  /** The SPI instance, with default parameters. */
  public Quiver10HnswVectorsFormat() {
    this(DEFAULT_M, DEFAULT_BEAM_WIDTH);
  }

  /**
   * @param m neighbours per node, 1..{@link #MAX_M}
   * @param beamWidth candidate list size while building ({@code ef_construction}), 1..{@link
   *     #MAX_BEAM_WIDTH}
   */
  public Quiver10HnswVectorsFormat(int m, int beamWidth) {
    super(NAME);
    if (m <= 0 || m > MAX_M) {
      throw new IllegalArgumentException("m must be positive and <= " + MAX_M + "; m=" + m);
    }
    if (beamWidth <= 0 || beamWidth > MAX_BEAM_WIDTH) {
      throw new IllegalArgumentException(
          "beamWidth must be positive and <= " + MAX_BEAM_WIDTH + "; beamWidth=" + beamWidth);
    }
    this.m = m;
    this.beamWidth = beamWidth;
    this.flat = new Quiver10FlatVectorsFormat();
  }

  /** Neighbours per node this instance writes. */
  public int m() {
    return m;
  }

  /** Build-time beam width this instance writes with. */
  public int beamWidth() {
    return beamWidth;
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    return new Lucene99HnswVectorsWriter(
        state,
        m,
        beamWidth,
        flat,
        flat.fieldsWriter(state),
        Lucene99HnswVectorsFormat.DEFAULT_NUM_MERGE_WORKER,
        null,
        TINY_SEGMENT_THRESHOLD);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    return new Lucene99HnswVectorsReader(state, flat.fieldsReader(state));
  }

  @Override
  public int getMaxDimensions(String fieldName) {
    return Quiver10FlatVectorsFormat.MAX_DIMENSIONS;
  }

  @Override
  public String toString() {
    return NAME
        + "(version="
        + VERSION_CURRENT
        + ", m="
        + m
        + ", beamWidth="
        + beamWidth
        + ", flat="
        + flat
        + ")";
  }
}
