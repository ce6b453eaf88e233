package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

/**
 * The {@code .qfm} file of {@link Quiver10FlatVectorsFormat} (layout in its javadoc): what the
 * format wrote per field, checked on open against the field infos and the Lucene reader.
 */
final class Quiver10FlatVectorsMeta {

  static final String EXTENSION = "qfm";
  static final String CODEC_NAME = "Quiver10FlatVectorsFormatMeta";

  /** The Lucene99FlatVectorsFormat layout version the Quiver10 flat format is defined over. */
  static final int LUCENE_LAYOUT_VERSION = 0;

  /** One field as written. */
  record Entry(
      int fieldNumber,
      VectorEncoding encoding,
      VectorSimilarityFunction similarity,
      int dimension,
      int count) {

    static Entry of(FieldInfo field, int count) {
      return new Entry(
          field.number,
          field.getVectorEncoding(),
          field.getVectorSimilarityFunction(),
          field.getVectorDimension(),
          count);
    }

    void write(DataOutput out) throws IOException {
      out.writeInt(fieldNumber);
      out.writeByte(VectorFieldCodes.code(encoding));
      out.writeByte(VectorFieldCodes.code(similarity));
      out.writeVInt(dimension);
      out.writeVInt(count);
    }

    static Entry read(int fieldNumber, DataInput in) throws IOException {
      VectorEncoding encoding = VectorFieldCodes.encoding(in.readByte(), in);
      VectorSimilarityFunction similarity = VectorFieldCodes.similarity(in.readByte(), in);
      return new Entry(fieldNumber, encoding, similarity, in.readVInt(), in.readVInt());
    }
  }

  private Quiver10FlatVectorsMeta() {}

  static void writeLayout(DataOutput out) throws IOException {
    out.writeInt(Lucene99FlatVectorsFormat.VERSION_CURRENT);
  }

  /** Reads the whole {@code .qfm} file of a segment written with {@code version} (>= 1). */
  static List<Entry> read(SegmentReadState state, int version) throws IOException {
    return QuiverMetaFile.read(
        state,
        EXTENSION,
        CODEC_NAME,
        Quiver10FlatVectorsFormat.VERSION_META,
        Quiver10FlatVectorsFormat.VERSION_CURRENT,
        version,
        in ->
            QuiverMetaFile.readLayoutAndEntries(
                in,
                "Lucene99FlatVectorsFormat",
                "Quiver10FlatVectorsFormat",
                LUCENE_LAYOUT_VERSION,
                Entry::read));
  }

  /**
   * Checks every entry against the segment's field infos and what {@code raw} reports.
   *
   * @throws CorruptIndexException on the first disagreement
   */
  static void verify(SegmentReadState state, List<Entry> entries, FlatVectorsReader raw)
      throws IOException {
    String resource =
        QuiverMetaFile.fileName(state.segmentInfo.name, state.segmentSuffix, EXTENSION);
    FieldInfos infos = state.fieldInfos;
    for (Entry e : entries) {
      FieldInfo info = infos.fieldInfo(e.fieldNumber());
      if (info == null || info.hasVectorValues() == false) {
        throw new CorruptIndexException(
            "field number " + e.fieldNumber() + " has no vectors in this segment", resource);
      }
      String name = info.name;
      if (info.getVectorEncoding() != e.encoding()) {
        throw QuiverMetaFile.mismatch(
            resource,
            name,
            "encoding " + e.encoding() + " but field info " + info.getVectorEncoding());
      }
      if (info.getVectorSimilarityFunction() != e.similarity()) {
        throw QuiverMetaFile.mismatch(
            resource,
            name,
            "similarity "
                + e.similarity()
                + " but field info "
                + info.getVectorSimilarityFunction());
      }
      if (info.getVectorDimension() != e.dimension()) {
        throw QuiverMetaFile.mismatch(
            resource,
            name,
            "dimension " + e.dimension() + " but field info " + info.getVectorDimension());
      }
      KnnVectorValues values;
      try {
        values =
            e.encoding() == VectorEncoding.BYTE
                ? raw.getByteVectorValues(name)
                : raw.getFloatVectorValues(name);
      } catch (IllegalArgumentException | IllegalStateException notThere) {
        throw new CorruptIndexException(
            "field [" + name + "] is in the Quiver meta file but not in the vector data",
            resource,
            notThere);
      }
      int count = values == null ? 0 : values.size();
      if (count != e.count()) {
        throw QuiverMetaFile.mismatch(
            resource, name, e.count() + " vectors written but the vector data holds " + count);
      }
      if (values != null && count > 0 && values.dimension() != e.dimension()) {
        throw QuiverMetaFile.mismatch(
            resource,
            name,
            "dimension " + e.dimension() + " but the vector data holds " + values.dimension());
      }
    }
  }
}
