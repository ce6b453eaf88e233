package dev.quiver.codec.quiver10;

import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MergeState;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.InfoStream;

/**
 * Lucene's graph merger only reuses a source graph whose reader is an {@link HnswGraphProvider};
 * the per-field wrapper a segment's vectors are read through is not one, the field's own reader is.
 */
public class TestFieldVectorsMergeState extends LuceneTestCase {

  public void testMergeReadersAreTheFieldsOwnGraphReaders() throws Exception {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w =
          new IndexWriter(
              dir,
              new IndexWriterConfig()
                  .setCodec(TestUtil.alwaysKnnVectorsFormat(new Quiver10HnswVectorsFormat())))) {
        for (int i = 0; i < 10; i++) {
          Document doc = new Document();
          doc.add(
              new KnnFloatVectorField(
                  "v", new float[] {i, 1f, 2f}, VectorSimilarityFunction.EUCLIDEAN));
          w.addDocument(doc);
        }
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        CodecReader leaf = (CodecReader) r.leaves().get(0).reader();
        KnnVectorsReader wrapper = leaf.getVectorReader().getMergeInstance();
        assertTrue(wrapper instanceof PerFieldKnnVectorsFormat.FieldsReader);
        assertFalse("Lucene's merger cannot use this one", wrapper instanceof HnswGraphProvider);
        FieldInfo field = leaf.getFieldInfos().fieldInfo("v");
        KnnVectorsReader[] readers = {wrapper, null};
        MergeState in =
            new MergeState(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                readers,
                null,
                InfoStream.NO_OUTPUT,
                null,
                false,
                null);
        MergeState out = FieldVectorsMergeState.of(field, in);
        assertTrue(out.knnVectorsReaders[0] instanceof HnswGraphProvider);
        assertSame(
            ((PerFieldKnnVectorsFormat.FieldsReader) wrapper).getFieldReader("v"),
            out.knnVectorsReaders[0]);
        assertNull(out.knnVectorsReaders[1]);
        assertSame("the original state is untouched", wrapper, in.knnVectorsReaders[0]);
        assertSame(in.infoStream, out.infoStream);
      }
    }
  }
}
