package dev.quiver.codec.quiver10;

import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.MergeState;

/**
 * The merge state of one vector field with each source segment's per-field wrapper replaced by the
 * reader of that field's own format.
 *
 * <p>Why: Lucene 10.5's {@code IncrementalHnswGraphMerger.addReader} unwraps a {@link
 * PerFieldKnnVectorsFormat.FieldsReader} but then tests the <em>wrapper</em> for {@code
 * HnswGraphProvider}, so under a per-field codec (every Lucene and OpenSearch codec) a merge never
 * starts from the largest source graph and rebuilds the whole graph. Handing the graph writer the
 * unwrapped readers restores the intended incremental merge. Everything else in the state is
 * shared, unchanged.
 */
final class FieldVectorsMergeState {

  private FieldVectorsMergeState() {}

  static MergeState of(FieldInfo field, MergeState in) {
    KnnVectorsReader[] readers = in.knnVectorsReaders.clone();
    boolean unwrapped = false;
    for (int i = 0; i < readers.length; i++) {
      if (readers[i] instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
        readers[i] = perField.getFieldReader(field.name);
        unwrapped = true;
      }
    }
    if (unwrapped == false) {
      return in;
    }
    return new MergeState(
        in.docMaps,
        in.segmentInfo,
        in.mergeFieldInfos,
        in.storedFieldsReaders,
        in.termVectorsReaders,
        in.normsProducers,
        in.docValuesProducers,
        in.fieldInfos,
        in.liveDocs,
        in.fieldsProducers,
        in.pointsReaders,
        readers,
        in.maxDocs,
        in.infoStream,
        in.intraMergeTaskExecutor,
        in.needsIndexSort,
        in.oneMerge);
  }
}
