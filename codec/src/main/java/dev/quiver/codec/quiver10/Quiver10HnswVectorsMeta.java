package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * The {@code .qhm} file of {@link Quiver10HnswVectorsFormat} (layout in its javadoc): the graph
 * parameters each field was written with, checked on open against Lucene's graph reader.
 */
final class Quiver10HnswVectorsMeta {

  static final String EXTENSION = "qhm";
  static final String CODEC_NAME = "Quiver10HnswVectorsFormatMeta";

  /** The Lucene99HnswVectorsFormat layout version (group-varint neighbours) Quiver10 stands on. */
  static final int LUCENE_LAYOUT_VERSION = 1;

  /** One field as written. */
  record Entry(int fieldNumber, int m, int beamWidth, int count) {

    void write(DataOutput out) throws IOException {
      out.writeInt(fieldNumber);
      out.writeVInt(m);
      out.writeVInt(beamWidth);
      out.writeVInt(count);
    }

    static Entry read(int fieldNumber, DataInput in) throws IOException {
      return new Entry(fieldNumber, in.readVInt(), in.readVInt(), in.readVInt());
    }
  }

  private Quiver10HnswVectorsMeta() {}

  static void writeLayout(DataOutput out) throws IOException {
    out.writeInt(Lucene99HnswVectorsFormat.VERSION_CURRENT);
  }

  /** Reads the whole {@code .qhm} file of a segment written with {@code version} (>= 1). */
  static List<Entry> read(SegmentReadState state, int version) throws IOException {
    return QuiverMetaFile.read(
        state,
        EXTENSION,
        CODEC_NAME,
        Quiver10HnswVectorsFormat.VERSION_META,
        Quiver10HnswVectorsFormat.VERSION_CURRENT,
        version,
        in ->
            QuiverMetaFile.readLayoutAndEntries(
                in,
                "Lucene99HnswVectorsFormat",
                "Quiver10HnswVectorsFormat",
                LUCENE_LAYOUT_VERSION,
                Entry::read));
  }

  /**
   * Checks every entry against what {@code graphs} reports: the number of vectors, and for a field
   * with a graph its size and its M.
   *
   * @throws CorruptIndexException on the first disagreement
   */
  static void verify(SegmentReadState state, List<Entry> entries, Lucene99HnswVectorsReader graphs)
      throws IOException {
    String resource =
        QuiverMetaFile.fileName(state.segmentInfo.name, state.segmentSuffix, EXTENSION);
    for (Entry e : entries) {
      FieldInfo info = state.fieldInfos.fieldInfo(e.fieldNumber());
      if (info == null || info.hasVectorValues() == false) {
        throw new CorruptIndexException(
            "field number " + e.fieldNumber() + " has no vectors in this segment", resource);
      }
      String name = info.name;
      KnnVectorValues values;
      HnswGraph graph;
      try {
        values =
            info.getVectorEncoding() == VectorEncoding.BYTE
                ? graphs.getByteVectorValues(name)
                : graphs.getFloatVectorValues(name);
        graph = graphs.getGraph(name);
      } catch (IllegalArgumentException | IllegalStateException notThere) {
        throw new CorruptIndexException(
            "field [" + name + "] is in the Quiver meta file but not in the graph data",
            resource,
            notThere);
      }
      int count = values == null ? 0 : values.size();
      if (count != e.count()) {
        throw QuiverMetaFile.mismatch(
            resource, name, e.count() + " vectors written but the vector data holds " + count);
      }
      if (graph.size() > 0) {
        if (graph.size() != e.count()) {
          throw QuiverMetaFile.mismatch(
              resource, name, e.count() + " vectors written but the graph has " + graph.size());
        }
        if (graph.maxConn() != e.m()) {
          throw QuiverMetaFile.mismatch(
              resource, name, "m=" + e.m() + " written but the graph has M=" + graph.maxConn());
        }
      }
    }
  }
}
