package dev.quiver.plugin.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.codec.fde.Quiver10FdeVectorsFormat;
import dev.quiver.codec.multivector.MultiVectorCodec;
import dev.quiver.codec.multivector.MultiVectorEncoding;
import dev.quiver.codec.muvera.FdeEncoder;
import dev.quiver.codec.muvera.FdeParams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.Explanation;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MaxSimQuery} on a real Lucene index (two segments, fields written as the mapper writes
 * them): the exact scan equals brute-force MaxSim (ids and scores), the FDE path with every
 * document as a candidate finds the same, filters apply, explain tells how a hit was found, and a
 * segment of another FDE encoding is refused.
 */
class MaxSimQueryTests {

  private static final int DIMS = 8;
  private static final int DOCS = 60;
  private static final FdeParams PARAMS = new FdeParams(4, 2, 4, 0, 3L, FdeParams.VERSION_1);

  private final Random random = new Random(42);
  private final FdeEncoder encoder = new FdeEncoder(PARAMS, DIMS);
  private final float[][] docs = new float[DOCS][];
  private ByteBuffersDirectory dir;
  private DirectoryReader reader;

  private float[] unitVectors(int count) {
    float[] flat = new float[count * DIMS];
    for (int t = 0; t < count; t++) {
      double norm = 0;
      for (int i = 0; i < DIMS; i++) {
        flat[t * DIMS + i] = (float) random.nextGaussian();
        norm += flat[t * DIMS + i] * flat[t * DIMS + i];
      }
      for (int i = 0; i < DIMS; i++) {
        flat[t * DIMS + i] /= (float) Math.sqrt(norm);
      }
    }
    return flat;
  }

  @BeforeEach
  void index() throws IOException {
    dir = new ByteBuffersDirectory();
    FieldType fde =
        Quiver10FdeVectorsFormat.fieldType(
            PARAMS.fdeDims(),
            VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
            PARAMS.fingerprint(DIMS));
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
      for (int d = 0; d < DOCS; d++) {
        docs[d] = unitVectors(1 + random.nextInt(6));
        int count = docs[d].length / DIMS;
        Document doc = new Document();
        doc.add(new StoredField("id", d));
        doc.add(new IntPoint("p", d));
        doc.add(new KnnFloatVectorField("mv", encoder.encodeDocument(docs[d], count), fde));
        doc.add(
            new BinaryDocValuesField(
                "mv._mv",
                MultiVectorCodec.encode(MultiVectorEncoding.FLOAT32, docs[d], count, DIMS)));
        w.addDocument(doc);
        if (d == DOCS / 2) {
          w.commit();
        }
      }
    }
    reader = DirectoryReader.open(dir);
    assertTrue(reader.leaves().size() >= 2);
  }

  @AfterEach
  void close() throws IOException {
    reader.close();
    dir.close();
  }

  private static double maxSim(float[] query, float[] doc) {
    double sum = 0;
    for (int q = 0; q < query.length / DIMS; q++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int p = 0; p < doc.length / DIMS; p++) {
        double dot = 0;
        for (int i = 0; i < DIMS; i++) {
          dot += query[q * DIMS + i] * doc[p * DIMS + i];
        }
        best = Math.max(best, dot);
      }
      sum += best;
    }
    return Math.max(0, sum);
  }

  private MaxSimQuery query(float[] q, boolean exact, int k, Query filter, String fingerprint) {
    return new MaxSimQuery(
        "mv",
        "mv._mv",
        q,
        DIMS,
        exact ? null : encoder.encodeQuery(q, q.length / DIMS),
        k,
        DOCS,
        0,
        filter,
        fingerprint);
  }

  private List<Integer> ids(IndexSearcher searcher, TopDocs top) throws IOException {
    List<Integer> ids = new ArrayList<>();
    for (ScoreDoc sd : top.scoreDocs) {
      ids.add(searcher.storedFields().document(sd.doc).getField("id").numericValue().intValue());
    }
    return ids;
  }

  private List<Integer> bruteForce(float[] q, int k, java.util.function.IntPredicate admitted) {
    return IntStream.range(0, DOCS)
        .filter(admitted)
        .boxed()
        .sorted(Comparator.comparingDouble(d -> -maxSim(q, docs[d])))
        .limit(k)
        .toList();
  }

  @Test
  void exactAndFullCandidateSearchEqualBruteForce() throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    for (int round = 0; round < 10; round++) {
      float[] q = unitVectors(1 + random.nextInt(4));
      List<Integer> expected = bruteForce(q, 5, d -> true);
      for (boolean exact : new boolean[] {true, false}) {
        TopDocs top = searcher.search(query(q, exact, 5, null, PARAMS.fingerprint(DIMS)), 5);
        List<Integer> got = ids(searcher, top);
        assertEquals(expected, got, "exact=" + exact);
        for (int i = 0; i < got.size(); i++) {
          assertEquals(maxSim(q, docs[got.get(i)]), top.scoreDocs[i].score, 1e-4);
        }
      }
    }
  }

  @Test
  void filterAppliesInBothModes() throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    float[] q = unitVectors(3);
    Query evenHalf = IntPoint.newRangeQuery("p", 0, DOCS / 2);
    for (boolean exact : new boolean[] {true, false}) {
      List<Integer> got =
          ids(searcher, searcher.search(query(q, exact, 5, evenHalf, PARAMS.fingerprint(DIMS)), 5));
      assertEquals(bruteForce(q, 5, d -> d <= DOCS / 2), got, "exact=" + exact);
    }
  }

  @Test
  void explainTellsHowTheHitWasFound() throws IOException {
    IndexSearcher searcher = new IndexSearcher(reader);
    float[] q = unitVectors(2);
    MaxSimQuery approx = query(q, false, 3, null, PARAMS.fingerprint(DIMS));
    TopDocs top = searcher.search(approx, 3);
    Explanation e = searcher.explain(approx, top.scoreDocs[0].doc);
    assertTrue(e.isMatch());
    assertEquals(top.scoreDocs[0].score, e.getValue().floatValue(), 1e-6);
    assertTrue(e.toString().contains("FDE candidate rank"), e.toString());
    MaxSimQuery exact = query(q, true, 3, null, PARAMS.fingerprint(DIMS));
    assertTrue(searcher.explain(exact, top.scoreDocs[0].doc).toString().contains("exact"));
    int miss =
        IntStream.range(0, reader.maxDoc())
            .filter(d -> java.util.Arrays.stream(top.scoreDocs).noneMatch(sd -> sd.doc == d))
            .findFirst()
            .getAsInt();
    assertFalse(searcher.explain(approx, miss).isMatch());
  }

  @Test
  void segmentsOfAnotherEncodingAreRefused() {
    IndexSearcher searcher = new IndexSearcher(reader);
    float[] q = unitVectors(2);
    String other = new FdeParams(4, 2, 4, 0, 4L, FdeParams.VERSION_1).fingerprint(DIMS);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> searcher.search(query(q, false, 3, null, other), 3));
    assertTrue(e.getMessage().contains("field [mv]"), e.getMessage());
  }
}
