package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.KnnFieldVectorsWriter;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsWriter;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Sorter;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.util.IORunnable;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.RamUsageEstimator;

/**
 * Writes {@link Quiver10HnswVectorsFormat}: the graph through Lucene's HNSW writer over Quiver's
 * flat writer, and per field the graph parameters into the {@code .qhm} file; records the format
 * version in the segment info.
 */
final class Quiver10HnswVectorsWriter extends KnnVectorsWriter {

  private static final long SHALLOW_SIZE =
      RamUsageEstimator.shallowSizeOfInstance(Quiver10HnswVectorsWriter.class);

  private final Lucene99HnswVectorsWriter graph;
  private final Quiver10FlatVectorsWriter flat;
  private final int m;
  private final int beamWidth;
  private final IndexOutput meta;
  private final List<FieldInfo> fields = new ArrayList<>();
  private boolean finished;

  /**
   * @param graph Lucene's writer, writing its vectors through {@code flat}
   */
  Quiver10HnswVectorsWriter(
      SegmentWriteState state,
      Lucene99HnswVectorsWriter graph,
      Quiver10FlatVectorsWriter flat,
      int m,
      int beamWidth)
      throws IOException {
    this.graph = graph;
    this.flat = flat;
    this.m = m;
    this.beamWidth = beamWidth;
    IndexOutput out = null;
    boolean success = false;
    try {
      out =
          QuiverMetaFile.create(
              state,
              Quiver10HnswVectorsMeta.EXTENSION,
              Quiver10HnswVectorsMeta.CODEC_NAME,
              Quiver10HnswVectorsFormat.VERSION_CURRENT);
      Quiver10HnswVectorsMeta.writeLayout(out);
      SegmentVersionAttribute.write(
          state.segmentInfo,
          Quiver10HnswVectorsFormat.NAME,
          state.segmentSuffix,
          Quiver10HnswVectorsFormat.VERSION_CURRENT);
      success = true;
    } finally {
      if (success == false) {
        IOUtils.closeWhileHandlingException(out, graph);
      }
    }
    this.meta = out;
  }

  @Override
  public KnnFieldVectorsWriter<?> addField(FieldInfo fieldInfo) throws IOException {
    KnnFieldVectorsWriter<?> writer = graph.addField(fieldInfo);
    fields.add(fieldInfo);
    return writer;
  }

  @Override
  public void flush(int maxDoc, Sorter.DocMap sortMap) throws IOException {
    graph.flush(maxDoc, sortMap);
    for (FieldInfo field : fields) {
      writeEntry(field);
    }
  }

  @Override
  public IORunnable mergeOneField(FieldInfo fieldInfo, MergeState mergeState) throws IOException {
    // Phase 1 (vectors) happens now; the graph is built by the returned runnable, starting from
    // the largest source graph (see FieldVectorsMergeState for why the readers are unwrapped).
    IORunnable buildGraph =
        graph.mergeOneField(fieldInfo, FieldVectorsMergeState.of(fieldInfo, mergeState));
    writeEntry(fieldInfo);
    return buildGraph;
  }

  private void writeEntry(FieldInfo field) throws IOException {
    new Quiver10HnswVectorsMeta.Entry(field.number, m, beamWidth, flat.writtenCount(field.number))
        .write(meta);
  }

  @Override
  public void finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("already finished");
    }
    finished = true;
    graph.finish();
    QuiverMetaFile.finish(meta);
  }

  @Override
  public long ramBytesUsed() {
    return SHALLOW_SIZE + graph.ramBytesUsed();
  }

  @Override
  public void close() throws IOException {
    IOUtils.close(meta, graph);
  }
}
