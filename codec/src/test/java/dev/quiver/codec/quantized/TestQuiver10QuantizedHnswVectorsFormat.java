package dev.quiver.codec.quantized;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.tests.index.BaseKnnVectorsFormatTestCase;
import org.apache.lucene.tests.util.TestUtil;

/** Lucene's conformance suite for the quantized HNSW format (graph searched on the codes). */
public class TestQuiver10QuantizedHnswVectorsFormat extends BaseKnnVectorsFormatTestCase {

  private final int bits = new int[] {1, 2, 4, 8}[random().nextInt(4)];

  @Override
  protected Codec getCodec() {
    return TestUtil.alwaysKnnVectorsFormat(
        new Quiver10QuantizedHnswVectorsFormat(
            bits, TestUtil.nextInt(random(), 2, 32), TestUtil.nextInt(random(), 8, 128)));
  }

  @Override
  protected boolean supportsFloatVectorFallback() {
    return false;
  }

  @Override
  protected VectorEncoding randomVectorEncoding() {
    return VectorEncoding.FLOAT32;
  }

  public void testSpiNameIsClassName() {
    assertEquals(
        Quiver10QuantizedHnswVectorsFormat.class,
        KnnVectorsFormat.forName(Quiver10QuantizedHnswVectorsFormat.NAME).getClass());
    assertEquals(
        Quiver10QuantizedHnswVectorsFormat.class.getSimpleName(),
        Quiver10QuantizedHnswVectorsFormat.NAME);
  }

  public void testParameterBounds() {
    expectThrows(
        IllegalArgumentException.class, () -> new Quiver10QuantizedHnswVectorsFormat(3, 16, 100));
    expectThrows(
        IllegalArgumentException.class, () -> new Quiver10QuantizedHnswVectorsFormat(4, 0, 100));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class,
            () -> new Quiver10QuantizedHnswVectorsFormat(1, 16, 3201));
    assertTrue(e.getMessage(), e.getMessage().contains("beamWidth=3201"));
    for (int b : new int[] {1, 2, 4, 8}) {
      Quiver10QuantizedHnswVectorsFormat ok = new Quiver10QuantizedHnswVectorsFormat(b, 512, 3200);
      assertEquals(b, ok.bits());
      assertEquals(512, ok.m());
      assertEquals(3200, ok.beamWidth());
    }
  }

  public void testToStringNamesParameters() {
    String s = new Quiver10QuantizedHnswVectorsFormat(2, 24, 200).toString();
    assertTrue(s, s.contains("bits=2") && s.contains("m=24") && s.contains("beamWidth=200"));
  }

  /** Up to 16,384 dimensions (Lucene's quantized format stops at 1,024), searched on the codes. */
  public void testMaxDimensionsAreIndexedAndSearchable() throws Exception {
    int dims = Quiver10QuantizedFlatVectorsFormat.MAX_DIMENSIONS;
    Quiver10QuantizedHnswVectorsFormat format = new Quiver10QuantizedHnswVectorsFormat(1, 16, 100);
    assertEquals(dims, format.getMaxDimensions("f"));
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir, new IndexWriterConfig().setCodec(TestUtil.alwaysKnnVectorsFormat(format)))) {
      int n = 20;
      for (int i = 0; i < n; i++) {
        float[] v = new float[dims];
        v[i] = 1f;
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("f", v, VectorSimilarityFunction.DOT_PRODUCT));
        w.addDocument(doc);
      }
      w.commit();
      try (DirectoryReader r = DirectoryReader.open(w)) {
        float[] q = new float[dims];
        q[7] = 1f;
        IndexSearcher searcher = new IndexSearcher(r);
        TopDocs codes = searcher.search(new KnnFloatVectorQuery("f", q, 3), 3);
        assertEquals(7, codes.scoreDocs[0].doc);
        TopDocs exact = searcher.search(QuantizedRescoring.query("f", q, 3, 2f, null), 3);
        assertEquals(7, exact.scoreDocs[0].doc);
        assertEquals(1f, exact.scoreDocs[0].score, 1e-6);
      }
    }
  }

  public void testRescoringArgumentsAreChecked() {
    float[] q = {1f, 0f};
    expectThrows(
        IllegalArgumentException.class, () -> QuantizedRescoring.query("f", q, 0, 2f, null));
    IllegalArgumentException e =
        expectThrows(
            IllegalArgumentException.class, () -> QuantizedRescoring.query("f", q, 10, 0.5f, null));
    assertTrue(e.getMessage(), e.getMessage().contains("oversample=0.5"));
    expectThrows(
        IllegalArgumentException.class, () -> QuantizedRescoring.query("f", q, 10, 101f, null));
    expectThrows(
        IllegalArgumentException.class,
        () -> QuantizedRescoring.query("f", q, 10, Float.NaN, null));
  }

  /** A filter applies on the codes and on rescoring: the exact filtered top k comes back. */
  public void testRescoredSearchWithFilterIsExact() throws Exception {
    int dims = 16;
    int n = 1_000;
    int k = 5;
    float[][] vectors = new float[n][];
    try (Directory dir = newDirectory();
        IndexWriter w =
            new IndexWriter(
                dir,
                new IndexWriterConfig()
                    .setCodec(
                        TestUtil.alwaysKnnVectorsFormat(
                            new Quiver10QuantizedHnswVectorsFormat(4, 16, 100))))) {
      for (int i = 0; i < n; i++) {
        vectors[i] = new float[dims];
        for (int d = 0; d < dims; d++) {
          vectors[i][d] = random().nextFloat() - 0.5f;
        }
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", vectors[i], VectorSimilarityFunction.EUCLIDEAN));
        doc.add(new StringField("even", i % 2 == 0 ? "yes" : "no", Field.Store.NO));
        w.addDocument(doc);
      }
      w.forceMerge(1);
      try (DirectoryReader r = DirectoryReader.open(w)) {
        IndexSearcher searcher = new IndexSearcher(r);
        float[] q = vectors[random().nextInt(n)].clone();
        q[0] += 0.01f;
        TopDocs td =
            searcher.search(
                QuantizedRescoring.query("v", q, k, 10f, new TermQuery(new Term("even", "yes"))),
                k);
        float[] expected = new float[n / 2];
        for (int i = 0; i < n; i += 2) {
          expected[i / 2] = VectorSimilarityFunction.EUCLIDEAN.compare(q, vectors[i]);
        }
        java.util.Arrays.sort(expected);
        assertEquals(k, td.scoreDocs.length);
        for (int i = 0; i < k; i++) {
          assertEquals(expected[expected.length - 1 - i], td.scoreDocs[i].score, 1e-6f);
        }
      }
    }
  }

  // Lucene's suite indexes byte vectors in these; the quantized formats refuse them by design
  // (float32 only), so each checks the refusal instead.

  @Override
  public void testMismatchedFields() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testMergingWithDifferentByteKnnFields() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testEmptyByteVectorData() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testByteVectorScorerIteration() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testRandomBytes() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testWriterByteVectorRamEstimate() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }

  @Override
  public void testSortedIndexBytes() throws Exception {
    ByteVectorsRefused.check(getCodec());
  }
}
