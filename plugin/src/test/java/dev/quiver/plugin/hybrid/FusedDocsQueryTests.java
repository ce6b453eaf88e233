package dev.quiver.plugin.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.opensearch.index.mapper.Uid;

/** The final search's Lucene query over a real index of several segments with deletions. */
class FusedDocsQueryTests {

  private static Document doc(String id) {
    Document d = new Document();
    d.add(new StringField("_id", Uid.encodeId(id), Field.Store.NO));
    d.add(new StringField("id", id, Field.Store.YES));
    return d;
  }

  @Test
  void matchesExactlyTheFusedLiveDocumentsInFusedOrder() throws IOException {
    try (Directory dir = new ByteBuffersDirectory()) {
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
        for (int i = 0; i < 30; i++) {
          w.addDocument(doc("d" + i));
          if (i % 10 == 9) {
            w.commit(); // several segments
          }
        }
        // d3 updated (old copy deleted), d4 deleted.
        w.updateDocument(new Term("_id", Uid.encodeId("d3")), doc("d3"));
        w.deleteDocuments(new Term("_id", Uid.encodeId("d4")));
      }
      List<String> fusedOrder = List.of("d25", "d3", "d4", "d0", "d17", "missing");
      List<BytesRef> uids = new ArrayList<>();
      float[] order = new float[fusedOrder.size()];
      FusedHit[] hits = new FusedHit[fusedOrder.size()];
      for (int i = 0; i < fusedOrder.size(); i++) {
        uids.add(Uid.encodeId(fusedOrder.get(i)));
        order[i] = QuiverFusedQueryBuilder.orderScore(i, fusedOrder.size());
        hits[i] =
            new FusedHit(
                "idx/" + fusedOrder.get(i),
                1f / (i + 1),
                new int[] {i + 1, 0},
                new float[] {9f - i, Float.NaN});
      }
      FusedDocsQuery query =
          new FusedDocsQuery("_id", uids.toArray(new BytesRef[0]), order, hits, "rrf");
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertTrue(reader.leaves().size() > 1);
        IndexSearcher searcher = new IndexSearcher(reader);
        TopDocs top = searcher.search(query, 10);
        List<String> ids = new ArrayList<>();
        for (ScoreDoc sd : top.scoreDocs) {
          ids.add(searcher.storedFields().document(sd.doc).get("id"));
        }
        assertEquals(List.of("d25", "d3", "d0", "d17"), ids);
        assertEquals(4, searcher.count(query));
        Explanation e = searcher.explain(query, top.scoreDocs[1].doc);
        assertTrue(e.isMatch());
        assertEquals(0.5f, e.getValue().floatValue());
        assertTrue(e.getDescription().contains("method [rrf]"), e.getDescription());
        assertEquals("sub-query [0]: rank [2], score", e.getDetails()[0].getDescription());
        assertEquals(8f, e.getDetails()[0].getValue().floatValue());
        assertFalse(e.getDetails()[1].isMatch());
        int other = -1;
        for (int doc = 0; doc < reader.maxDoc(); doc++) {
          if (searcher.storedFields().document(doc).get("id").equals("d5")) {
            other = doc;
          }
        }
        assertFalse(searcher.explain(query, other).isMatch());
      }
    }
  }
}
