package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatFieldVectorsWriter;
import org.apache.lucene.codecs.hnsw.FlatVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.internal.hppc.IntIntHashMap;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;

/**
 * Writes {@link Quiver10FlatVectorsFormat}: the vectors through Lucene's flat writer, and per field
 * what was written into the {@code .qfm} file; records the format version in the segment info.
 */
final class Quiver10FlatVectorsWriter extends FlatVectorsWriter {

  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(Quiver10FlatVectorsWriter.class);

  private final FlatVectorsWriter raw;
  private final IndexOutput meta;
  private final List<PendingField> pending = new ArrayList<>();
  private final IntIntHashMap written = new IntIntHashMap();
  private boolean finished;

  private record PendingField(FieldInfo info, FlatFieldVectorsWriter<?> writer) {}

  Quiver10FlatVectorsWriter(SegmentWriteState state, FlatVectorsWriter raw) throws IOException {
    super(raw.getFlatVectorScorer());
    this.raw = raw;
    IndexOutput out = null;
    boolean success = false;
    try {
      out =
          QuiverMetaFile.create(
              state,
              Quiver10FlatVectorsMeta.EXTENSION,
              Quiver10FlatVectorsMeta.CODEC_NAME,
              Quiver10FlatVectorsFormat.VERSION_CURRENT);
      Quiver10FlatVectorsMeta.writeLayout(out);
      SegmentVersionAttribute.write(
          state.segmentInfo,
          Quiver10FlatVectorsFormat.NAME,
          state.segmentSuffix,
          Quiver10FlatVectorsFormat.VERSION_CURRENT);
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(out, raw);
      }
    }
    this.meta = out;
  }

  @Override
  public FlatFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    FlatFieldVectorsWriter<?> writer = raw.addField(fieldInfo);
    pending.add(new PendingField(fieldInfo, writer));
    return writer;
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    raw.flush(maxDoc, sortMap);
    for (PendingField field : pending) {
      writeEntry(field.info(), field.writer().getDocsWithFieldSet().cardinality());
    }
  }

  @Override
  public void mergeOneFlatVectorField(FieldInfo fieldInfo, MergeState mergeState)
      throws IOException {
    raw.mergeOneFlatVectorField(fieldInfo, mergeState);
    writeEntry(fieldInfo, liveVectorCount(fieldInfo, mergeState));
  }

  /** Vectors of live documents across the merged segments, counted without reading vectors. */
  private static int liveVectorCount(FieldInfo fieldInfo, MergeState mergeState)
      throws IOException {
    KnnVectorValues merged =
        fieldInfo.getVectorEncoding() == VectorEncoding.BYTE
            ? KnnVectorsWriter.MergedVectorValues.mergeByteVectorValues(fieldInfo, mergeState)
            : KnnVectorsWriter.MergedVectorValues.mergeFloatVectorValues(fieldInfo, mergeState);
    KnnVectorValues.DocIndexIterator it = merged.iterator();
    int count = 0;
    while (it.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
      count++;
    }
    return count;
  }

  private void writeEntry(FieldInfo field, int count) throws IOException {
    Quiver10FlatVectorsMeta.Entry.of(field, count).write(meta);
    written.put(field.number, count);
  }

  /** Vectors written for field {@code fieldNumber}, once its flush or merge is done. */
  int writtenCount(int fieldNumber) {
    if (written.containsKey(fieldNumber) == false) {
      throw new IllegalStateException("field number " + fieldNumber + " not written yet");
    }
    return written.get(fieldNumber);
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    raw.finish();
    QuiverMetaFile.finish(meta);
  }

  @Override
  public long ramBytesUsed() {
    return SHALLOW_SIZE + raw.ramBytesUsed() + written.ramBytesUsed();
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(meta, raw);
  }
}
