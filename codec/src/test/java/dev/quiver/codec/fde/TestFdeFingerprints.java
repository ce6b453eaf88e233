package dev.quiver.codec.fde;

import dev.quiver.codec.PerFieldQuiverCodec;
import dev.quiver.codec.muvera.FdeEncoder;
import dev.quiver.codec.muvera.FdeParams;
import dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat;
import java.io.IOException;
import java.util.Random;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.store.BaseDirectoryWrapper;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/** Fingerprints recorded per segment, checked on open and on merge, through the routing codec. */
public class TestFdeFingerprints extends LuceneTestCase {

  private static final int TOKEN_DIMS = 16;
  private static final FdeParams A = new FdeParams(4, 3, 8, 0, 1, FdeParams.VERSION_1);
  private static final FdeParams B = new FdeParams(4, 3, 8, 0, 2, FdeParams.VERSION_1);

  private static Codec codec() {
    return new PerFieldQuiverCodec(
        TestUtil.getDefaultCodec(),
        field ->
            field.equals("fde")
                ? new Quiver10FdeVectorsFormat(new Quiver10QuantizedHnswVectorsFormat(4, 16, 50))
                : null);
  }

  private static IndexWriterConfig config() {
    LogDocMergePolicy noAutoMerges = new LogDocMergePolicy();
    noAutoMerges.setMergeFactor(1000);
    return new IndexWriterConfig()
        .setCodec(codec())
        .setMergePolicy(noAutoMerges)
        .setMergeScheduler(new SerialMergeScheduler());
  }

  private static void addSegment(IndexWriter w, FdeParams params, Random random, int docs)
      throws IOException {
    FdeEncoder encoder = new FdeEncoder(params, TOKEN_DIMS);
    FieldType type =
        Quiver10FdeVectorsFormat.fieldType(
            encoder.dims(),
            VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
            params.fingerprint(TOKEN_DIMS));
    for (int i = 0; i < docs; i++) {
      float[] tokens = new float[5 * TOKEN_DIMS];
      for (int t = 0; t < tokens.length; t++) {
        tokens[t] = (float) random.nextGaussian();
      }
      Document doc = new Document();
      doc.add(new KnnFloatVectorField("fde", encoder.encodeDocument(tokens, 5), type));
      w.addDocument(doc);
    }
    w.commit();
  }

  public void testSameFingerprintsMergeAndAreReported() throws Exception {
    try (Directory dir = newDirectory();
        IndexWriter w = new IndexWriter(dir, config())) {
      addSegment(w, A, random(), 10);
      addSegment(w, A, random(), 12);
      w.forceMerge(1);
      try (DirectoryReader r = DirectoryReader.open(w)) {
        assertEquals(1, r.leaves().size());
        LeafReaderContext leaf = r.leaves().get(0);
        assertEquals(A.fingerprint(TOKEN_DIMS), fdeReader(leaf).fingerprint("fde"));
        assertEquals(
            A.fingerprint(TOKEN_DIMS),
            Quiver10FdeVectorsFormat.fingerprint(leaf.reader().getFieldInfos().fieldInfo("fde")));
        float[] query = new FdeEncoder(A, TOKEN_DIMS).encodeQuery(new float[TOKEN_DIMS * 2], 0);
        query[0] = 1;
        TopDocs top = new IndexSearcher(r).search(new KnnFloatVectorQuery("fde", query, 5), 5);
        assertEquals(5, top.scoreDocs.length);
      }
    }
  }

