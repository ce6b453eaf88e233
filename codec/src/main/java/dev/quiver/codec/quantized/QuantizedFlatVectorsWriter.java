package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.CodeBits;
import dev.quiver.codec.quant.CodeSpace;
import dev.quiver.codec.quant.DocCorrections;
import dev.quiver.codec.quant.DocumentQuantizer;
import dev.quiver.codec.quiver10.QuiverMetaFile;
import dev.quiver.codec.quiver10.SegmentVersionAttribute;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatFieldVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;

/**
 * Writes {@link Quiver10QuantizedFlatVectorsFormat}: the raw vectors through the Quiver10 flat
 * writer, then per field the code space (centroid of the segment's raw vectors, and for 1- and
 * 2-bit codes the k-means cluster centroids of a sample of them, see {@link ClusterSample}) into
 * {@code .qqm} and every vector's code record into {@code .qqd}. A merge computes the centroids and
 * the codes again from the merged raw vectors (two passes over them), never from the source
 * segments' codes.
 */
final class QuantizedFlatVectorsWriter extends FlatVectorsWriter {

  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(QuantizedFlatVectorsWriter.class);

  private final FlatVectorsWriter raw;
  private final CodeBits bits;
  private final int maxClusters;
  private final IndexOutput meta;
  private final IndexOutput data;
  private final List<PendingField> pending = new ArrayList<>();
  private boolean finished;

  private record PendingField(FieldInfo info, FlatFieldVectorsWriter<float[]> writer) {}

