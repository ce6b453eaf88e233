package dev.quiver.codec.compat;

import dev.quiver.codec.compat.QuantizedCompatIndex.FieldSpec;
import dev.quiver.codec.quantized.QuantizedRescoring;
import dev.quiver.codec.quantized.Quiver10QuantizedFlatVectorsFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.Bits;

/**
 * Every version of the quantized formats we ever shipped stays readable: each checked-in index of
 * {@link QuantizedCompatIndex} opens with today's code, holds exactly the raw vectors the
 * specification generates, finds neighbours on its stored codes, and returns the exact top 10 after
 * rescoring.
 */
public class TestQuantizedCompatIndices extends LuceneTestCase {

  private static final int K = 10;

  /** Version 0: .qqm/.qqd beside the Quiver10 flat files (version 1). */
  public void testVersion0() throws Exception {
    checkVersion(0);
  }

  /**
   * Version 1: the same files, each record's corrective terms in 15 bytes, 4-bit queries against
   * the 4-bit field.
   */
  public void testVersion1() throws Exception {
    checkVersion(1);
  }

  /**
   * Version 2: the 1- and 2-bit fields (1,200 vectors) centred on 2 k-means cluster centroids, a
   * cluster id in each of their records.
   */
  public void testVersion2() throws Exception {
    checkVersion(2);
  }

  /** A new format version cannot ship without its checked-in index. */
  public void testEveryVersionIsCheckedIn() throws IOException {
    for (int v = Quiver10QuantizedFlatVectorsFormat.VERSION_START;
        v <= Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT;
        v++) {
      try (InputStream in = getClass().getResourceAsStream(resource(v))) {
        assertNotNull("no checked-in index for format version " + v + ": " + resource(v), in);
      }
    }
  }

  private static String resource(int version) {
    return "/compat/quantized10-v" + version + ".zip";
  }

  private void checkVersion(int version) throws Exception {
    try (Directory dir =
        TestQuiver10CompatIndices.unzip(new ByteBuffersDirectory(), resource(version))) {
      TestUtil.checkIndex(dir);
      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      assertEquals(1, infos.size());
      long recorded =
          infos.info(0).info.getAttributes().entrySet().stream()
              .filter(e -> e.getKey().startsWith(Quiver10QuantizedFlatVectorsFormat.NAME))
              .peek(e -> assertEquals(e.getKey(), Integer.toString(version), e.getValue()))
              .count();
      assertEquals(QuantizedCompatIndex.FIELDS.size(), recorded);
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leaf = reader.leaves().get(0).reader();
        int[] idOfDoc = new int[leaf.maxDoc()];
        for (int doc = 0; doc < leaf.maxDoc(); doc++) {
          idOfDoc[doc] = Integer.parseInt(leaf.storedFields().document(doc).get("id"));
        }
        IndexSearcher searcher = new IndexSearcher(reader);
        for (FieldSpec field : QuantizedCompatIndex.FIELDS) {
          checkVectors(leaf, idOfDoc, field);
          checkSearch(searcher, idOfDoc, field);
        }
      }
    }
  }

  private static void checkVectors(LeafReader leaf, int[] idOfDoc, FieldSpec field)
      throws IOException {
    FloatVectorValues values = leaf.getFloatVectorValues(field.name());
    KnnVectorValues.DocIndexIterator it = values.iterator();
    int count = 0;
    for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
      int id = idOfDoc[doc];
      assertTrue(field.has(id));
      assertArrayEquals(QuantizedCompatIndex.vector(field, id), values.vectorValue(it.index()), 0f);
      count++;
    }
    int expected = 0;
    for (int id = 0; id < QuantizedCompatIndex.DOCS; id++) {
      expected += field.has(id) ? 1 : 0;
    }
    assertEquals(field.name(), expected, count);
  }

  private static void checkSearch(IndexSearcher searcher, int[] idOfDoc, FieldSpec field)
      throws IOException {
    Bits live = searcher.getIndexReader().leaves().get(0).reader().getLiveDocs();
    int found = 0;
    for (int q = 0; q < QuantizedCompatIndex.QUERIES; q++) {
      float[] query = QuantizedCompatIndex.vector(field, QuantizedCompatIndex.DOCS + q);
      float[] exact = new float[QuantizedCompatIndex.DOCS];
      int n = 0;
      for (int doc = 0; doc < idOfDoc.length; doc++) {
        int id = idOfDoc[doc];
        if ((live == null || live.get(doc)) && field.has(id)) {
          exact[n++] = field.similarity().compare(query, QuantizedCompatIndex.vector(field, id));
        }
      }
      float[] top = Arrays.copyOf(exact, n);
      Arrays.sort(top);
      float kth = top[n - K];
      TopDocs rescored =
          searcher.search(QuantizedRescoring.query(field.name(), query, K, 50f, null), K);
      assertEquals(K, rescored.scoreDocs.length);
      for (int i = 0; i < K; i++) {
        assertEquals(field.name(), top[n - 1 - i], rescored.scoreDocs[i].score, 1e-5f);
      }
      TopDocs codes = searcher.search(new KnnFloatVectorQuery(field.name(), query, K), K);
      Set<Integer> seen = new HashSet<>();
      for (ScoreDoc sd : codes.scoreDocs) {
        seen.add(sd.doc);
        float s =
            field.similarity().compare(query, QuantizedCompatIndex.vector(field, idOfDoc[sd.doc]));
        found += s >= kth ? 1 : 0;
      }
      assertEquals(K, seen.size());
    }
    // On the codes alone at least a third of the true top 10 (1 bit on 24 random dimensions is the
    // weakest field): a misread code would give about K / n.
    assertTrue(field.name() + " found " + found, found >= QuantizedCompatIndex.QUERIES * K / 3);
  }
}
