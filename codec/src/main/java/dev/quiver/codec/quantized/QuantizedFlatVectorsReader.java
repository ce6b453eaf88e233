package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.CodeSpace;
import dev.quiver.codec.quiver10.QuiverMetaFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * Reads {@link Quiver10QuantizedFlatVectorsFormat}. Two views of a field:
 *
 * <ul>
 *   <li>{@link #getFloatVectorValues}: the raw float32 vectors, exact, as {@link
 *       QuantizedFloatVectorValues} where the field has codes (which adds {@link
 *       QuantizedFloatVectorValues#estimator}, estimates with error bounds). This is what {@code
 *       LeafReader.getFloatVectorValues} returns, so an exact rescoring pass (e.g. {@link
 *       QuantizedRescoring}, or Lucene's {@code FullPrecisionFloatVectorSimilarityValuesSource})
 *       reads the raw vectors, and merges re-quantize from them.
 *   <li>{@link #getRandomVectorScorer(String, float[])}: estimates from the codes (the search path
 *       of the graph and of exhaustive search), see {@link QuantizedVectorsScorer}.
 * </ul>
 *
 * <p>Keeps per field the code space (centroid and rotation, built once on open); codes are read
 * off-heap from {@code .qqd}.
 */
final class QuantizedFlatVectorsReader extends FlatVectorsReader {

  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(QuantizedFlatVectorsReader.class);

  private record Field(QuantizedFieldEntry entry, CodeSpace space) {}

  private final FlatVectorsReader raw;
  private final IndexInput data;
  private final Map<String, Field> fields = new HashMap<>();
  private final int version;

  QuantizedFlatVectorsReader(SegmentReadState state, FlatVectorsReader raw, int version)
      throws IOException {
    this.raw = raw;
    this.version = version;
    List<QuantizedFieldEntry> entries = readMeta(state, version);
    String dataName =
        QuiverMetaFile.fileName(
            state.segmentInfo.name,
            state.segmentSuffix,
            Quiver10QuantizedFlatVectorsFormat.DATA_EXTENSION);
    IndexInput in = state.directory.openInput(dataName, state.context);
    boolean success = false;
    try {
      int header =
          CodecUtil.checkIndexHeader(
              in,
              Quiver10QuantizedFlatVectorsFormat.DATA_CODEC_NAME,
              Quiver10QuantizedFlatVectorsFormat.VERSION_START,
              Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT,
              state.segmentInfo.getId(),
              state.segmentSuffix);
      if (header != version) {
        throw new org.apache.lucene.index.CorruptIndexException(
            "file version " + header + " but the segment info records " + version, in);
      }
      CodecUtil.retrieveChecksum(in);
      long dataFileLength = in.length() - CodecUtil.footerLength();
      for (QuantizedFieldEntry e : entries) {
        FieldInfo info = state.fieldInfos.fieldInfo(e.fieldNumber());
        FloatVectorValues values =
            info == null || info.hasVectorValues() == false
                ? null
                : raw.getFloatVectorValues(info.name);
        e.verify(dataName, info, values, dataFileLength, version);
        fields.put(info.name, new Field(e, e.space()));
      }
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(in);
      }
    }
    this.data = in;
  }

  private static List<QuantizedFieldEntry> readMeta(SegmentReadState state, int version)
      throws IOException {
    return QuiverMetaFile.read(
        state,
        Quiver10QuantizedFlatVectorsFormat.META_EXTENSION,
        Quiver10QuantizedFlatVectorsFormat.META_CODEC_NAME,
        Quiver10QuantizedFlatVectorsFormat.VERSION_START,
        Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT,
        version,
        in -> {
          List<QuantizedFieldEntry> entries = new ArrayList<>();
          for (int number = in.readInt(); number != -1; number = in.readInt()) {
            entries.add(QuantizedFieldEntry.read(number, in, version));
          }
          return entries;
        });
  }

  /** The format version of the segment this reader reads. */
  int version() {
    return version;
  }

  /** The code space of {@code field} in this segment, or {@code null} if it has no codes. */
  CodeSpace codeSpace(String field) {
    Field f = fields.get(field);
    return f == null ? null : f.space();
  }

  @Override
  public FlatVectorsScorer getFlatVectorScorer(String field) {
    return QuantizedVectorsScorer.INSTANCE;
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(String field, float[] target) throws IOException {
    Field f = fields.get(field);
    if (f == null || f.entry().count() == 0) {
      return raw.getRandomVectorScorer(field, target);
    }
    QuantizedFloatVectorValues values = quantizedValues(f, raw.getFloatVectorValues(field));
    return QuantizedVectorsScorer.INSTANCE.getRandomVectorScorer(
        f.entry().similarity(), values, target);
  }

  private QuantizedFloatVectorValues quantizedValues(Field f, FloatVectorValues rawValues)
      throws IOException {
    IndexInput codes =
        data.slice("quantized-codes", f.entry().dataOffset(), f.entry().dataLength());
    return new QuantizedFloatVectorValues(rawValues, f.space(), codes, version);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(String field, byte[] target) throws IOException {
    return raw.getRandomVectorScorer(field, target);
  }

  /**
   * For a merge: Lucene's flat reader hints its raw vectors sequential (they are read once, in
   * order) on the same instance until {@link #finishMerge}; the codes are not read by a merge.
   */
  @Override
  public FlatVectorsReader getMergeInstance() throws IOException {
    raw.getMergeInstance();
    return this;
  }

  @Override
  public void finishMerge() throws IOException {
    raw.finishMerge();
  }

  @Override
  public void checkIntegrity() throws IOException {
    raw.checkIntegrity();
    CodecUtil.checksumEntireFile(data);
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    Field f = fields.get(field);
    if (f != null && f.entry().count() > 0) {
      return quantizedValues(f, raw.getFloatVectorValues(field));
    }
    return raw.getFloatVectorValues(field);
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return raw.getByteVectorValues(field);
  }

  @Override
  public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
    Map<String, Long> sizes = new HashMap<>(raw.getOffHeapByteSize(fieldInfo));
    Field f = fields.get(fieldInfo.name);
    if (f != null) {
      sizes.put(Quiver10QuantizedFlatVectorsFormat.DATA_EXTENSION, f.entry().dataLength());
    }
    return sizes;
  }

  @Override
  public long ramBytesUsed() {
    long centroids = 0;
    for (Field f : fields.values()) {
      centroids += RamUsageEstimator.sizeOf(f.entry().centroid());
      if (f.entry().clusters() != null) {
        for (float[] cluster : f.entry().clusters()) {
          centroids += RamUsageEstimator.sizeOf(cluster);
        }
      }
    }
    return SHALLOW_SIZE + raw.ramBytesUsed() + centroids;
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(data, raw);
  }

  @Override
  public String toString() {
    return "QuantizedFlatVectorsReader(version=" + version + ", raw=" + raw + ")";
  }
}
