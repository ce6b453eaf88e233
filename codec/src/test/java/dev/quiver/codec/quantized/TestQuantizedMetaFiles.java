package dev.quiver.codec.quantized;

import dev.quiver.codec.PerFieldQuiverCodec;
import dev.quiver.codec.quant.CodeBits;
import dev.quiver.codec.quiver10.QuiverMetaFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.ChecksumIndexInput;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.apache.lucene.tests.util.TestUtil;

/**
 * The files of the quantized format (.qqm, .qqd) are checked: any damaged byte of .qqm and any
 * damage to the header or length of .qqd is a {@link CorruptIndexException} on open, damage inside
 * .qqd fails the checksum check, and any disagreement between .qqm and the segment is corrupt.
 */
public class TestQuantizedMetaFiles extends LuceneTestCase {

  private static final int DOCS = 700; // above Lucene's no-graph threshold (~655 for k=100)
  private static final int DIMS = 8;
  private static final String SUFFIX = "Quiver10QuantizedHnswVectorsFormat_0";

  public void testWritesFilesAndVersionAttributes() throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      List<String> files = List.of(dir.listAll());
      assertTrue(files.toString(), files.contains(meta(si)));
      assertTrue(files.toString(), files.contains(data(si)));
      assertEquals(
          Integer.toString(Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT),
          si.getAttribute("Quiver10QuantizedFlatVectorsFormat.version." + SUFFIX));
      assertEquals("1", si.getAttribute("Quiver10FlatVectorsFormat.version." + SUFFIX));
      List<QuantizedFieldEntry> entries = readEntries(dir, si);
      assertEquals(1, entries.size());
      QuantizedFieldEntry e = entries.get(0);
      assertEquals(DOCS, e.count());
      assertEquals(CodeBits.TWO, e.bits());
      assertEquals(4, e.queryBits());
      // 2-bit codes are padded to a multiple of 64 coordinates (bit planes), then 15 bytes of terms
      assertEquals((long) DOCS * (CodeBits.TWO.docBytes(64) + 15), e.dataLength());
    }
  }

  /** Every single flipped byte of .qqm, header and footer included. */
  public void testAnyFlippedMetaByteIsCorruptOnOpen() throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      String file = meta(si);
      byte[] original = read(dir, file);
      for (int pos = 0; pos < original.length; pos++) {
        byte[] damaged = original.clone();
        damaged[pos] ^= (byte) (1 + random().nextInt(255));
        write(dir, file, damaged);
        CorruptIndexException e =
            expectThrows(
                CorruptIndexException.class,
                "byte " + pos + " of " + file,
                () -> DirectoryReader.open(dir).close());
        assertTrue(e.getMessage(), e.getMessage().contains(file));
      }
      write(dir, file, original);
      DirectoryReader.open(dir).close();
    }
  }

  /** A damaged header or a cut .qqd fails on open; a damaged code fails the integrity check. */
  public void testDamagedDataFile() throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      String file = data(si);
      byte[] original = read(dir, file);
      for (int pos = 0; pos < CodecUtil.indexHeaderLength("x", SUFFIX) - 1; pos++) {
        byte[] damaged = original.clone();
        damaged[pos] ^= (byte) 0x5A;
        write(dir, file, damaged);
        // Lucene reports a damaged version as too new or too old, anything else as corrupt.
        expectThrowsAnyOf(
            List.of(
                CorruptIndexException.class,
                IndexFormatTooNewException.class,
                IndexFormatTooOldException.class),
            () -> DirectoryReader.open(dir).close());
      }
      write(dir, file, java.util.Arrays.copyOf(original, original.length - 7));
      expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
      byte[] damaged = original.clone();
      damaged[original.length / 2] ^= (byte) 0x01;
      write(dir, file, damaged);
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        CorruptIndexException e =
            expectThrows(
                CorruptIndexException.class,
                () ->
                    ((org.apache.lucene.index.CodecReader) r.leaves().get(0).reader())
                        .getVectorReader()
                        .checkIntegrity());
        assertTrue(e.getMessage(), e.getMessage().contains("checksum"));
      }
      write(dir, file, original);
      TestUtil.checkIndex(dir);
    }
  }

  public void testCountMismatchIsCorrupt() throws Exception {
    checkMismatch(
        e -> with(e, e.count() + 1, e.dimension(), e.bits(), e.dataLength()), "codes written but");
  }

  public void testDimensionMismatchIsCorrupt() throws Exception {
    checkMismatch(
        e -> with(e, e.count(), e.dimension() + 1, e.bits(), e.dataLength()), "dimension");
  }

  public void testBitsMismatchIsCorrupt() throws Exception {
    checkMismatch(
        e -> with(e, e.count(), e.dimension(), CodeBits.FOUR, e.dataLength()), "codes take");
  }

  public void testDataLengthMismatchIsCorrupt() throws Exception {
    checkMismatch(
        e -> with(e, e.count(), e.dimension(), e.bits(), e.dataLength() - 1), "codes take");
  }

  public void testDataBeyondFileIsCorrupt() throws Exception {
    checkMismatch(
        e ->
            new QuantizedFieldEntry(
                e.fieldNumber(),
                e.similarity(),
                e.dimension(),
                e.count(),
                e.bits(),
                e.queryBits(),
                e.rotationRounds(),
                e.rotationSeed(),
                e.centroid(),
                e.clusters(),
                e.dataOffset() + 1000,
                e.dataLength()),
        "outside the data file");
  }

  public void testSimilarityMismatchIsCorrupt() throws Exception {
    checkMismatch(
        e ->
            new QuantizedFieldEntry(
                e.fieldNumber(),
                VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT,
                e.dimension(),
                e.count(),
                e.bits(),
                e.queryBits(),
                e.rotationRounds(),
                e.rotationSeed(),
                e.centroid(),
                e.clusters(),
                e.dataOffset(),
                e.dataLength()),
        "similarity");
  }

  public void testUnknownFieldIsCorrupt() throws Exception {
    checkMismatch(
        e ->
            new QuantizedFieldEntry(
                1000,
                e.similarity(),
                e.dimension(),
                e.count(),
                e.bits(),
                e.queryBits(),
                e.rotationRounds(),
                e.rotationSeed(),
                e.centroid(),
                e.clusters(),
                e.dataOffset(),
                e.dataLength()),
        "field number 1000 has no vectors");
  }

  /**
   * A merge computes the code space from the merged raw vectors: two segments centred at +3 and -3
   * have centroids near +3 and -3, the merged segment one near 0, and its codes are as many as its
   * live vectors.
   */
  public void testMergeRecomputesCentroidFromRawVectors() throws Exception {
    Directory dir = new ByteBuffersDirectory();
    Map<String, KnnVectorsFormat> formats =
        Map.of("q", new Quiver10QuantizedHnswVectorsFormat(4, 6, 20));
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new PerFieldQuiverCodec(new Lucene104Codec(), formats::get))
            .setUseCompoundFile(false)
            .setMergePolicy(new LogDocMergePolicy()); // 2 segments: merged only when forced
    try (dir;
        IndexWriter w = new IndexWriter(dir, config)) {
      for (float centre : new float[] {3f, -3f}) {
        for (int i = 0; i < 300; i++) {
          float[] v = new float[DIMS];
          for (int d = 0; d < DIMS; d++) {
            v[d] = centre + random().nextFloat() - 0.5f;
          }
          Document doc = new Document();
          doc.add(new KnnFloatVectorField("q", v, VectorSimilarityFunction.EUCLIDEAN));
          w.addDocument(doc);
        }
        w.commit();
      }
      SegmentInfos before = SegmentInfos.readLatestCommit(dir);
      assertEquals(2, before.size());
      assertEquals(3f, readEntries(dir, before.info(0).info).get(0).centroid()[0], 0.1f);
      assertEquals(-3f, readEntries(dir, before.info(1).info).get(0).centroid()[0], 0.1f);
      w.forceMerge(1);
      w.commit();
      SegmentInfo merged = SegmentInfos.readLatestCommit(dir).info(0).info;
      QuantizedFieldEntry e = readEntries(dir, merged).get(0);
      assertEquals(600, e.count());
      for (float c : e.centroid()) {
        assertEquals(0f, c, 0.1f);
      }
    }
  }

  /**
   * What the stats need, per field: the codes ({@code qqd}) and the graph ({@code vex}) are what
   * search keeps hot; the raw floats ({@code vec}) are read only to rescore.
   */
  public void testOffHeapSizesNameCodesGraphAndRawVectors() throws Exception {
    try (Directory dir = writeIndex();
        DirectoryReader r = DirectoryReader.open(dir)) {
      org.apache.lucene.index.CodecReader leaf =
          (org.apache.lucene.index.CodecReader) r.leaves().get(0).reader();
      org.apache.lucene.codecs.KnnVectorsReader vectors = leaf.getVectorReader();
      if (vectors
          instanceof org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat.FieldsReader f) {
        vectors = f.getFieldReader("q");
      }
      Map<String, Long> sizes = vectors.getOffHeapByteSize(leaf.getFieldInfos().fieldInfo("q"));
      assertEquals(sizes.toString(), (long) DOCS * DIMS * Float.BYTES, (long) sizes.get("vec"));
      assertEquals(
          sizes.toString(),
          (long) DOCS * (CodeBits.TWO.docBytes(64) + 15),
          (long) sizes.get("qqd"));
      assertTrue(sizes.toString(), sizes.get("vex") > 0);
    }
  }

  private static QuantizedFieldEntry with(
      QuantizedFieldEntry e, int count, int dims, CodeBits bits, long dataLength) {
    return new QuantizedFieldEntry(
        e.fieldNumber(),
        e.similarity(),
        dims,
        count,
        bits,
        bits.defaultQueryBits(),
        e.rotationRounds(),
        e.rotationSeed(),
        java.util.Arrays.copyOf(e.centroid(), dims),
        e.clusters() == null
            ? null
            : java.util.Arrays.stream(e.clusters())
                .map(c -> java.util.Arrays.copyOf(c, dims))
                .toArray(float[][]::new),
        e.dataOffset(),
        dataLength);
  }

  private void checkMismatch(UnaryOperator<QuantizedFieldEntry> change, String expected)
      throws Exception {
    try (Directory dir = writeIndex()) {
      SegmentInfo si = SegmentInfos.readLatestCommit(dir).info(0).info;
      QuantizedFieldEntry good = readEntries(dir, si).get(0);
      rewriteMeta(dir, si, List.of(change.apply(good)));
      CorruptIndexException e =
          expectThrows(CorruptIndexException.class, () -> DirectoryReader.open(dir).close());
      assertTrue(e.getMessage(), e.getMessage().contains(expected));
      // The original entry, rewritten the same way, opens: the check is the entry, not the copy.
      rewriteMeta(dir, si, List.of(good));
      DirectoryReader.open(dir).close();
    }
  }

  private static String meta(SegmentInfo si) {
    return QuiverMetaFile.fileName(
        si.name, SUFFIX, Quiver10QuantizedFlatVectorsFormat.META_EXTENSION);
  }

  private static String data(SegmentInfo si) {
    return QuiverMetaFile.fileName(
        si.name, SUFFIX, Quiver10QuantizedFlatVectorsFormat.DATA_EXTENSION);
  }

  private static List<QuantizedFieldEntry> readEntries(Directory dir, SegmentInfo si)
      throws IOException {
    try (ChecksumIndexInput in = dir.openChecksumInput(meta(si))) {
      CodecUtil.checkIndexHeader(
          in,
          Quiver10QuantizedFlatVectorsFormat.META_CODEC_NAME,
          0,
          Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT,
          si.getId(),
          SUFFIX);
      List<QuantizedFieldEntry> entries = new ArrayList<>();
      for (int number = in.readInt(); number != -1; number = in.readInt()) {
        entries.add(
            QuantizedFieldEntry.read(
                number, in, Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT));
      }
      CodecUtil.checkFooter(in);
      return entries;
    }
  }

  private static void rewriteMeta(Directory dir, SegmentInfo si, List<QuantizedFieldEntry> entries)
      throws IOException {
    String name = meta(si);
    dir.deleteFile(name);
    try (IndexOutput out = dir.createOutput(name, IOContext.DEFAULT)) {
      CodecUtil.writeIndexHeader(
          out,
          Quiver10QuantizedFlatVectorsFormat.META_CODEC_NAME,
          Quiver10QuantizedFlatVectorsFormat.VERSION_CURRENT,
          si.getId(),
          SUFFIX);
      for (QuantizedFieldEntry e : entries) {
        e.write(out);
      }
      out.writeInt(-1);
      CodecUtil.writeFooter(out);
    }
  }

  /** One segment, no compound file: one 2-bit HNSW field with a real graph. */
  private Directory writeIndex() throws IOException {
    Directory dir = new ByteBuffersDirectory();
    Map<String, KnnVectorsFormat> formats =
        Map.of("q", new Quiver10QuantizedHnswVectorsFormat(2, 6, 20));
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(new PerFieldQuiverCodec(new Lucene104Codec(), formats::get))
            .setUseCompoundFile(false)
            .setMergePolicy(NoMergePolicy.INSTANCE)
            .setRAMBufferSizeMB(64)
            .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    try (IndexWriter w = new IndexWriter(dir, config)) {
      for (int i = 0; i < DOCS; i++) {
        float[] v = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
          v[d] = random().nextFloat() - 0.5f;
        }
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("q", v, VectorSimilarityFunction.EUCLIDEAN));
        w.addDocument(doc);
      }
    }
    return dir;
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
