package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.MergeScheduler;
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
 * Merges build the merged graph with several workers when the merge scheduler lends threads, and
 * the graph is as good as a single-threaded one: every vector a node, valid neighbour lists, exact
 * neighbours found.
 */
public class TestQuiver10HnswConcurrentMerge extends LuceneTestCase {

  /** Three segments too small for a graph of their own: the merge builds the whole graph. */
  private static final int[] SMALL_SEGMENTS = {500, 500, 500};

  /** A first segment with a graph the merge starts from, and two without. */
  private static final int[] ONE_GRAPH_SEGMENT = {1200, 150, 150};

  private static final int DIMS = 24;
  private static final int K = 10;

  /**
   * A ConcurrentMergeScheduler that lends its intra-merge threads to every merge (the stock one
   * lends them to merges of 50 MB and more only), counting the graph-building tasks it is given.
   */
  private static final class LendingMergeScheduler extends ConcurrentMergeScheduler {
    final ExecutorService pool = Executors.newFixedThreadPool(3);
    final AtomicInteger graphTasks = new AtomicInteger();
    final Set<String> graphThreads = ConcurrentHashMap.newKeySet();

    @Override
    public Executor getIntraMergeExecutor(MergePolicy.OneMerge merge) {
      return command -> {
        boolean graph = fromGraphBuilder();
        if (graph) {
          graphTasks.incrementAndGet();
        }
        pool.execute(
            () -> {
              if (graph) {
                graphThreads.add(Thread.currentThread().getName());
              }
              command.run();
            });
      };
    }

    private static boolean fromGraphBuilder() {
      for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
        if (e.getClassName().endsWith("HnswConcurrentMergeBuilder")) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        pool.shutdown();
        try {
          assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    }
  }

  public void testMergeBuildsGraphWithSeveralWorkers() throws Exception {
    LendingMergeScheduler scheduler = new LendingMergeScheduler();
    mergeAndCheck(new Quiver10HnswVectorsFormat(16, 48, 4), scheduler, SMALL_SEGMENTS);
    // TaskExecutor forks all but one worker and runs the last on the merging thread.
    assertEquals("graph workers handed to the scheduler", 3, scheduler.graphTasks.get());
    assertFalse(scheduler.graphThreads.isEmpty());
  }

  public void testSingleWorkerBuildsOnTheMergingThread() throws Exception {
    LendingMergeScheduler scheduler = new LendingMergeScheduler();
    mergeAndCheck(new Quiver10HnswVectorsFormat(16, 48, 1), scheduler, SMALL_SEGMENTS);
    assertEquals(0, scheduler.graphTasks.get());
  }

  /** The stock scheduler and the default format: small merges build on the merging thread. */
  public void testStockConcurrentMergeScheduler() throws Exception {
    assertEquals(
        Quiver10HnswVectorsFormat.DEFAULT_NUM_MERGE_WORKERS,
        new Quiver10HnswVectorsFormat(16, 48).numMergeWorkers());
    mergeAndCheck(
        new Quiver10HnswVectorsFormat(16, 48), new ConcurrentMergeScheduler(), SMALL_SEGMENTS);
  }

  /** Workers that add the small segments' vectors to the graph of the large one. */
  public void testWorkersExtendTheLargestSourceGraph() throws Exception {
    LendingMergeScheduler scheduler = new LendingMergeScheduler();
    mergeAndCheck(new Quiver10HnswVectorsFormat(16, 48, 4), scheduler, ONE_GRAPH_SEGMENT);
    assertEquals(3, scheduler.graphTasks.get());
  }

  public void testMergeWorkerBounds() {
    expectThrows(IllegalArgumentException.class, () -> new Quiver10HnswVectorsFormat(16, 48, 0));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> new Quiver10HnswVectorsFormat(16, 48, 65));
    assertTrue(e.getMessage(), e.getMessage().contains("numMergeWorkers=65"));
  }

