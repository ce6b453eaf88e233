package dev.quiver.codec.compat;

import dev.quiver.codec.compat.Quiver10CompatIndex.FieldSpec;
import dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat;
import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnByteVectorQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * Every Quiver10 format version we ever shipped stays readable: each checked-in index of {@link
 * Quiver10CompatIndex} opens with today's code, holds exactly the vectors the specification
 * generates, and answers searches (exact for the flat format, with high recall through a real graph
 * for HNSW).
 */
public class TestQuiver10CompatIndices extends LuceneTestCase {

  private static final int K = 10;

  /** Format version 0: Lucene99 files only, no Quiver file, no version attribute. */
  public void testVersion0() throws Exception {
    checkVersion(0);
  }

  /** Format version 1: adds the .qfm/.qhm meta files and the segment version attributes. */
  public void testVersion1() throws Exception {
    checkVersion(1);
  }

  /** A new format version cannot ship without its checked-in index. */
  public void testEveryVersionIsCheckedIn() throws IOException {
    assertEquals(
        Quiver10FlatVectorsFormat.VERSION_CURRENT, Quiver10HnswVectorsFormat.VERSION_CURRENT);
    for (int v = Quiver10HnswVectorsFormat.VERSION_START;
        v <= Quiver10HnswVectorsFormat.VERSION_CURRENT;
        v++) {
      try (InputStream in = getClass().getResourceAsStream(resource(v))) {
        assertNotNull("no checked-in index for format version " + v + ": " + resource(v), in);
      }
    }
  }

  private static String resource(int version) {
    return "/compat/quiver10-v" + version + ".zip";
  }

