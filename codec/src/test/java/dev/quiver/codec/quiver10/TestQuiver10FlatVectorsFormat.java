package dev.quiver.codec.quiver10;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/** Lucene's conformance suite for the exhaustive flat format, plus exactness checks. */
public class TestQuiver10FlatVectorsFormat extends BaseKnnVectorsFormatTestCase {

  @Override
  protected Codec getCodec() {
    return TestUtil.alwaysKnnVectorsFormat(new Quiver10FlatVectorsFormat());
  }

  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }

  public void testSpiNameIsClassName() {
    assertEquals(
        Quiver10FlatVectorsFormat.class,
        KnnVectorsFormat.forName(Quiver10FlatVectorsFormat.NAME).getClass());
    assertEquals(Quiver10FlatVectorsFormat.class.getSimpleName(), Quiver10FlatVectorsFormat.NAME);
  }

  /** Exhaustive search must return exactly the brute-force top k, filter applied. */
  public void testSearchIsExactWithFilter() throws Exception {
    int dims = TestUtil.nextInt(random(), 2, 64);
    int n = atLeast(300);
    int k = TestUtil.nextInt(random(), 1, 20);
    float[][] vectors = new float[n][];
    try (Directory dir = newDirectory();
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(getCodec()))) {
      for (int i = 0; i < n; i++) {
        vectors[i] = randomVector(dims);
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", vectors[i], VectorSimilarityFunction.EUCLIDEAN));
        doc.add(new StringField("even", i % 2 == 0 ? "yes" : "no", Field.Store.NO));
        doc.add(new StringField("id", Integer.toString(i), Field.Store.YES));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      try (DirectoryReader r = DirectoryReader.open(w)) {
        IndexSearcher searcher = new IndexSearcher(r);
        float[] q = randomVector(dims);
        TopDocs td =
            searcher.search(
                new KnnFloatVectorQuery("v", q, k, new TermQuery(new Term("even", "yes"))), k);
        Integer[] expected = new Integer[n / 2 + n % 2];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = 2 * i;
        }
        Arrays.sort(
            expected,
            Comparator.comparingDouble(
                (Integer i) -> -VectorSimilarityFunction.EUCLIDEAN.compare(q, vectors[i])));
        assertEquals(k, td.scoreDocs.length);
        for (int i = 0; i < k; i++) {
          ScoreDoc sd = td.scoreDocs[i];
          int id = Integer.parseInt(searcher.storedFields().document(sd.doc).get("id"));
          assertEquals(
              VectorSimilarityFunction.EUCLIDEAN.compare(q, vectors[expected[i]]), sd.score, 1e-5);
          assertEquals(0, id % 2);
        }
      }
    }
  }
}
