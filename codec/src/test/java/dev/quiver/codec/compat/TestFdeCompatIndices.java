package dev.quiver.codec.compat;

import dev.quiver.codec.fde.Quiver10FdeVectorsFormat;
import dev.quiver.codec.multivector.MaxSim;
import dev.quiver.codec.multivector.MultiVectorCodec;
import dev.quiver.codec.multivector.MultiVectorEncoding;
import dev.quiver.codec.muvera.FdeEncoder;
import dev.quiver.codec.muvera.FdeParams;
import java.io.IOException;
import java.io.InputStream;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * Every version of the FDE format stays readable, and the FDE algorithm and multi-vector layout
 * version 1 stay what they were: the checked-in index of {@link FdeCompatIndex} opens with today's
 * code, reports its fingerprints, holds exactly the FDEs today's encoder computes, and its stored
 * multi-vector bytes decode and score as today's code expects.
 */
public class TestFdeCompatIndices extends LuceneTestCase {

  public void testVersion0() throws Exception {
    try (Directory dir = TestQuiver10CompatIndices.unzip(new ByteBuffersDirectory(), resource(0))) {
      TestUtil.checkIndex(dir);
      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      assertEquals(1, infos.size());
      long recorded =
          infos.info(0).info.getAttributes().entrySet().stream()
              .filter(e -> e.getKey().startsWith(Quiver10FdeVectorsFormat.NAME + ".version"))
              .peek(e -> assertEquals(e.getKey(), "0", e.getValue()))
              .count();
      assertEquals(2, recorded);
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        LeafReader leaf = reader.leaves().get(0).reader();
        int[] idOfDoc = new int[leaf.maxDoc()];
        for (int doc = 0; doc < leaf.maxDoc(); doc++) {
          idOfDoc[doc] = Integer.parseInt(leaf.storedFields().document(doc).get("id"));
        }
        checkFde(leaf, idOfDoc, "fde_q", FdeCompatIndex.PARAMS_Q);
        checkFde(leaf, idOfDoc, "fde_f", FdeCompatIndex.PARAMS_F);
        for (MultiVectorEncoding e : MultiVectorEncoding.values()) {
          checkTokens(leaf, idOfDoc, e);
        }
        checkSearch(new IndexSearcher(reader), leaf, idOfDoc);
      }
    }
  }

  public void testEveryVersionIsCheckedIn() throws IOException {
    for (int v = Quiver10FdeVectorsFormat.VERSION_START;
        v <= Quiver10FdeVectorsFormat.VERSION_CURRENT;
        v++) {
      try (InputStream in = getClass().getResourceAsStream(resource(v))) {
        assertNotNull("no checked-in index for format version " + v + ": " + resource(v), in);
      }
    }
  }

  private static String resource(int version) {
    return "/compat/fde10-v" + version + ".zip";
  }

  private static void checkFde(LeafReader leaf, int[] idOfDoc, String field, FdeParams params)
      throws IOException {
    FdeEncoder encoder = new FdeEncoder(params, FdeCompatIndex.TOKEN_DIMS);
    assertEquals(
        encoder.fingerprint(),
        Quiver10FdeVectorsFormat.fingerprint(leaf.getFieldInfos().fieldInfo(field)));
    FloatVectorValues values = leaf.getFloatVectorValues(field);
    KnnVectorValues.DocIndexIterator it = values.iterator();
    int count = 0;
    for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
      int id = idOfDoc[doc];
      float[] expected =
          encoder.encodeDocument(FdeCompatIndex.tokens(id), FdeCompatIndex.tokenCount(id));
      assertArrayEquals(field + " id " + id, expected, values.vectorValue(it.index()), 0f);
      count++;
    }
    assertEquals(FdeCompatIndex.DOCS, count);
  }

  private static void checkTokens(LeafReader leaf, int[] idOfDoc, MultiVectorEncoding e)
      throws IOException {
    BinaryDocValues values = leaf.getBinaryDocValues(FdeCompatIndex.tokensField(e));
    float[] query = FdeCompatIndex.tokens(FdeCompatIndex.DOCS + 4);
    MaxSim maxSim = new MaxSim(query, FdeCompatIndex.tokenCount(4), FdeCompatIndex.TOKEN_DIMS);
    for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
      int id = idOfDoc[doc];
      int count = FdeCompatIndex.tokenCount(id);
      float[] tokens = FdeCompatIndex.tokens(id);
      var expected = MultiVectorCodec.encode(e, tokens, count, FdeCompatIndex.TOKEN_DIMS);
      assertEquals(e + " id " + id, expected, values.binaryValue());
      assertEquals(maxSim.score(expected), maxSim.score(values.binaryValue()), 0f);
    }
  }

  /** On the float field the FDE top hit is the brute-force FDE argmax. */
  private static void checkSearch(IndexSearcher searcher, LeafReader leaf, int[] idOfDoc)
      throws IOException {
    FdeEncoder encoder = new FdeEncoder(FdeCompatIndex.PARAMS_F, FdeCompatIndex.TOKEN_DIMS);
    for (int q = 0; q < 5; q++) {
      int qid = FdeCompatIndex.DOCS + q;
      float[] query =
          encoder.encodeQuery(FdeCompatIndex.tokens(qid), FdeCompatIndex.tokenCount(qid));
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      FloatVectorValues values = leaf.getFloatVectorValues("fde_f");
      for (int ord = 0; ord < values.size(); ord++) {
        float[] v = values.vectorValue(ord);
        double s = 0;
        for (int i = 0; i < v.length; i++) {
          s += (double) v[i] * query[i];
        }
        if (s > bestScore) {
          bestScore = s;
          best = values.ordToDoc(ord);
        }
      }
      TopDocs top = searcher.search(new KnnFloatVectorQuery("fde_f", query, 10), 10);
      boolean found = false;
      for (var sd : top.scoreDocs) {
        found |= sd.doc == best;
      }
      assertTrue("query " + q + ": best doc " + idOfDoc[best] + " not in the top 10", found);
    }
  }
}
