package dev.quiver.codec.quiver10;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.Bits;

/**
 * The exhaustive reader of the {@code flat} format: exact under filters of every selectivity, and a
 * selective filter is walked through its iterator instead of testing every vector.
 */
public class TestExhaustiveSearchVectorsReader extends LuceneTestCase {

  private static final int DOCS = 3000;
  private static final int DIMS = 16;
  private static final int K = 10;

  private float[][] vectors; // null where the document has no vector
  private int[] permille;

  public void testFiltersOfEverySelectivityAreExact() throws Exception {
    try (Directory dir = writeIndex(true)) {
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(1, reader.leaves().size());
        IndexSearcher searcher = new IndexSearcher(reader);
        for (int accepted : new int[] {2, 10, 100, 500, 900, 1000}) {
          for (int q = 0; q < 5; q++) {
            float[] query = randomVector();
            TopDocs td =
                searcher.search(
                    new KnnFloatVectorQuery(
                        "v", query, K, IntPoint.newRangeQuery("permille", 0, accepted - 1)),
                    K);
            List<float[]> expected = exact(query, accepted, true);
            int n = Math.min(K, expected.size());
            assertEquals("filter " + accepted + "‰", n, td.scoreDocs.length);
            for (int i = 0; i < n; i++) {
              ScoreDoc sd = td.scoreDocs[i];
              int id = id(searcher, sd.doc);
              assertTrue(permille[id] < accepted);
              assertNotNull(vectors[id]);
              assertFalse(deleted(id));
              assertEquals(
                  "filter " + accepted + "‰ hit " + i, expected.get(i)[0], sd.score, 1e-5f);
            }
          }
        }
      }
    }
  }

  /**
   * Called on the reader directly: a filter accepting a tenth of the vectors is iterated (its bits
   * never read), a broad one is read as bits (its iterator never created); both score every
   * accepted vector once and return the exact top k.
   */
  public void testSelectiveFilterIsIteratedBroadFilterIsTested() throws Exception {
    try (Directory dir = writeIndex(false)) {
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leaf = reader.leaves().get(0).reader();
        KnnVectorsReader vectorsReader = ((CodecReader) leaf).getVectorReader();
        if (vectorsReader instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
          vectorsReader = perField.getFieldReader("v");
        }
        assertTrue(vectorsReader instanceof ExhaustiveSearchVectorsReader);
        for (int accepted : new int[] {100, 900}) {
          float[] query = randomVector();
          CountingAcceptDocs acceptDocs = new CountingAcceptDocs(accepted);
          TopKnnCollector collector = new TopKnnCollector(K, Integer.MAX_VALUE);
          vectorsReader.search("v", query, collector, acceptDocs);
          if (accepted <= 500) {
            assertEquals("bits read for a selective filter", 0, acceptDocs.bitsReads.get());
            assertEquals(1, acceptDocs.iterators.get());
          } else {
            assertEquals("iterator created for a broad filter", 0, acceptDocs.iterators.get());
            assertTrue(acceptDocs.bitsReads.get() > 0);
          }
          assertEquals(
              "each accepted vector scored once",
              acceptDocs.acceptedWithVector,
              collector.visitedCount());
          TopDocs td = collector.topDocs();
          List<float[]> expected = exact(query, accepted, false);
          assertEquals(K, td.scoreDocs.length);
          for (int i = 0; i < K; i++) {
            assertEquals(expected.get(i)[0], td.scoreDocs[i].score, 1e-5f);
            assertEquals((int) expected.get(i)[1], td.scoreDocs[i].doc);
          }
        }
      }
    }
  }

  /** Accepts documents whose per-mille bucket is below a bound; counts how it is consumed. */
  private final class CountingAcceptDocs extends AcceptDocs {
    final AtomicInteger bitsReads = new AtomicInteger();
    final AtomicInteger iterators = new AtomicInteger();
    final int[] docs;
    final int acceptedWithVector;
    final int bound;

    CountingAcceptDocs(int bound) {
      this.bound = bound;
      List<Integer> docs = new ArrayList<>();
      int withVector = 0;
      for (int d = 0; d < DOCS; d++) {
        if (permille[d] < bound) {
          docs.add(d);
          withVector += vectors[d] != null ? 1 : 0;
        }
      }
      this.docs = docs.stream().mapToInt(Integer::intValue).toArray();
      this.acceptedWithVector = withVector;
    }

    @Override
    public Bits bits() {
      return new Bits() {
        @Override
        public boolean get(int index) {
          bitsReads.incrementAndGet();
          return permille[index] < bound;
        }

        @Override
        public int length() {
          return DOCS;
        }
      };
    }

    @Override
    public DocIdSetIterator iterator() {
      iterators.incrementAndGet();
      return new DocIdSetIterator() {
        int i = -1;

        @Override
        public int docID() {
          return i < 0 ? -1 : i < docs.length ? docs[i] : NO_MORE_DOCS;
        }

        @Override
        public int nextDoc() {
          i++;
          return docID();
        }

        @Override
        public int advance(int target) {
          int at = Arrays.binarySearch(docs, target);
          i = at >= 0 ? at : -at - 1;
          return docID();
        }

        @Override
        public long cost() {
          return docs.length;
        }
      };
    }

    @Override
    public int cost() {
      return docs.length;
    }
  }

  /** Exact top k as (score, doc id) pairs among live documents with a vector and a bucket below. */
  private List<float[]> exact(float[] query, int bound, boolean liveOnly) {
    List<float[]> all = new ArrayList<>();
    for (int d = 0; d < DOCS; d++) {
      if (vectors[d] != null && permille[d] < bound && (liveOnly == false || deleted(d) == false)) {
        all.add(new float[] {VectorSimilarityFunction.EUCLIDEAN.compare(query, vectors[d]), d});
      }
    }
    all.sort((a, b) -> Float.compare(b[0], a[0]));
    return all;
  }

  private static boolean deleted(int id) {
    return id % 31 == 7;
  }

  private static int id(IndexSearcher searcher, int doc) throws IOException {
    return searcher.storedFields().document(doc).getField("id").numericValue().intValue();
  }

  /** One segment in doc-id order = id order; a tenth of the documents have no vector. */
  private Directory writeIndex(boolean withDeletes) throws IOException {
    vectors = new float[DOCS][];
    permille = new int[DOCS];
    Directory dir = new ByteBuffersDirectory();
    try (IndexWriter w =
        new IndexWriter(
            dir,
            new IndexWriterConfig()
                .setCodec(TestUtil.alwaysKnnVectorsFormat(new Quiver10FlatVectorsFormat()))
                .setMergePolicy(NoMergePolicy.INSTANCE)
                .setRAMBufferSizeMB(64)
                .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH))) {
      for (int d = 0; d < DOCS; d++) {
        permille[d] = random().nextInt(1000);
        Document doc = new Document();
        doc.add(new StoredField("id", d));
        doc.add(new StringField("key", Integer.toString(d), Field.Store.NO));
        doc.add(new IntPoint("permille", permille[d]));
        if (random().nextInt(10) != 0) {
          vectors[d] = randomVector();
          doc.add(new KnnFloatVectorField("v", vectors[d], VectorSimilarityFunction.EUCLIDEAN));
        }
        w.addDocument(doc);
      }
      w.commit();
      if (withDeletes) {
        for (int d = 0; d < DOCS; d++) {
          if (deleted(d)) {
            w.deleteDocuments(new Term("key", Integer.toString(d)));
          }
        }
        w.commit();
      }
    }
    return dir;
  }

  private static float[] randomVector() {
    float[] v = new float[DIMS];
    for (int i = 0; i < DIMS; i++) {
      v[i] = random().nextFloat() * 2 - 1;
    }
    return v;
  }
}