  private void mergeAndCheck(
      Quiver10HnswVectorsFormat format, MergeScheduler scheduler, int[] segmentSizes)
      throws IOException {
    int total = Arrays.stream(segmentSizes).sum();
    float[][] docs = new float[total][];
    for (int d = 0; d < total; d++) {
      docs[d] = randomVector();
    }
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w =
          new IndexWriter(
              dir,
              new IndexWriterConfig()
                  .setCodec(TestUtil.alwaysKnnVectorsFormat(format))
                  .setMergeScheduler(scheduler)
                  .setMergePolicy(
                      new LogDocMergePolicy()) // keeps doc order: doc id = index in docs
                  .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
                  .setRAMBufferSizeMB(256))) {
        int d = 0;
        for (int size : segmentSizes) {
          for (int i = 0; i < size; i++, d++) {
            Document doc = new Document();
            doc.add(new KnnFloatVectorField("v", docs[d], VectorSimilarityFunction.EUCLIDEAN));
            w.addDocument(doc);
          }
          w.commit();
        }
        try (DirectoryReader r = DirectoryReader.open(w)) {
          assertEquals(segmentSizes.length, r.leaves().size());
          int withGraph = 0;
          for (var ctx : r.leaves()) {
            withGraph += TestQuiver10HnswHighDimensions.graph(ctx.reader(), "v").size() > 0 ? 1 : 0;
          }
          assertEquals(segmentSizes == ONE_GRAPH_SEGMENT ? 1 : 0, withGraph);
        }
        w.forceMerge(1);
        w.commit();
      }
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        assertEquals(1, r.leaves().size());
        LeafReader leaf = r.leaves().get(0).reader();
        checkGraph(TestQuiver10HnswHighDimensions.graph(leaf, "v"), format.m(), total);
        checkSearch(new IndexSearcher(r), docs);
      }
    }
  }

  private static void checkGraph(HnswGraph graph, int m, int total) throws IOException {
    assertEquals(total, graph.size());
    assertEquals(m, graph.maxConn());
    HnswGraph.NodesIterator nodes = graph.getNodesOnLevel(0);
    while (nodes.hasNext()) {
      int node = nodes.nextInt();
      graph.seek(0, node);
      int neighbours = 0;
      for (int n = graph.nextNeighbor();
          n != DocIdSetIterator.NO_MORE_DOCS;
          n = graph.nextNeighbor()) {
        assertTrue(n >= 0 && n < total && n != node);
        neighbours++;
      }
      assertTrue("node " + node + " has " + neighbours, neighbours > 0 && neighbours <= 2 * m);
    }
  }

  /** Recall@10 (beam 50) against exact search, and indexed vectors find themselves. */
  private static void checkSearch(IndexSearcher searcher, float[][] docs) throws IOException {
    int queries = 30;
    int found = 0;
    int self = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = q % 2 == 0 ? randomVector() : docs[random().nextInt(docs.length)];
      // 5k candidates (the beam), the best k of them compared with the exact k.
      TopDocs td = searcher.search(new KnnFloatVectorQuery("v", query, 5 * K), K);
      assertTrue("a graph search, not a scan", td.totalHits.value() < docs.length);
      assertEquals(K, td.scoreDocs.length);
      Set<Integer> exact = exactTopK(docs, query);
      for (ScoreDoc sd : td.scoreDocs) {
        found += exact.contains(sd.doc) ? 1 : 0;
      }
      if (q % 2 == 1) {
        self += Arrays.equals(docs[td.scoreDocs[0].doc], query) ? 1 : 0;
      }
    }
    double recall = found / (double) (queries * K);
    assertTrue("recall@" + K + " " + recall, recall >= 0.9);
    assertTrue("self hits " + self, self >= queries / 2 - 1);
  }

  private static Set<Integer> exactTopK(float[][] docs, float[] query) {
    Integer[] ids = new Integer[docs.length];
    float[] scores = new float[docs.length];
    for (int d = 0; d < docs.length; d++) {
      ids[d] = d;
      scores[d] = VectorSimilarityFunction.EUCLIDEAN.compare(query, docs[d]);
    }
    Arrays.sort(ids, (a, b) -> Float.compare(scores[b], scores[a]));
    return new HashSet<>(Arrays.asList(ids).subList(0, K));
  }

  private static float[] randomVector() {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) {
      v[i] = (float) random().nextGaussian();
    }
    return v;
  }
}
