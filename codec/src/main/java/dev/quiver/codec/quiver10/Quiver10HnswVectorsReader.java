package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsReader;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * Reads {@link Quiver10HnswVectorsFormat}: Lucene's HNSW reader, opened once the Quiver meta file
 * (version 1 on) has been checked against it, and still an {@link HnswGraphProvider} so merges can
 * start from an existing graph.
 */
final class Quiver10HnswVectorsReader extends KnnVectorsReader implements HnswGraphProvider {

  private final Lucene99HnswVectorsReader in;
  private final int version;

  Quiver10HnswVectorsReader(Lucene99HnswVectorsReader in, int version) {
    this.in = in;
    this.version = version;
  }

  /** The format version of the segment this reader reads. */
  int version() {
    return version;
  }

  @Override
  public HnswGraph getGraph(String field) throws IOException {
    return in.getGraph(field);
  }

  @Override
  public void checkIntegrity() throws IOException {
    in.checkIntegrity();
  }

  @Override
  public FloatVectorValues getFloatVectorValues(String field) throws IOException {
    return in.getFloatVectorValues(field);
  }

  @Override
  public ByteVectorValues getByteVectorValues(String field) throws IOException {
    return in.getByteVectorValues(field);
  }

  @Override
  public void search(String field, float[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    in.search(field, target, knnCollector, acceptDocs);
  }

  @Override
  public void search(String field, byte[] target, KnnCollector knnCollector, AcceptDocs acceptDocs)
      throws IOException {
    in.search(field, target, knnCollector, acceptDocs);
  }

  @Override
  public KnnVectorsReader getMergeInstance() throws IOException {
    return new Quiver10HnswVectorsReader(
        (Lucene99HnswVectorsReader) in.getMergeInstance(), version);
  }

  @Override
  public void finishMerge() throws IOException {
    in.finishMerge();
  }

  @Override
  public Map<String, Long> getOffHeapByteSize(FieldInfo fieldInfo) {
    return in.getOffHeapByteSize(fieldInfo);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  @Override
  public String toString() {
    return "Quiver10HnswVectorsReader(version=" + version + ", " + in + ")";
  }
}
