package dev.quiver.codec.fde;

import dev.quiver.codec.quiver10.QuiverMetaFile;
import dev.quiver.codec.quiver10.SegmentVersionAttribute;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.codecs.KnnFieldVectorsWriter;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IORunnable;
import org.apache.lucene.util.IOUtils;

/** Writes through the delegate and records each field's fingerprint; refuses mixed merges. */
final class FdeVectorsWriter extends KnnVectorsWriter {

  private final SegmentWriteState state;
  private final String delegateName;
  private final KnnVectorsWriter delegate;
  private final Map<Integer, String> fingerprints = new TreeMap<>();
  private boolean finished;

  FdeVectorsWriter(SegmentWriteState state, KnnVectorsFormat format) throws IOException {
    this.state = state;
    this.delegateName = format.getName();
    this.delegate = format.fieldsWriter(state);
    SegmentVersionAttribute.write(
        state.segmentInfo,
        Quiver10FdeVectorsFormat.NAME,
        state.segmentSuffix,
        Quiver10FdeVectorsFormat.VERSION_CURRENT);
  }

  @Override
  public KnnFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    fingerprints.put(fieldInfo.number, Quiver10FdeVectorsFormat.fingerprint(fieldInfo));
    return delegate.addField(fieldInfo);
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    delegate.flush(maxDoc, sortMap);
  }

  @Override
  public IORunnable mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
    String merged = Quiver10FdeVectorsFormat.fingerprint(fieldInfo);
    for (int i = 0; i < mergeState.fieldInfos.length; i++) {
      FieldInfos sourceInfos = mergeState.fieldInfos[i];
      FieldInfo source = sourceInfos == null ? null : sourceInfos.fieldInfo(fieldInfo.name);
      if (source == null || source.hasVectorValues() == false) {
        continue;
      }
      String fingerprint = Quiver10FdeVectorsFormat.fingerprint(source);
      if (fingerprint.equals(merged) == false) {
        throw new IllegalStateException(
            "field ["
                + fieldInfo.name
                + "]: cannot merge FDE vectors encoded with fingerprint ["
                + fingerprint
                + "] (source segment "
                + i
                + " of the merge) with vectors encoded with ["
                + merged
                + "] into segment "
                + mergeState.segmentInfo.name
                + ": the field's FDE parameters differ between segments; reindex into a new field");
      }
    }
    fingerprints.put(fieldInfo.number, merged);
    return delegate.mergeOneField(fieldInfo, mergeState);
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    delegate.finish();
    try (IndexOutput meta =
        QuiverMetaFile.create(
            state,
            Quiver10FdeVectorsFormat.META_EXTENSION,
            Quiver10FdeVectorsFormat.META_CODEC_NAME,
            Quiver10FdeVectorsFormat.VERSION_CURRENT)) {
      meta.writeString(delegateName);
      for (Map.Entry<Integer, String> field : fingerprints.entrySet()) {
        meta.writeInt(field.getKey());
        meta.writeString(field.getValue());
      }
      QuiverMetaFile.finish(meta);
    }
  }

  @Override
  public long ramBytesUsed() {
    return delegate.ramBytesUsed();
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(delegate);
  }
}
