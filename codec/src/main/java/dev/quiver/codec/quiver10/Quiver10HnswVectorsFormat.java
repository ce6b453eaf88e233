package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.util.IOUtils;

/**
 * An HNSW graph (Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search
 * using Hierarchical Navigable Small World graphs", 2016) over Quiver's flat vector storage.
 *
 * <p>The graph is Lucene's: built and searched by {@link Lucene99HnswVectorsWriter} and {@link
 * Lucene99HnswVectorsReader}, which score through the flat format's scorer. Quiver contributes the
 * storage and the scoring underneath, records the parameters it wrote with, and lifts the dimension
 * limit to {@link Quiver10FlatVectorsFormat#MAX_DIMENSIONS}.
 *
 * <h2>Files</h2>
 *
 * <ul>
 *   <li><b>.vec, .vemf</b> and (version 1 on) <b>.qfm</b>: the vectors, see {@link
 *       Quiver10FlatVectorsFormat} (opened for random access).
 *   <li><b>.vex</b>: the graph, per field and level the neighbour lists of each node, in the layout
 *       documented by {@link Lucene99HnswVectorsFormat}, layout version 1 (group-varint encoded
 *       neighbours; Lucene's codec names {@code Lucene99HnswVectorsFormatIndex} / {@code
 *       Lucene99HnswVectorsFormatMeta}, headers and checksum footers).
 *   <li><b>.vem</b>: the graph's metadata per field (field number, encoding, similarity, offsets
 *       into .vex, dimensions, count, M, levels and per-level node ids and offsets), likewise.
 *       Segments with fewer vectors than Lucene's threshold ({@link #TINY_SEGMENT_THRESHOLD}
 *       expected visits) have an entry but no graph, and are searched exhaustively.
 *   <li><b>.qhm</b> (Quiver HNSW meta, version 1 on):
 *       <ul>
 *         <li>{@link CodecUtil#writeIndexHeader index header}: codec name {@code
 *             Quiver10HnswVectorsFormatMeta}, the format version, segment id, segment suffix
 *         <li><b>[int32]</b> the Lucene99HnswVectorsFormat layout version the .vex/.vem files were
 *             written in; always 1 for Quiver10
 *         <li>per field written: <b>[int32]</b> field number, <b>[vint]</b> m (neighbours per node;
 *             level 0 keeps up to 2m), <b>[vint]</b> beam width used while building, <b>[vint]</b>
 *             number of vectors
 *         <li><b>[int32]</b> -1, the end of fields
 *         <li>{@link CodecUtil#writeFooter footer} (checksum)
 *       </ul>
 * </ul>
 *
 * <p>On open the reader reads .qhm whole (header, then footer checksum) and checks every field
 * against Lucene's reader: the number of vectors, and, where a graph was built, the graph's size
 * and M. Any disagreement is a {@link org.apache.lucene.index.CorruptIndexException}. Parameters
 * are not needed to read: {@code m} and {@code beamWidth} only shape what is written, so the
 * no-argument instance that SPI creates reads segments written with any values.
 *
 * <h2>Versions</h2>
 *
 * <ul>
 *   <li>{@link #VERSION_START} = 0: Lucene's files only (indices written before Quiver recorded
 *       versions).
 *   <li>{@link #VERSION_META} = 1 = {@link #VERSION_CURRENT}: adds .qhm (and the flat format's
 *       .qfm).
 * </ul>
 *
 * <p>Which version wrote a segment is the segment-info attribute {@code
 * Quiver10HnswVectorsFormat.version[.<segment suffix>]}; absent means version 0 (see {@link
 * Quiver10FlatVectorsFormat}). A checked-in index per version is read by every build.
 *
 * <h2>When Lucene moves on</h2>
 *
 * <p>The .vex/.vem layout belongs to Lucene. When Lucene changes it, it bumps {@code
 * Lucene99HnswVectorsFormat.VERSION_CURRENT}; a Quiver test pins that value, so such an upgrade
 * fails the build until a new Quiver format version or package is made for it (the writer here
 * always writes Lucene's current layout). When Lucene retires the format to {@code
 * lucene-backward-codecs} (its reader moves to {@code org.apache.lucene.backward_codecs.lucene99},
 * same layout, its writer becomes test-only), this format reads through the moved reader and new
 * segments are written by the next Quiver format ({@code quiver11}).
 *
 * <h2>Merges</h2>
 *
 * <p>A merge builds the merged graph with up to {@code numMergeWorkers} workers on the merge
 * scheduler's {@linkplain org.apache.lucene.index.MergeScheduler#getIntraMergeExecutor intra-merge
 * executor}: Lucene's {@code ConcurrentMergeScheduler} lends threads only to merges of at least 50
 * MB and only while it has threads to spare, otherwise the workers run one after another on the
 * merging thread. The merged graph starts from the largest source graph (with few enough deletions)
 * and adds the other segments' vectors to it, as Lucene intends; under a per-field codec Lucene
 * 10.5 itself would rebuild it from scratch (see {@code FieldVectorsMergeState}). The class name is
 * the SPI name.
 */
