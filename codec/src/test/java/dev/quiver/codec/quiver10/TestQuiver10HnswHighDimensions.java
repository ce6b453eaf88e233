package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * At 4,096 and 16,384 dimensions a real HNSW graph is built and searched: enough documents that
 * Lucene's no-graph threshold does not apply (asserted, not assumed: the graph is read back and
 * measured), a search visits fewer vectors than an exhaustive scan, and finds the exact neighbours.
 */
public class TestQuiver10HnswHighDimensions extends LuceneTestCase {

  /** Above the threshold: Lucene builds a graph once n > 100 * ln(n), i.e. from ~650 vectors. */
  private static final int DOCS = 700;

  private static final int M = 8;
  private static final int BEAM_WIDTH = 32;
  private static final int K = 10;
  private static final int QUERIES = 10;
  private static final int LATENT_DIMS = 8;

  public void testGraphAt4096Dimensions() throws Exception {
    checkGraphSearch(4_096, VectorSimilarityFunction.EUCLIDEAN);
  }

  public void testGraphAt16384Dimensions() throws Exception {
    checkGraphSearch(Quiver10FlatVectorsFormat.MAX_DIMENSIONS, VectorSimilarityFunction.COSINE);
  }

  private void checkGraphSearch(int dims, VectorSimilarityFunction similarity) throws IOException {
    assertTrue(
        "the graph threshold must apply to DOCS",
        org.apache.lucene.util.hnsw.HnswGraphSearcher.expectedVisitedNodes(
                Quiver10HnswVectorsFormat.TINY_SEGMENT_THRESHOLD, DOCS)
            < DOCS);
    Random random = new Random(random().nextLong());
    float[][] basis = new float[LATENT_DIMS][dims];
    for (float[] b : basis) {
      for (int i = 0; i < dims; i++) {
        b[i] = (float) random.nextGaussian();
      }
    }
    float[][] docs = new float[DOCS][];
    for (int d = 0; d < DOCS; d++) {
      docs[d] = embed(basis, random, dims);
    }
    try (Directory dir = new ByteBuffersDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(
                        TestUtil.alwaysKnnVectorsFormat(
                            new Quiver10HnswVectorsFormat(M, BEAM_WIDTH)))
                    .setMergePolicy(NoMergePolicy.INSTANCE)
                    .setRAMBufferSizeMB(512)
                    .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH))) {
      for (float[] v : docs) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", v, similarity));
        w.addDocument(doc);
      }
      w.commit();
      try (DirectoryReader reader = DirectoryReader.open(w)) {
        assertEquals("one segment", 1, reader.leaves().size());
        LeafReader leaf = reader.leaves().get(0).reader();
        assertEquals(dims, leaf.getFieldInfos().fieldInfo("v").getVectorDimension());
        checkGraph(graph(leaf, "v"));

        IndexSearcher searcher = new IndexSearcher(reader);
        int found = 0;
        long visited = 0;
        for (int q = 0; q < QUERIES; q++) {
          float[] query = embed(basis, random, dims);
          TopDocs td = searcher.search(new KnnFloatVectorQuery("v", query, K), K);
          assertEquals(K, td.scoreDocs.length);
          assertEquals(TopDocs.class, td.getClass());
          long visits = td.totalHits.value();
          assertTrue("query " + q + " visited " + visits + " of " + DOCS, visits < DOCS);
          visited += visits;
          Set<Integer> exact = exactTopK(docs, query, similarity);
          for (ScoreDoc sd : td.scoreDocs) {
            assertEquals(similarity.compare(query, docs[sd.doc]), sd.score, 1e-4f);
            if (exact.contains(sd.doc)) {
              found++;
            }
          }
        }
        double recall = found / (double) (QUERIES * K);
        assertTrue("recall@" + K + " " + recall, recall >= 0.9);
        assertTrue(
            "mean visited " + visited / QUERIES + " of " + DOCS,
            visited / (double) QUERIES < 0.8 * DOCS);
      }
    }
  }

  /** The graph covers every vector, on at least one level, with bounded, valid neighbour lists. */
  private static void checkGraph(HnswGraph graph) throws IOException {
    assertEquals("a node per vector", DOCS, graph.size());
    assertEquals(M, graph.maxConn());
    assertTrue(graph.numLevels() >= 1);
    HnswGraph.NodesIterator nodes = graph.getNodesOnLevel(0);
    int linked = 0;
    while (nodes.hasNext()) {
      int node = nodes.nextInt();
      graph.seek(0, node);
      int neighbours = 0;
      for (int n = graph.nextNeighbor();
          n != DocIdSetIterator.NO_MORE_DOCS;
          n = graph.nextNeighbor()) {
        assertTrue(n >= 0 && n < DOCS && n != node);
        neighbours++;
      }
      assertTrue("node " + node + " has " + neighbours, neighbours <= 2 * M);
      linked += neighbours > 0 ? 1 : 0;
    }
    assertEquals("every node has neighbours", DOCS, linked);
  }

  static HnswGraph graph(LeafReader leaf, String field) throws IOException {
    KnnVectorsReader vectors = ((CodecReader) leaf).getVectorReader();
    if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
      vectors = perField.getFieldReader(field);
    }
    assertTrue(String.valueOf(vectors), vectors instanceof HnswGraphProvider);
    return ((HnswGraphProvider) vectors).getGraph(field);
  }

  /** A point of a low-dimensional subspace (so nearest neighbours are meaningful), plus noise. */
  private static float[] embed(float[][] basis, Random random, int dims) {
    float[] v = new float[dims];
    for (float[] b : basis) {
      float z = (float) random.nextGaussian();
      for (int i = 0; i < dims; i++) {
        v[i] += z * b[i];
      }
    }
    for (int i = 0; i < dims; i++) {
      v[i] += 0.05f * (float) random.nextGaussian();
    }
    return v;
  }

  private static Set<Integer> exactTopK(
      float[][] docs, float[] query, VectorSimilarityFunction similarity) {
    Integer[] ids = new Integer[docs.length];
    float[] scores = new float[docs.length];
    for (int d = 0; d < docs.length; d++) {
      ids[d] = d;
      scores[d] = similarity.compare(query, docs[d]);
    }
    Arrays.sort(ids, (a, b) -> Float.compare(scores[b], scores[a]));
    return new HashSet<>(Arrays.asList(ids).subList(0, K));
  }
}