  /** The default 10,240-dim FDE through the SPI instance (4-bit quantized HNSW). */
  public void testDefaultFdeDimsAreIndexedAndSearchable() throws Exception {
    FdeEncoder encoder = new FdeEncoder(FdeParams.defaults(), 128);
    assertEquals(10_240, encoder.dims());
    Codec codec =
        new PerFieldQuiverCodec(
            TestUtil.getDefaultCodec(),
            field -> field.equals("fde") ? new Quiver10FdeVectorsFormat() : null);
    FieldType type =
        Quiver10FdeVectorsFormat.fieldType(
            encoder.dims(), VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, encoder.fingerprint());
    Random random = random();
    float[][] docs = new float[20][];
    try (Directory dir = newDirectory();
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(codec))) {
      for (int i = 0; i < docs.length; i++) {
        docs[i] = new float[3 * 128];
        for (int t = 0; t < docs[i].length; t++) {
          docs[i][t] = (float) random.nextGaussian();
        }
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("fde", encoder.encodeDocument(docs[i], 3), type));
        w.addDocument(doc);
      }
      try (DirectoryReader r = DirectoryReader.open(w)) {
        float[] query = encoder.encodeQuery(docs[7], 3);
        TopDocs top = new IndexSearcher(r).search(new KnnFloatVectorQuery("fde", query, 3), 3);
        assertEquals(3, top.scoreDocs.length);
        assertEquals(encoder.fingerprint(), fdeReader(r.leaves().get(0)).fingerprint("fde"));
      }
    }
  }

  public void testDifferentFingerprintsRefuseToMerge() throws Exception {
    try (Directory dir = newDirectory();
        IndexWriter w = new IndexWriter(dir, config())) {
      addSegment(w, A, random(), 10);
      addSegment(w, B, random(), 10);
      Exception e = expectThrows(Exception.class, () -> w.forceMerge(1));
      Throwable cause = e;
      while (cause != null && cause instanceof IllegalStateException == false) {
        cause = cause.getCause();
      }
      assertNotNull("no IllegalStateException in " + e, cause);
      String message = cause.getMessage();
      assertTrue(message, message.contains("field [fde]"));
      assertTrue(message, message.contains(B.fingerprint(TOKEN_DIMS)));
      assertTrue(message, message.contains(A.fingerprint(TOKEN_DIMS)));
    }
  }

  public void testAddIndexesChecksToo() throws Exception {
    try (Directory a = newDirectory();
        Directory b = newDirectory()) {
      try (IndexWriter w = new IndexWriter(a, config())) {
        addSegment(w, A, random(), 5);
      }
      try (IndexWriter w = new IndexWriter(b, config())) {
        addSegment(w, B, random(), 5);
        try (DirectoryReader r = DirectoryReader.open(a)) {
          CodecReader[] readers = new CodecReader[r.leaves().size()];
          for (int i = 0; i < readers.length; i++) {
            readers[i] = (CodecReader) r.leaves().get(i).reader();
          }
          // addIndexes merges the incoming segments only: one fingerprint, accepted
          w.addIndexes(readers);
          Exception e = expectThrows(Exception.class, () -> w.forceMerge(1));
          assertTrue(e.toString(), causeMessage(e).contains("field [fde]"));
        }
      }
    }
  }

  private static String causeMessage(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** A meta file whose fingerprint disagrees with the field attribute is corruption. */
  public void testReaderChecksTheMetaFileAgainstTheFieldAttribute() throws Exception {
    try (BaseDirectoryWrapper dir = newDirectory()) {
      dir.setCheckIndexOnClose(false); // the index is corrupt on purpose
      try (IndexWriter w = new IndexWriter(dir, config().setUseCompoundFile(false))) {
        addSegment(w, A, random(), 5);
      }
      SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
      String meta = null;
      for (String file : infos.info(0).files()) {
        if (file.endsWith("." + Quiver10FdeVectorsFormat.META_EXTENSION)) {
          meta = file;
        }
      }
      assertNotNull(infos.info(0).files().toString(), meta);
      rewriteFingerprint(dir, meta, infos.info(0).info.getId(), "fde1:0000000000000000");
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
      assertTrue(e.getMessage(), e.getMessage().contains("field [fde]"));
      assertTrue(e.getMessage(), e.getMessage().contains("fde1:0000000000000000"));
    }
  }

  private static void rewriteFingerprint(Directory dir, String name, byte[] id, String fingerprint)
      throws IOException {
    String suffix;
    String delegate;
    int number;
    try (IndexInput in = dir.openInput(name, IOContext.READONCE)) {
      String segment = name.substring(0, name.indexOf('_', 1));
      suffix = name.substring(segment.length() + 1, name.lastIndexOf('.'));
      CodecUtil.checkIndexHeader(
          in,
          Quiver10FdeVectorsFormat.META_CODEC_NAME,
          Quiver10FdeVectorsFormat.VERSION_START,
          Quiver10FdeVectorsFormat.VERSION_CURRENT,
          id,
          suffix);
      delegate = in.readString();
      number = in.readInt();
    }
    dir.deleteFile(name);
    try (IndexOutput out = dir.createOutput(name, IOContext.DEFAULT)) {
      CodecUtil.writeIndexHeader(
          out,
          Quiver10FdeVectorsFormat.META_CODEC_NAME,
          Quiver10FdeVectorsFormat.VERSION_CURRENT,
          id,
          suffix);
      out.writeString(delegate);
      out.writeInt(number);
      out.writeString(fingerprint);
      out.writeInt(-1);
      CodecUtil.writeFooter(out);
    }
    dir.sync(java.util.List.of(name));
  }

  static FdeVectorsReader fdeReader(LeafReaderContext leaf) {
    PerFieldKnnVectorsFormat.FieldsReader perField =
        (PerFieldKnnVectorsFormat.FieldsReader) ((CodecReader) leaf.reader()).getVectorReader();
    return (FdeVectorsReader) perField.getFieldReader("fde");
  }
}