public final class Quiver10HnswVectorsFormat extends KnnVectorsFormat {

  /** SPI name, recorded per field in segments. */
  public static final String NAME = "Quiver10HnswVectorsFormat";

  /** First version of this format: Lucene99 files only. */
  public static final int VERSION_START = 0;

  /** Adds the .qhm file. */
  public static final int VERSION_META = 1;

  /** Version written now. */
  public static final int VERSION_CURRENT = VERSION_META;

  /** Default number of neighbours per node (graph degree), as Lucene's. */
  public static final int DEFAULT_M = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;

  /** Default candidate list size while building, as Lucene's. */
  public static final int DEFAULT_BEAM_WIDTH = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;

  /**
   * Default number of graph-building workers a merge asks of the merge scheduler; the scheduler
   * decides how many threads it actually lends.
   */
  public static final int DEFAULT_NUM_MERGE_WORKERS = 4;

  /** Largest accepted number of merge workers. */
  public static final int MAX_NUM_MERGE_WORKERS = 64;

  /** Largest accepted M. */
  public static final int MAX_M = Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN;

  /** Largest accepted beam width. */
  public static final int MAX_BEAM_WIDTH = Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH;

  /** Segments with fewer vectors than this get no graph and are searched exhaustively. */
  public static final int TINY_SEGMENT_THRESHOLD = Lucene99HnswVectorsFormat.HNSW_GRAPH_THRESHOLD;

  private final int m;
  private final int beamWidth;
  private final int numMergeWorkers;
  private final Quiver10FlatVectorsFormat flat;

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
    this(m, beamWidth, DEFAULT_NUM_MERGE_WORKERS);
  }

  /**
   * @param m neighbours per node, 1..{@link #MAX_M}
   * @param beamWidth candidate list size while building ({@code ef_construction}), 1..{@link
   *     #MAX_BEAM_WIDTH}
   * @param numMergeWorkers graph-building workers a merge asks of the merge scheduler's intra-merge
   *     executor, 1..{@link #MAX_NUM_MERGE_WORKERS}; 1 builds on the merging thread
   */
  public Quiver10HnswVectorsFormat(int m, int beamWidth, int numMergeWorkers) {
    super(NAME);
    if (m <= 0 || m > MAX_M) {
      throw new IllegalArgumentException("m must be positive and <= " + MAX_M + "; m=" + m);
    }
    if (beamWidth <= 0 || beamWidth > MAX_BEAM_WIDTH) {
      throw new IllegalArgumentException(
          "beamWidth must be positive and <= " + MAX_BEAM_WIDTH + "; beamWidth=" + beamWidth);
    }
    if (numMergeWorkers <= 0 || numMergeWorkers > MAX_NUM_MERGE_WORKERS) {
      throw new IllegalArgumentException(
          "numMergeWorkers must be positive and <= "
              + MAX_NUM_MERGE_WORKERS
              + "; numMergeWorkers="
              + numMergeWorkers);
    }
    this.m = m;
    this.beamWidth = beamWidth;
    this.numMergeWorkers = numMergeWorkers;
    this.flat = Quiver10FlatVectorsFormat.forGraph();
  }

  /** Neighbours per node this instance writes. */
  public int m() {
    return m;
  }

  /** Build-time beam width this instance writes with. */
  public int beamWidth() {
    return beamWidth;
  }

  /** Graph-building workers a merge asks for. */
  public int numMergeWorkers() {
    return numMergeWorkers;
  }

  @Override
  public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
    Quiver10FlatVectorsWriter vectors = flat.fieldsWriter(state);
    Lucene99HnswVectorsWriter graph;
    try {
      graph =
          new Lucene99HnswVectorsWriter(
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
    return new Quiver10HnswVectorsWriter(state, graph, vectors, m, beamWidth);
  }

  @Override
  public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
    int version =
        SegmentVersionAttribute.read(
            state.segmentInfo, NAME, state.segmentSuffix, VERSION_START, VERSION_CURRENT);
    List<Quiver10HnswVectorsMeta.Entry> written =
        version >= VERSION_META ? Quiver10HnswVectorsMeta.read(state, version) : List.of();
    FlatVectorsReader vectors = flat.fieldsReader(state);
    Lucene99HnswVectorsReader graph;
    try {
      graph = new Lucene99HnswVectorsReader(state, vectors);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, vectors);
      throw t;
    }
    try {
      Quiver10HnswVectorsMeta.verify(state, written, graph);
    } catch (Throwable t) {
      IOUtils.closeWhileSuppressingExceptions(t, graph);
      throw t;
    }
    return new Quiver10HnswVectorsReader(graph, version);
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
        + ", numMergeWorkers="
        + numMergeWorkers
        + ", flat="
        + flat
        + ")";
  }
}
