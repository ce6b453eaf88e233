package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.CodeBits;
import dev.quiver.codec.quant.CodeSpace;
import dev.quiver.codec.quant.HadamardRotation;
import dev.quiver.codec.quiver10.QuiverMetaFile;
import dev.quiver.codec.quiver10.VectorFieldCodes;
import java.io.IOException;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;

/**
 * One field of the {@code .qqm} file of {@link Quiver10QuantizedFlatVectorsFormat} (layout in its
 * javadoc): the code space the field's codes were written in, and where they are in {@code .qqd}.
 */
record QuantizedFieldEntry(
    int fieldNumber,
    VectorSimilarityFunction similarity,
    int dimension,
    int count,
    CodeBits bits,
    int queryBits,
    int rotationRounds,
    long rotationSeed,
    float[] centroid,
    float[][] clusters,
    long dataOffset,
    long dataLength) {

  /**
   * Bytes of one vector's record in {@code .qqd} of a segment of format {@code version}: the code,
   * then the corrective terms.
   */
  static int recordBytes(CodeSpace space, int version) {
    return space.docBytes() + QuantizedRecord.correctionBytes(version, space.clusterCount());
  }

  /** The code space of this field (builds the rotation). */
  CodeSpace space() {
    HadamardRotation rotation =
        HadamardRotation.overlapping(dimension, rotationRounds, rotationSeed);
    CodeSpace space = new CodeSpace(centroid, rotation, similarity, bits, queryBits);
    return clusters == null ? space : space.withClusters(clusters);
  }

  /**
   * Writes this entry in the layout of {@link Quiver10QuantizedFlatVectorsFormat#VERSION_CURRENT}.
   */
  void write(DataOutput out) throws IOException {
    out.writeInt(fieldNumber);
    out.writeByte(VectorFieldCodes.code(similarity));
    out.writeVInt(dimension);
    out.writeVInt(count);
    out.writeByte((byte) bits.wireNumber());
    out.writeByte((byte) queryBits);
    out.writeByte((byte) rotationRounds);
    out.writeLong(rotationSeed);
    for (float c : centroid) {
      out.writeInt(Float.floatToIntBits(c));
    }
    float[][] written = clusters == null ? new float[][] {centroid} : clusters;
    out.writeVInt(written.length);
    for (float[] cluster : written) {
      for (float c : cluster) {
        out.writeInt(Float.floatToIntBits(c));
      }
    }
    out.writeVLong(dataOffset);
    out.writeVLong(dataLength);
  }

  static QuantizedFieldEntry read(int fieldNumber, DataInput in, int version) throws IOException {
    VectorSimilarityFunction similarity = VectorFieldCodes.similarity(in.readByte(), in);
    int dimension = in.readVInt();
    if (dimension < 1 || dimension > Quiver10QuantizedFlatVectorsFormat.MAX_DIMENSIONS) {
      throw new CorruptIndexException("invalid dimension " + dimension, in);
    }
    int count = in.readVInt();
    CodeBits bits;
    try {
      bits = CodeBits.fromWireNumber(in.readByte());
    } catch (IllegalArgumentException e) {
      throw new CorruptIndexException(e.getMessage(), in, e);
    }
    int queryBits = in.readByte();
    if (bits.supportsQueryBits(queryBits) == false) {
      throw new CorruptIndexException("query bits " + queryBits + " for " + bits, in);
    }
    int rounds = in.readByte();
    if (rounds < 0) {
      throw new CorruptIndexException("rotation rounds " + rounds, in);
    }
    long seed = in.readLong();
    float[] centroid = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      centroid[i] = Float.intBitsToFloat(in.readInt());
    }
    float[][] clusters = null;
    if (version >= Quiver10QuantizedFlatVectorsFormat.VERSION_CLUSTERS) {
      int k = in.readVInt();
      if (k < 1 || k > CodeSpace.MAX_CLUSTERS) {
        throw new CorruptIndexException("cluster count " + k, in);
      }
      clusters = new float[k][dimension];
      for (float[] cluster : clusters) {
        for (int i = 0; i < dimension; i++) {
          cluster[i] = Float.intBitsToFloat(in.readInt());
        }
      }
    }
    long offset = in.readVLong();
    long length = in.readVLong();
    return new QuantizedFieldEntry(
        fieldNumber,
        similarity,
        dimension,
        count,
        bits,
        queryBits,
        rounds,
        seed,
        centroid,
        clusters,
        offset,
        length);
  }

  /**
   * Checks this entry against the field info, the raw vectors and the length of {@code .qqd}.
   *
   * @throws CorruptIndexException on the first disagreement
   */
  void verify(
      String resource, FieldInfo info, FloatVectorValues raw, long dataFileLength, int version)
      throws CorruptIndexException {
    if (info == null || info.hasVectorValues() == false) {
      throw new CorruptIndexException(
          "field number " + fieldNumber + " has no vectors in this segment", resource);
    }
    String name = info.name;
    if (info.getVectorEncoding() != VectorEncoding.FLOAT32) {
      throw QuiverMetaFile.mismatch(
          resource, name, "quantized codes but field info encoding " + info.getVectorEncoding());
    }
    if (info.getVectorSimilarityFunction() != similarity) {
      throw QuiverMetaFile.mismatch(
          resource,
          name,
          "similarity " + similarity + " but field info " + info.getVectorSimilarityFunction());
    }
    if (info.getVectorDimension() != dimension) {
      throw QuiverMetaFile.mismatch(
          resource,
          name,
          "dimension " + dimension + " but field info " + info.getVectorDimension());
    }
    int rawCount = raw == null ? 0 : raw.size();
    if (rawCount != count) {
      throw QuiverMetaFile.mismatch(
          resource, name, count + " codes written but the raw vectors hold " + rawCount);
    }
    long expected = (long) count * recordBytes(space(), version);
    if (dataLength != expected) {
      throw QuiverMetaFile.mismatch(
          resource, name, "codes take " + dataLength + " bytes, " + count + " need " + expected);
    }
    if (dataOffset < 0 || dataOffset + dataLength > dataFileLength) {
      throw QuiverMetaFile.mismatch(
          resource,
          name,
          "codes at ["
              + dataOffset
              + ", "
              + (dataOffset + dataLength)
              + ") outside the data file of "
              + dataFileLength
              + " bytes");
    }
  }
}
