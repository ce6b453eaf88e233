package dev.quiver.plugin.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat;
import java.io.IOException;
import java.util.Random;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.Test;

/**
 * Bound-driven rescoring in the query leaves the results of fixed rescoring unchanged (same
 * documents, same exact scores, same order) on a small multi-segment quantized index, while reading
 * fewer raw vectors than there are candidates.
 */
class ExactRescoringTests {

  private static final int DIMS = 64;
  private static final int K = 10;

  @Test
  void boundedRescoringKeepsTheResultsOfFixedRescoring() throws IOException {
    for (int bits : new int[] {1, 4}) {
      for (VectorSimilarityFunction sim :
          new VectorSimilarityFunction[] {
            VectorSimilarityFunction.DOT_PRODUCT, VectorSimilarityFunction.EUCLIDEAN
          }) {
        check(bits, sim, new Random(31L * bits + sim.ordinal()));
      }
    }
  }

  private static void check(int bits, VectorSimilarityFunction sim, Random random)
      throws IOException {
    float[][] centres = new float[20][];
    for (int c = 0; c < centres.length; c++) {
      centres[c] = unit(gaussian(random, 1));
    }
    KnnVectorsFormat format = new Quiver10QuantizedHnswVectorsFormat(bits, 8, 32);
    try (Directory dir = new ByteBuffersDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setMergePolicy(NoMergePolicy.INSTANCE)
                    .setMaxBufferedDocs(400)
                    .setCodec(
                        new Lucene104Codec() {
                          @Override
                          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return format;
                          }
                        }))) {
      for (int i = 0; i < 1200; i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", clustered(random, centres), sim));
        w.addDocument(doc);
      }
      try (DirectoryReader reader = DirectoryReader.open(w)) {
        assertTrue(reader.leaves().size() > 1, "several segments");
        IndexSearcher searcher = new IndexSearcher(reader);
        long read = 0;
        long candidates = 0;
        for (int q = 0; q < 30; q++) {
          float[] target = clustered(random, centres);
          int rescore = K * 5;
          TopDocs fixed = searcher.search(query(target, rescore, false), K);
          TopDocs bounded = searcher.search(query(target, rescore, true), K);
          String msg = "bits=" + bits + " " + sim + " query " + q;
          assertArrayEquals(docs(fixed), docs(bounded), msg);
          assertArrayEquals(scores(fixed), scores(bounded), msg);
          for (LeafReaderContext leaf : reader.leaves()) {
            TopDocs hits = leafHits(searcher, leaf, target, rescore);
            if (hits.scoreDocs.length == 0) {
              continue;
            }
            int all =
                ExactRescoring.rescore(leaf, "v", target, hits, rescore, K, false).scoreDocs.length;
            int some =
                ExactRescoring.rescore(leaf, "v", target, hits, rescore, K, true).scoreDocs.length;
            assertTrue(some <= all && some >= Math.min(K, all), msg);
            read += some;
            candidates += all;
          }
        }
        assertTrue(
            read < candidates, "bits=" + bits + " " + sim + ": read " + read + " of " + candidates);
      }
    }
  }

  private static QuiverKnnQuery query(float[] target, int rescore, boolean bounded) {
    return new QuiverKnnQuery(
        "v", target, rescore, null, new ShardKnnOptions(K, null, rescore, bounded));
  }

  /** The segment's hits of a graph search gathering {@code n}, global doc ids. */
  private static TopDocs leafHits(
      IndexSearcher searcher, LeafReaderContext leaf, float[] target, int n) throws IOException {
    TopDocs top = searcher.search(new KnnFloatVectorQuery("v", target, n), n);
    int count = 0;
    for (ScoreDoc sd : top.scoreDocs) {
      if (sd.doc >= leaf.docBase && sd.doc < leaf.docBase + leaf.reader().maxDoc()) {
        count++;
      }
    }
    ScoreDoc[] mine = new ScoreDoc[count];
    int i = 0;
    for (ScoreDoc sd : top.scoreDocs) {
      if (sd.doc >= leaf.docBase && sd.doc < leaf.docBase + leaf.reader().maxDoc()) {
        mine[i++] = sd;
      }
    }
    return new TopDocs(top.totalHits, mine);
  }

  private static int[] docs(TopDocs top) {
    int[] out = new int[top.scoreDocs.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = top.scoreDocs[i].doc;
    }
    assertEquals(K, out.length);
    return out;
  }

  private static float[] scores(TopDocs top) {
    float[] out = new float[top.scoreDocs.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = top.scoreDocs[i].score;
    }
    return out;
  }

  private static float[] clustered(Random random, float[][] centres) {
    float[] c = centres[random.nextInt(centres.length)];
    float[] v = gaussian(random, 0.6 / Math.sqrt(DIMS));
    for (int i = 0; i < DIMS; i++) {
      v[i] += c[i];
    }
    return unit(v);
  }

  private static float[] gaussian(Random random, double sigma) {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) {
      v[i] = (float) (random.nextGaussian() * sigma);
    }
    return v;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