  QuantizedFlatVectorsWriter(
      SegmentWriteState state, CodeBits bits, int maxClusters, FlatVectorsWriter raw)
      throws IOException {
    super(QuantizedVectorsScorer.INSTANCE);
    this.raw = raw;
    this.bits = bits;
    this.maxClusters = maxClusters;
    IndexOutput metaOut = null;
    IndexOutput dataOut = null;
    boolean success = false;
    try {
      metaOut =
          QuiverMetaFile.create(
              state,
              Quiver10QuantizedFlatVectorsFormat.META_EXTENSION,
              Quiver10QuantizedFlatVectorsFormat.META_CODEC_NAME,
              Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT);
      dataOut =
          QuiverMetaFile.create(
              state,
              Quiver10QuantizedFlatVectorsFormat.DATA_EXTENSION,
              Quiver10QuantizedFlatVectorsFormat.DATA_CODEC_NAME,
              Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT);
      SegmentVersionAttribute.write(
          state.segmentInfo,
          Quiver10QuantizedFlatVectorsFormat.NAME,
          state.segmentSuffix,
          Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT);
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(metaOut, dataOut, raw);
      }
    }
    this.meta = metaOut;
    this.data = dataOut;
  }

  static IllegalArgumentException byteVectorsRefused(FieldInfo field) {
    return new IllegalArgumentException(
        "field ["
            + field.name
            + "]: "
            + Quiver10QuantizedFlatVectorsFormat.NAME
            + " quantizes float32 vectors only; byte vectors need a full-precision format");
  }

  @Override
  @SuppressWarnings("unchecked")
  public FlatFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    if (fieldInfo.getVectorEncoding() != VectorEncoding.FLOAT32) {
      throw byteVectorsRefused(fieldInfo);
    }
    FlatFieldVectorsWriter<?> writer = raw.addField(fieldInfo);
    pending.add(new PendingField(fieldInfo, (FlatFieldVectorsWriter<float[]>) writer));
    return writer;
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    raw.flush(maxDoc, sortMap);
    for (PendingField field : pending) {
      List<float[]> vectors = field.writer().getVectors();
      int n = vectors.size();
      int[] newToOld = null;
      if (sortMap != null && n > 0) {
        newToOld = new int[n];
        KnnVectorsWriter.mapOldOrdToNewOrd(
            field.writer().getDocsWithFieldSet(), sortMap, null, newToOld, null);
      }
      CentroidSum sum =
          new CentroidSum(field.info().getVectorDimension(), similarity(field.info()));
      ClusterSample sample = sample(field.info());
      for (float[] v : vectors) {
        sum.add(v);
        sample.add(v);
      }
      CodeSpace space = space(field.info(), sum.centroid(), sample.centroids());
      long offset = data.getFilePointer();
      DocumentQuantizer quantizer = new DocumentQuantizer(space);
      byte[] code = new byte[space.docBytes()];
      for (int ord = 0; ord < n; ord++) {
        writeRecord(quantizer, vectors.get(newToOld == null ? ord : newToOld[ord]), code);
      }
      writeEntry(field.info(), n, space, offset);
    }
  }

  @Override
  public void mergeOneFlatVectorField(FieldInfo fieldInfo, MergeState mergeState)
      throws IOException {
    if (fieldInfo.getVectorEncoding() != VectorEncoding.FLOAT32) {
      throw byteVectorsRefused(fieldInfo);
    }
    raw.mergeOneFlatVectorField(fieldInfo, mergeState);
    CentroidSum sum = new CentroidSum(fieldInfo.getVectorDimension(), similarity(fieldInfo));
    ClusterSample sample = sample(fieldInfo);
    FloatVectorValues merged =
        KnnVectorsWriter.MergedVectorValues.mergeFloatVectorValues(fieldInfo, mergeState);
    KnnVectorValues.DocIndexIterator it = merged.iterator();
    while (it.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
      float[] v = merged.vectorValue(it.index());
      sum.add(v);
      sample.add(v);
    }
    CodeSpace space = space(fieldInfo, sum.centroid(), sample.centroids());
    long offset = data.getFilePointer();
    DocumentQuantizer quantizer = new DocumentQuantizer(space);
    byte[] code = new byte[space.docBytes()];
    merged = KnnVectorsWriter.MergedVectorValues.mergeFloatVectorValues(fieldInfo, mergeState);
    it = merged.iterator();
    int n = 0;
    while (it.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
      writeRecord(quantizer, merged.vectorValue(it.index()), code);
      n++;
    }
    writeEntry(fieldInfo, n, space, offset);
  }

  private static VectorSimilarityFunction similarity(FieldInfo field) {
    return field.getVectorSimilarityFunction();
  }

  private ClusterSample sample(FieldInfo field) {
    return new ClusterSample(
        maxClusters, field.getVectorDimension(), field.getVectorSimilarityFunction(), field.name);
  }

  private CodeSpace space(FieldInfo field, float[] centroid, float[][] clusters) {
    return new QuantizedFieldEntry(
            field.number,
            field.getVectorSimilarityFunction(),
            field.getVectorDimension(),
            0,
            bits,
            bits.defaultQueryBits(),
            Quiver10QuantizedFlatVectorsFormat.ROTATION_ROUNDS,
            rotationSeed(field),
            centroid,
            clusters,
            0,
            0)
        .space();
  }

  /** Seed of a field's rotation: fixed per field name, so every segment of a field agrees. */
  private static long rotationSeed(FieldInfo field) {
    return Quiver10QuantizedFlatVectorsFormat.ROTATION_SEED ^ field.name.hashCode();
  }

  private void writeRecord(DocumentQuantizer quantizer, float[] vector, byte[] code)
      throws IOException {
    DocCorrections corrections = quantizer.quantize(vector, code);
    QuantizedRecord.write(
        data,
        code,
        corrections,
        QuantizedRecord.hasClusterId(
            Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT, quantizer.space().clusterCount()));
  }

  private void writeEntry(FieldInfo field, int count, CodeSpace space, long offset)
      throws IOException {
    new QuantizedFieldEntry(
            field.number,
            field.getVectorSimilarityFunction(),
            field.getVectorDimension(),
            count,
            space.bits(),
            space.queryBits(),
            space.rotation().rounds(),
            rotationSeed(field),
            space.centroid(),
            space.clusterCount() > 1 ? space.clusters() : null,
            offset,
            data.getFilePointer() - offset)
        .write(meta);
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    raw.finish();
    QuiverMetaFile.finish(meta);
    CodecUtil.writeFooter(data);
  }

  @Override
  public long ramBytesUsed() {
    return SHALLOW_SIZE + raw.ramBytesUsed();
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(meta, data, raw);
  }
}
