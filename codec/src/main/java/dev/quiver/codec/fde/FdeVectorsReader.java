package dev.quiver.codec.fde;

import dev.quiver.codec.quiver10.QuiverMetaFile;
import dev.quiver.codec.quiver10.SegmentVersionAttribute;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * Reads through the delegate; knows each field's fingerprint. {@link #open} returns a subclass that
 * is an {@link HnswGraphProvider} when the delegate is one, so merges can still start from the
 * largest segment's graph.
 */
public class FdeVectorsReader extends KnnVectorsReader {

  private final KnnVectorsReader delegate;
  private final Map<String, String> fingerprints;

  private FdeVectorsReader(KnnVectorsReader delegate, Map<String, String> fingerprints) {
    this.delegate = delegate;
    this.fingerprints = fingerprints;
  }

  static FdeVectorsReader open(SegmentReadState state) throws IOException {
    int version =
        SegmentVersionAttribute.read(
            state.segmentInfo,
            Quiver10FdeVectorsFormat.NAME,
            state.segmentSuffix,
            Quiver10FdeVectorsFormat.VERSION_START,
            Quiver10FdeVectorsFormat.VERSION_CURRENT);
    String metaName =
        QuiverMetaFile.fileName(
            state.segmentInfo.name, state.segmentSuffix, Quiver10FdeVectorsFormat.META_EXTENSION);
    Map<String, String> fingerprints = new HashMap<>();
    String delegateName =
        QuiverMetaFile.read(
            state,
            Quiver10FdeVectorsFormat.META_EXTENSION,
            Quiver10FdeVectorsFormat.META_CODEC_NAME,
            Quiver10FdeVectorsFormat.VERSION_START,
            Quiver10FdeVectorsFormat.VERSION_CURRENT,
            version,
            in -> {
              String name = in.readString();
              for (int number = in.readInt(); number != -1; number = in.readInt()) {
                FieldInfo field = state.fieldInfos.fieldInfo(number);
                if (field == null) {
                  throw new CorruptIndexException("unknown field number " + number, in);
                }
                String recorded = in.readString();
                String attribute = Quiver10FdeVectorsFormat.fingerprint(field);
                if (recorded.equals(attribute) == false) {
                  throw QuiverMetaFile.mismatch(
                      metaName,
                      field.name,
                      "FDE fingerprint ["
                          + recorded
                          + "] but the field attribute says ["
                          + attribute
                          + "]");
                }
                fingerprints.put(field.name, recorded);
              }
              return name;
            });
    KnnVectorsFormat format;
    try {
      format = KnnVectorsFormat.forName(delegateName);
    } catch (IllegalArgumentException e) {
      throw new CorruptIndexException(
          "FDE vectors written with format [" + delegateName + "], which is not available",
          metaName,
          e);
    }
    KnnVectorsReader delegate = format.fieldsReader(state);
    return wrap(delegate, fingerprints);
  }

  private static FdeVectorsReader wrap(KnnVectorsReader delegate, Map<String, String> prints) {
    return delegate instanceof HnswGraphProvider
        ? new WithGraph(delegate, prints)
        : new FdeVectorsReader(delegate, prints);
  }

  /**
   * The FDE fingerprint this segment's vectors of {@code field} were encoded with ({@code ""} if
   * the field had none), or {@code null} if the segment has no such field.
   */
  public String fingerprint(String field) {
    return fingerprints.get(field);
  }

  @Override
  public void checkIntegrity() throws IOException {
    delegate.checkIntegrity();
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    return delegate.getFloatVectorValues(field);
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return delegate.getByteVectorValues(field);
  }

  @Override
  public void search(String field, float[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    delegate.search(field, target, knnCollector, acceptDocs);
  }

  @Override
  public void search(String field, byte[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    delegate.search(field, target, knnCollector, acceptDocs);
  }

  @Override
  public KnnVectorsReader getMergeInstance() throws IOException {
    KnnVectorsReader merge = delegate.getMergeInstance();
    return merge == delegate ? this : wrap(merge, fingerprints);
  }

  @Override
  public void finishMerge() throws IOException {
    delegate.finishMerge();
  }

  @Override
  public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
    return delegate.getOffHeapByteSize(fieldInfo);
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(delegate);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + delegate + ")";
  }

  private static final class WithGraph extends FdeVectorsReader implements HnswGraphProvider {
    private final HnswGraphProvider graphs;

    WithGraph(KnnVectorsReader delegate, Map<String, String> fingerprints) {
      super(delegate, fingerprints);
      this.graphs = (HnswGraphProvider) delegate;
    }

    @Override
    public HnswGraph getGraph(String field) throws IOException {
      return graphs.getGraph(field);
    }
  }
}