  static Directory unzip(Directory dir, String resource) throws IOException {
    try (InputStream in = TestQuiver10CompatIndices.class.getResourceAsStream(resource)) {
      assertNotNull("missing test resource " + resource, in);
      try (ZipInputStream zip = new ZipInputStream(in)) {
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          try (IndexOutput out = dir.createOutput(e.getName(), IOContext.DEFAULT)) {
            byte[] bytes = zip.readAllBytes();
            out.writeBytes(bytes, bytes.length);
          }
        }
      }
    }
    return dir;
  }

  private void checkVersion(int version) throws Exception {
    try (Directory dir =
        unzip(new ByteBuffersDirectory(), "/compat/quiver10-v" + version + ".zip")) {
      TestUtil.checkIndex(dir);
      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      assertEquals(1, infos.size());
      assertEquals(Quiver10CompatIndex.DOCS, infos.info(0).info.maxDoc());
      checkVersionAttributes(infos.info(0).info.getAttributes(), version);
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        assertEquals(1, reader.leaves().size());
        LeafReader leaf = reader.leaves().get(0).reader();
        int[] idOfDoc = ids(leaf);
        for (FieldSpec field : Quiver10CompatIndex.FIELDS) {
          checkVectors(leaf, idOfDoc, field);
          if (field.hnsw()) {
            checkGraph(leaf, field);
          }
          checkSearch(reader, idOfDoc, field);
        }
      }
    }
  }

  /**
   * Version 0 wrote no Quiver attribute; later versions one per format and segment suffix: the flat
   * storage of each of the three formats in use, and the graph of the two HNSW ones.
   */
  private static void checkVersionAttributes(Map<String, String> attributes, int version) {
    Map<String, String> quiver = new TreeMap<>();
    attributes.forEach(
        (k, v) -> {
          if (k.startsWith("Quiver10")) {
            quiver.put(k, v);
          }
        });
    if (version == 0) {
      assertEquals(Map.of(), quiver);
      return;
    }
    String flat = Quiver10FlatVectorsFormat.NAME + ".version.";
    String hnsw = Quiver10HnswVectorsFormat.NAME + ".version.";
    String v = Integer.toString(version);
    assertEquals(
        Map.of(
            flat + "Quiver10FlatVectorsFormat_0", v,
            flat + "Quiver10HnswVectorsFormat_0", v,
            flat + "Quiver10HnswVectorsFormat_1", v,
            hnsw + "Quiver10HnswVectorsFormat_0", v,
            hnsw + "Quiver10HnswVectorsFormat_1", v),
        quiver);
  }

  private static int[] ids(LeafReader leaf) throws IOException {
    StoredFields stored = leaf.storedFields();
    int[] ids = new int[leaf.maxDoc()];
    for (int doc = 0; doc < ids.length; doc++) {
      ids[doc] = Integer.parseInt(stored.document(doc).get("id"));
    }
    return ids;
  }

  private static void checkVectors(LeafReader leaf, int[] idOfDoc, FieldSpec field)
      throws IOException {
    KnnVectorValues values =
        field.encoding() == VectorEncoding.BYTE
            ? leaf.getByteVectorValues(field.name())
            : leaf.getFloatVectorValues(field.name());
    assertNotNull(field.name(), values);
    assertEquals(field.name(), field.dims(), values.dimension());
    int expectedCount = 0;
    for (int id = 0; id < Quiver10CompatIndex.DOCS; id++) {
      expectedCount += field.has(id) ? 1 : 0;
    }
    assertEquals(field.name(), expectedCount, values.size());
    KnnVectorValues.DocIndexIterator it = values.iterator();
    int seen = 0;
    for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
      int id = idOfDoc[doc];
      assertTrue(field.name() + " id " + id, field.has(id));
      if (values instanceof ByteVectorValues bytes) {
        assertArrayEquals(
            field.name() + " id " + id,
            Quiver10CompatIndex.byteVector(field, id),
            bytes.vectorValue(it.index()));
      } else {
        assertArrayEquals(
            field.name() + " id " + id,
            Quiver10CompatIndex.floatVector(field, id),
            ((FloatVectorValues) values).vectorValue(it.index()),
            0f);
      }
      seen++;
    }
    assertEquals(expectedCount, seen);
  }

  private static void checkGraph(LeafReader leaf, FieldSpec field) throws IOException {
    KnnVectorsReader vectors = ((CodecReader) leaf).getVectorReader();
    if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
      vectors = perField.getFieldReader(field.name());
    }
    assertTrue(field.name() + ": " + vectors, vectors instanceof HnswGraphProvider);
    HnswGraph graph = ((HnswGraphProvider) vectors).getGraph(field.name());
    int count =
        field.encoding() == VectorEncoding.BYTE
            ? leaf.getByteVectorValues(field.name()).size()
            : leaf.getFloatVectorValues(field.name()).size();
    assertEquals(field.name() + ": a graph over every vector", count, graph.size());
    assertEquals(field.name(), field.m(), graph.maxConn());
  }

  private static void checkSearch(DirectoryReader reader, int[] idOfDoc, FieldSpec field)
      throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    int found = 0;
    int wanted = 0;
    for (boolean filtered : new boolean[] {false, true}) {
      for (int q = 0; q < Quiver10CompatIndex.QUERIES; q++) {
        int queryId = Quiver10CompatIndex.DOCS + q;
        Query filter = filtered ? new TermQuery(new Term("parity", "even")) : null;
        Query query =
            field.encoding() == VectorEncoding.BYTE
                ? new KnnByteVectorQuery(
                    field.name(), Quiver10CompatIndex.byteVector(field, queryId), K, filter)
                : new KnnFloatVectorQuery(
                    field.name(), Quiver10CompatIndex.floatVector(field, queryId), K, filter);
        TopDocs td = searcher.search(query, K);
        float[] expected = exactTopScores(field, queryId, filtered);
        assertEquals(field.name(), K, td.scoreDocs.length);
        float kth = expected[K - 1];
        for (int i = 0; i < K; i++) {
          ScoreDoc sd = td.scoreDocs[i];
          int id = idOfDoc[sd.doc];
          String what = field.name() + " query " + q + " filtered=" + filtered + " hit " + i;
          assertFalse(what, Quiver10CompatIndex.deleted(id));
          assertTrue(what, field.has(id));
          assertTrue(what, filtered == false || Quiver10CompatIndex.parity(id).equals("even"));
          assertEquals(what, score(field, queryId, id), sd.score, 1e-5f * Math.abs(sd.score));
          if (field.hnsw() == false) {
            assertEquals(what, expected[i], sd.score, 1e-5f * Math.abs(expected[i]));
          }
          if (sd.score >= kth - 1e-5f * Math.abs(kth)) {
            found++;
          }
        }
        wanted += K;
      }
    }
    if (field.hnsw()) {
      assertTrue(field.name() + " recall " + found + "/" + wanted, found >= 0.9 * wanted);
    } else {
      assertEquals(field.name(), wanted, found);
    }
  }

  private static float[] exactTopScores(FieldSpec field, int queryId, boolean evenOnly) {
    List<Float> scores = new ArrayList<>();
    for (int id = 0; id < Quiver10CompatIndex.DOCS; id++) {
      if (field.has(id)
          && Quiver10CompatIndex.deleted(id) == false
          && (evenOnly == false || Quiver10CompatIndex.parity(id).equals("even"))) {
        scores.add(score(field, queryId, id));
      }
    }
    float[] sorted = new float[scores.size()];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = -scores.get(i);
    }
    Arrays.sort(sorted);
    float[] top = new float[K];
    for (int i = 0; i < K; i++) {
      top[i] = -sorted[i];
    }
    return top;
  }

  private static float score(FieldSpec field, int queryId, int id) {
    if (field.encoding() == VectorEncoding.BYTE) {
      return field
          .similarity()
          .compare(
              Quiver10CompatIndex.byteVector(field, queryId),
              Quiver10CompatIndex.byteVector(field, id));
    }
    return field
        .similarity()
        .compare(
            Quiver10CompatIndex.floatVector(field, queryId),
            Quiver10CompatIndex.floatVector(field, id));
  }

  /** The specification itself: deletions and sparse fields are really exercised. */
  public void testSpecificationCoversDeletesAndSparseFields() {
    Set<String> similarities = new HashSet<>();
    int deleted = 0;
    for (int id = 0; id < Quiver10CompatIndex.DOCS; id++) {
      deleted += Quiver10CompatIndex.deleted(id) ? 1 : 0;
    }
    assertTrue(deleted > 5);
    boolean sparse = false;
    for (FieldSpec f : Quiver10CompatIndex.FIELDS) {
      similarities.add(f.similarity().name());
      sparse |= f.missingEvery() > 0;
    }
    assertTrue(sparse);
    assertEquals(4, similarities.size());
  }
}
