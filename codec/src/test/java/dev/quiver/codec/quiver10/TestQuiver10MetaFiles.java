package dev.quiver.codec.quiver10;

import dev.quiver.codec.PerFieldQuiverCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The Quiver meta files (.qfm, .qhm) are checked on open: any damaged byte, and any disagreement
 * between what they record and what Lucene's files hold, is a {@link CorruptIndexException}.
 */
public class TestQuiver10MetaFiles extends LuceneTestCase {

  private static final int DOCS = 700; // above Lucene's no-graph threshold (~655 for k=100)
  private static final String FLAT_SUFFIX = "Quiver10FlatVectorsFormat_0";
  private static final String HNSW_SUFFIX = "Quiver10HnswVectorsFormat_0";
  private static final int M = 6;
  private static final int BEAM = 20;

  /**
   * Quiver10 is defined over these Lucene layouts; a Lucene upgrade that changes them fails here.
   */
  public void testLuceneLayoutsArePinned() {
    assertEquals(
        Quiver10FlatVectorsMeta.LUCENE_LAYOUT_VERSION, Lucene99FlatVectorsFormat.VERSION_CURRENT);
    assertEquals(
        Quiver10HnswVectorsMeta.LUCENE_LAYOUT_VERSION, Lucene99HnswVectorsFormat.VERSION_CURRENT);
  }

  /** The flat format scans, so its vectors are opened sequential; under a graph, random. */
  public void testVectorDataAccessHints() throws Exception {
    Map<String, java.util.Set<IOContext.FileOpenHint>> hints = new java.util.HashMap<>();
    try (Directory written = writeIndex();
        Directory recording =
            new org.apache.lucene.store.FilterDirectory(written) {
              @Override
              public IndexInput openInput(String name, IOContext context) throws IOException {
                hints.put(name, context.hints());
                return super.openInput(name, context);
              }
            };
        DirectoryReader r = DirectoryReader.open(recording)) {
      String segment = r.leaves().get(0).reader().toString();
      assertNotNull(segment);
      String name = SegmentInfos.readLatestCommit(written).info(0).info.name;
      assertTrue(
          String.valueOf(hints),
          hints
              .get(name + "_" + FLAT_SUFFIX + ".vec")
              .contains(org.apache.lucene.store.DataAccessHint.SEQUENTIAL));
      assertTrue(
          String.valueOf(hints),
          hints
              .get(name + "_" + HNSW_SUFFIX + ".vec")
              .contains(org.apache.lucene.store.DataAccessHint.RANDOM));
    }
  }

