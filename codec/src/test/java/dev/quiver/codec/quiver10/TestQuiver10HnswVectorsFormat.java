package dev.quiver.codec.quiver10;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/** Lucene's conformance suite for the HNSW format, plus its own limits. */
public class TestQuiver10HnswVectorsFormat extends BaseKnnVectorsFormatTestCase {

  @Override
  protected Codec getCodec() {
    return TestUtil.alwaysKnnVectorsFormat(
        new Quiver10HnswVectorsFormat(
            TestUtil.nextInt(random(), 2, 32), TestUtil.nextInt(random(), 8, 128)));
  }

  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }

  public void testSpiNameIsClassName() {
    KnnVectorsFormat spi = KnnVectorsFormat.forName(Quiver10HnswVectorsFormat.NAME);
    assertEquals(Quiver10HnswVectorsFormat.class, spi.getClass());
    assertEquals(Quiver10HnswVectorsFormat.class.getSimpleName(), Quiver10HnswVectorsFormat.NAME);
  }

  public void testParameterBounds() {
    expectThrows(IllegalArgumentException.class, () -> new Quiver10HnswVectorsFormat(0, 100));
    expectThrows(IllegalArgumentException.class, () -> new Quiver10HnswVectorsFormat(513, 100));
    expectThrows(IllegalArgumentException.class, () -> new Quiver10HnswVectorsFormat(16, 0));
    IllegalArgumentException e =
        expectThrows(IllegalArgumentException.class, () -> new Quiver10HnswVectorsFormat(16, 3201));
    assertTrue(e.getMessage(), e.getMessage().contains("beamWidth=3201"));
    Quiver10HnswVectorsFormat ok = new Quiver10HnswVectorsFormat(512, 3200);
    assertEquals(512, ok.m());
    assertEquals(3200, ok.beamWidth());
  }

  public void testToStringNamesParameters() {
    String s = new Quiver10HnswVectorsFormat(24, 200).toString();
    assertTrue(s, s.contains("m=24") && s.contains("beamWidth=200") && s.contains("Quiver10Flat"));
  }

  /**
   * Lucene's default formats stop at 1024 dimensions; ours index and find 16,384. (20 documents get
   * no graph; {@link TestQuiver10HnswHighDimensions} builds and searches one at these sizes.)
   */
  public void testMaxDimensionsAreIndexedAndSearchable() throws Exception {
    int dims = Quiver10FlatVectorsFormat.MAX_DIMENSIONS;
    assertEquals(dims, new Quiver10HnswVectorsFormat().getMaxDimensions("f"));
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(TestUtil.alwaysKnnVectorsFormat(new Quiver10HnswVectorsFormat())))) {
      int n = 20;
      for (int i = 0; i < n; i++) {
        float[] v = new float[dims];
        v[i] = 1f;
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("f", v, VectorSimilarityFunction.DOT_PRODUCT));
        w.addDocument(doc);
      }
      w.commit();
      try (DirectoryReader r = DirectoryReader.open(w)) {
        float[] q = new float[dims];
        q[7] = 1f;
        TopDocs td = new IndexSearcher(r).search(new KnnFloatVectorQuery("f", q, 3), 3);
        assertEquals(7, td.scoreDocs[0].doc);
        assertEquals(1f, td.scoreDocs[0].score, 1e-6);
      }
    }
  }
}
