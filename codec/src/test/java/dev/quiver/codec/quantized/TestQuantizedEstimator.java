package dev.quiver.codec.quantized;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * The reader-level capability for bound-driven rescoring: {@code LeafReader.getFloatVectorValues}
 * of a quantized field is a {@link QuantizedFloatVectorValues} whose raw vectors are exact and
 * whose {@link QuantizedEstimator} intervals hold the exact score for all but a few percent of
 * pairs at 1.9 standard deviations and almost all at 3.
 */
public class TestQuantizedEstimator extends LuceneTestCase {

  public void testIntervalsCoverExactScores() throws Exception {
    int dims = 96;
    int n = 800;
    int bits = new int[] {1, 2, 4, 8}[random().nextInt(4)];
    VectorSimilarityFunction sim =
        random().nextBoolean()
            ? VectorSimilarityFunction.EUCLIDEAN
            : VectorSimilarityFunction.DOT_PRODUCT;
    float[][] docs = new float[n][];
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(
                        TestUtil.alwaysKnnVectorsFormat(
                            new Quiver10QuantizedHnswVectorsFormat(bits, 8, 32))))) {
      for (int i = 0; i < n; i++) {
        docs[i] = unit(dims);
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", docs[i], sim));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      try (DirectoryReader r = DirectoryReader.open(w)) {
        LeafReader leaf = r.leaves().get(0).reader();
        FloatVectorValues values = leaf.getFloatVectorValues("v");
        assertTrue(values.getClass().toString(), values instanceof QuantizedFloatVectorValues);
        QuantizedFloatVectorValues quantized = (QuantizedFloatVectorValues) values;
        assertEquals(bits, quantized.space().bits().bits());
        int outside19 = 0;
        int outside3 = 0;
        int pairs = 0;
        for (int q = 0; q < 10; q++) {
          float[] target = unit(dims);
          QuantizedEstimator e19 = quantized.estimator(target, 1.9f);
          QuantizedEstimator e3 = quantized.estimator(target, 3f);
          for (int ord = 0; ord < quantized.size(); ord++) {
            float exact = sim.compare(target, quantized.vectorValue(ord));
            assertEquals(exact, sim.compare(target, docs[quantized.ordToDoc(ord)]), 0f);
            float est = e19.score(ord);
            assertTrue(e19.lowerScore() <= est && est <= e19.upperScore());
            outside19 += exact < e19.lowerScore() || exact > e19.upperScore() ? 1 : 0;
            e3.score(ord);
            outside3 += exact < e3.lowerScore() || exact > e3.upperScore() ? 1 : 0;
            pairs++;
          }
        }
        String msg =
            "bits=" + bits + " " + sim + " outside " + outside19 + "/" + outside3 + " of " + pairs;
        assertTrue(msg, outside19 < pairs * 0.12);
        assertTrue(msg, outside3 < pairs * 0.02);
        assertTrue(msg, outside3 <= outside19);
        expectThrows(IllegalArgumentException.class, () -> quantized.estimator(unit(dims), -1f));
      }
    }
  }

  private static float[] unit(int dims) {
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random().nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < dims; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