  public void testWritesMetaFilesAndVersionAttributes() throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      List<String> files = List.of(dir.listAll());
      for (String f : metaFiles(si)) {
        assertTrue(f + " in " + files, files.contains(f));
      }
      assertEquals("1", si.getAttribute("Quiver10FlatVectorsFormat.version." + FLAT_SUFFIX));
      assertEquals("1", si.getAttribute("Quiver10FlatVectorsFormat.version." + HNSW_SUFFIX));
      assertEquals("1", si.getAttribute("Quiver10HnswVectorsFormat.version." + HNSW_SUFFIX));
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        assertEquals(DOCS, r.maxDoc());
      }
    }
  }

  /** Every single flipped byte of every Quiver meta file, header and footer included. */
  public void testAnyFlippedByteIsCorruptOnOpen() throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      for (String file : metaFiles(si)) {
        byte[] original = read(dir, file);
        for (int pos = 0; pos < original.length; pos++) {
          byte[] damaged = original.clone();
          damaged[pos] ^= (byte) (1 + random().nextInt(255));
          write(dir, file, damaged);
          final int at = pos;
          CorruptIndexException e =
              expectThrows(
                  CorruptIndexException.class,
                  "byte " + at + " of " + file,
                  () -> DirectoryReader.open(dir).close());
          assertTrue(e.getMessage(), e.getMessage().contains(file));
        }
        write(dir, file, original);
      }
      DirectoryReader.open(dir).close();
    }
  }

  public void testFlatCountMismatchIsCorrupt() throws Exception {
    checkFlatMismatch(
        new FlatChange() {
          @Override
          Quiver10FlatVectorsMeta.Entry apply(Quiver10FlatVectorsMeta.Entry e) {
            return new Quiver10FlatVectorsMeta.Entry(
                e.fieldNumber(), e.encoding(), e.similarity(), e.dimension(), e.count() + 1);
          }
        },
        "vectors written but the vector data holds");
  }

  public void testFlatDimensionMismatchIsCorrupt() throws Exception {
    checkFlatMismatch(
        new FlatChange() {
          @Override
          Quiver10FlatVectorsMeta.Entry apply(Quiver10FlatVectorsMeta.Entry e) {
            return new Quiver10FlatVectorsMeta.Entry(
                e.fieldNumber(), e.encoding(), e.similarity(), e.dimension() + 1, e.count());
          }
        },
        "dimension");
  }

  public void testFlatSimilarityMismatchIsCorrupt() throws Exception {
    checkFlatMismatch(
        new FlatChange() {
          @Override
          Quiver10FlatVectorsMeta.Entry apply(Quiver10FlatVectorsMeta.Entry e) {
            return new Quiver10FlatVectorsMeta.Entry(
                e.fieldNumber(),
                e.encoding(),
                VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
                e.dimension(),
                e.count());
          }
        },
        "similarity");
  }

  public void testFlatEncodingMismatchIsCorrupt() throws Exception {
    checkFlatMismatch(
        new FlatChange() {
          @Override
          Quiver10FlatVectorsMeta.Entry apply(Quiver10FlatVectorsMeta.Entry e) {
            return new Quiver10FlatVectorsMeta.Entry(
                e.fieldNumber(), VectorEncoding.BYTE, e.similarity(), e.dimension(), e.count());
          }
        },
        "encoding");
  }

  public void testFlatUnknownFieldIsCorrupt() throws Exception {
    checkFlatMismatch(
        new FlatChange() {
          @Override
          Quiver10FlatVectorsMeta.Entry apply(Quiver10FlatVectorsMeta.Entry e) {
            return new Quiver10FlatVectorsMeta.Entry(
                1000, e.encoding(), e.similarity(), e.dimension(), e.count());
          }
        },
        "field number 1000 has no vectors");
  }

  public void testHnswMismatchesAreCorrupt() throws Exception {
    checkHnswMismatch(new Quiver10HnswVectorsMeta.Entry(-1, M + 1, BEAM, DOCS), "M=" + M);
    checkHnswMismatch(
        new Quiver10HnswVectorsMeta.Entry(-1, M, BEAM, DOCS - 1), "vectors written but");
    checkHnswMismatch(new Quiver10HnswVectorsMeta.Entry(999, M, BEAM, DOCS), "field number 999");
  }

  /** A field the vector data does not hold (here: the flat field, listed in the graph's file). */
  public void testHnswFieldWithoutGraphDataIsCorrupt() throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      int flatField = fieldInfos(dir).fieldInfo("flat").number;
      rewriteHnswMeta(
          dir, si, List.of(new Quiver10HnswVectorsMeta.Entry(flatField, M, BEAM, DOCS)));
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
      assertTrue(e.getMessage(), e.getMessage().contains("not in the graph data"));
    }
  }

  private abstract static class FlatChange {
    abstract Quiver10FlatVectorsMeta.Entry apply(Quiver10FlatVectorsMeta.Entry e);
  }

  private void checkFlatMismatch(FlatChange change, String expected) throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      FieldInfos infos = fieldInfos(dir);
      var flat = infos.fieldInfo("flat");
      Quiver10FlatVectorsMeta.Entry good = Quiver10FlatVectorsMeta.Entry.of(flat, DOCS);
      rewriteFlatMeta(dir, si, FLAT_SUFFIX, List.of(change.apply(good)));
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
      assertTrue(e.getMessage(), e.getMessage().contains(expected));
      // The original content, rewritten the same way, opens: the check is the entry, not the copy.
      rewriteFlatMeta(dir, si, FLAT_SUFFIX, List.of(good));
      DirectoryReader.open(dir).close();
    }
  }

  private void checkHnswMismatch(Quiver10HnswVectorsMeta.Entry template, String expected)
      throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      int field = fieldInfos(dir).fieldInfo("hnsw").number;
      int number = template.fieldNumber() == -1 ? field : template.fieldNumber();
      rewriteHnswMeta(
          dir,
          si,
          List.of(
              new Quiver10HnswVectorsMeta.Entry(
                  number, template.m(), template.beamWidth(), template.count())));
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
      assertTrue(e.getMessage(), e.getMessage().contains(expected));
      rewriteHnswMeta(dir, si, List.of(new Quiver10HnswVectorsMeta.Entry(field, M, BEAM, DOCS)));
      DirectoryReader.open(dir).close();
    }
  }

  private static void rewriteFlatMeta(
      Directory dir, SegmentInfo si, String suffix, List<Quiver10FlatVectorsMeta.Entry> entries)
      throws IOException {
    String name = QuiverMetaFile.fileName(si.name, suffix, Quiver10FlatVectorsMeta.EXTENSION);
    dir.deleteFile(name);
    try (IndexOutput out = dir.createOutput(name, IOContext.DEFAULT)) {
      CodecUtil.writeIndexHeader(
          out,
          Quiver10FlatVectorsMeta.CODEC_NAME,
          Quiver10FlatVectorsFormat.VERSION_CURRENT,
          si.getId(),
          suffix);
      Quiver10FlatVectorsMeta.writeLayout(out);
      for (Quiver10FlatVectorsMeta.Entry e : entries) {
        e.write(out);
      }
      out.writeInt(-1);
      CodecUtil.writeFooter(out);
    }
  }

  private static void rewriteHnswMeta(
      Directory dir, SegmentInfo si, List<Quiver10HnswVectorsMeta.Entry> entries)
      throws IOException {
    String name = QuiverMetaFile.fileName(si.name, HNSW_SUFFIX, Quiver10HnswVectorsMeta.EXTENSION);
    dir.deleteFile(name);
    try (IndexOutput out = dir.createOutput(name, IOContext.DEFAULT)) {
      CodecUtil.writeIndexHeader(
          out,
          Quiver10HnswVectorsMeta.CODEC_NAME,
          Quiver10HnswVectorsFormat.VERSION_CURRENT,
          si.getId(),
          HNSW_SUFFIX);
      Quiver10HnswVectorsMeta.writeLayout(out);
      for (Quiver10HnswVectorsMeta.Entry e : entries) {
        e.write(out);
      }
      out.writeInt(-1);
      CodecUtil.writeFooter(out);
    }
  }

  private static FieldInfos fieldInfos(Directory dir) throws IOException {
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      return r.leaves().get(0).reader().getFieldInfos();
    }
  }

  private static List<String> metaFiles(SegmentInfo si) {
    List<String> files = new ArrayList<>();
    files.add(QuiverMetaFile.fileName(si.name, FLAT_SUFFIX, Quiver10FlatVectorsMeta.EXTENSION));
    files.add(QuiverMetaFile.fileName(si.name, HNSW_SUFFIX, Quiver10FlatVectorsMeta.EXTENSION));
    files.add(QuiverMetaFile.fileName(si.name, HNSW_SUFFIX, Quiver10HnswVectorsMeta.EXTENSION));
    return files;
  }

  /** One segment, no compound file: a flat field and an HNSW field with a real graph. */
  private Directory writeIndex() throws IOException {
    Directory dir = new ByteBuffersDirectory();
    Map<String, KnnVectorsFormat> formats =
        Map.of(
            "flat",
            new Quiver10FlatVectorsFormat(),
            "hnsw",
            new Quiver10HnswVectorsFormat(M, BEAM));
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new PerFieldQuiverCodec(new Lucene104Codec(), formats::get))
            .setUseCompoundFile(false)
            .setMergePolicy(NoMergePolicy.INSTANCE)
            .setRAMBufferSizeMB(64)
            .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    try (IndexWriter w = new IndexWriter(dir, config)) {
      for (int i = 0; i < DOCS; i++) {
        Document doc = new Document();
        doc.add(
            new KnnFloatVectorField("flat", randomVector(4), VectorSimilarityFunction.EUCLIDEAN));
        doc.add(new KnnFloatVectorField("hnsw", randomVector(3), VectorSimilarityFunction.COSINE));
        w.addDocument(doc);
      }
    }
    return dir;
  }

  private static float[] randomVector(int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = random().nextFloat() + 0.01f;
    }
    return v;
  }

  private static byte[] read(Directory dir, String file) throws IOException {
    try (IndexInput in = dir.openInput(file, IOContext.DEFAULT)) {
      byte[] bytes = new byte[(int) in.length()];
      in.readBytes(bytes, 0, bytes.length);
      return bytes;
    }
  }

  private static void write(Directory dir, String file, byte[] bytes) throws IOException {
    dir.deleteFile(file);
    try (IndexOutput out = dir.createOutput(file, IOContext.DEFAULT)) {
      out.writeBytes(bytes, bytes.length);
    }
  }
}
