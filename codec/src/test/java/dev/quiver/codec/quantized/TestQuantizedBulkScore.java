package dev.quiver.codec.quantized;

import java.io.IOException;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.FlatVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.hnsw.RandomVectorScorer;

/**
 * The graph search's {@code bulkScore} over quantized codes, which reads records ahead and then
 * scores them, gives exactly the scores of one {@code score} call per ordinal, for lists shorter
 * and longer than its read-ahead batch and with repeated ordinals, and returns their maximum (here
 * on the flat format, whose scorer the HNSW format shares).
 */
public class TestQuantizedBulkScore extends LuceneTestCase {

  public void testBulkScoreEqualsScore() throws Exception {
    int dims = 40;
    int n = 300;
    int bits = new int[] {1, 2, 4, 8}[random().nextInt(4)];
    VectorSimilarityFunction sim =
        VectorSimilarityFunction.values()[
            random().nextInt(VectorSimilarityFunction.values().length)];
    try (Directory dir = newDirectory();
        IndexWriter w = writer(dir, bits)) {
      try (DirectoryReader r = index(w, n, dims, sim)) {
        CodecReader leaf = (CodecReader) r.leaves().get(0).reader();
        KnnVectorsReader vectors = fieldReader(leaf);
        for (int q = 0; q < 5; q++) {
          float[] target = vector(dims);
          RandomVectorScorer bulk = scorer(vectors, target);
          RandomVectorScorer single = scorer(vectors, target);
          for (int length : new int[] {1, 7, 32, 64, 65, 150}) {
            int[] nodes = new int[length];
            for (int i = 0; i < length; i++) {
              nodes[i] = random().nextInt(n);
            }
            float[] scores = new float[length];
            float max = bulk.bulkScore(nodes, scores, length);
            float expectedMax = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < length; i++) {
              float expected = single.score(nodes[i]);
              assertEquals(
                  "bits=" + bits + " " + sim + " node " + nodes[i], expected, scores[i], 0f);
              expectedMax = Math.max(expectedMax, expected);
            }
            assertEquals(expectedMax, max, 0f);
          }
        }
      }
    }
  }

  /**
   * 1-bit codes are scored in place ({@link OneBitRecordScorer}): the same floats as the estimate
   * over a copied record ({@link QuantizedEstimator}), with one cluster and with several.
   */
  public void testOneBitInPlaceScoresEqualTheCopiedRecordEstimate() throws Exception {
    int dims = 40 + random().nextInt(100);
    for (int n : new int[] {300, 2600}) {
      VectorSimilarityFunction sim =
          VectorSimilarityFunction.values()[
              random().nextInt(VectorSimilarityFunction.values().length)];
      try (Directory dir = newDirectory();
          IndexWriter w = writer(dir, 1)) {
        try (DirectoryReader r = index(w, n, dims, sim)) {
          CodecReader leaf = (CodecReader) r.leaves().get(0).reader();
          KnnVectorsReader vectors = fieldReader(leaf);
          QuantizedFloatVectorValues values =
              (QuantizedFloatVectorValues) leaf.getFloatVectorValues("v");
          assertEquals(n > 2000, values.space().clusterCount() > 1);
          for (int q = 0; q < 3; q++) {
            float[] target = vector(dims);
            RandomVectorScorer inPlace = scorer(vectors, target);
            assertTrue(inPlace.getClass().getName(), inPlace instanceof OneBitRecordScorer);
            QuantizedEstimator copied = values.estimator(target, 1f);
            for (int ord = 0; ord < n; ord++) {
              assertEquals(sim + " ord " + ord, copied.score(ord), inPlace.score(ord), 0f);
            }
            // bulkScore copies records ahead in batches of 64: a list longer than two batches
            int[] nodes = new int[150];
            for (int i = 0; i < nodes.length; i++) {
              nodes[i] = random().nextInt(n);
            }
            float[] scores = new float[nodes.length];
            float max = inPlace.bulkScore(nodes, scores, nodes.length);
            float expectedMax = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < nodes.length; i++) {
              float expected = copied.score(nodes[i]);
              assertEquals(sim + " bulk node " + nodes[i], expected, scores[i], 0f);
              expectedMax = Math.max(expectedMax, expected);
            }
            assertEquals(expectedMax, max, 0f);
          }
        }
      }
    }
  }

  private static IndexWriter writer(Directory dir, int bits) throws IOException {
    return new IndexWriter(
        dir,
        new IndexWriterConfig()
            .setCodec(
                TestUtil.alwaysKnnVectorsFormat(new Quiver10QuantizedFlatVectorsFormat(bits))));
  }

  /** Adds {@code n} random vectors to field "v", merges to one segment, opens a reader. */
  private static DirectoryReader index(IndexWriter w, int n, int dims, VectorSimilarityFunction sim)
      throws IOException {
    for (int i = 0; i < n; i++) {
      Document doc = new Document();
      doc.add(new KnnFloatVectorField("v", vector(dims), sim));
      w.addDocument(doc);
    }
    w.forceMerge(1);
    return DirectoryReader.open(w);
  }

  private static KnnVectorsReader fieldReader(CodecReader leaf) {
    KnnVectorsReader vectors = leaf.getVectorReader();
    if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
      return perField.getFieldReader("v");
    }
    return vectors;
  }

  private static RandomVectorScorer scorer(KnnVectorsReader vectors, float[] target)
      throws IOException {
    return ((FlatVectorsReader) vectors).getRandomVectorScorer("v", target);
  }

  private static float[] vector(int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random().nextGaussian();
    }
    return v;
  }
}
