package dev.quiver.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.MMapDirectory;

/**
 * One format's index of one data set, in its own temporary directory (memory-mapped), built once
 * and force-merged to one segment: the same documents in the same order for every format, flushed
 * as {@code segments} segments of equal size by one thread, merged by the calling thread.
 *
 * <p>Holds the open reader, a searcher without executor (one search thread) and without query
 * cache, the map from Lucene doc id to base ordinal (read once from doc values, so the timed loop
 * never touches stored fields), the build time and the sizes the reader reports.
 */
final class BuiltIndex implements AutoCloseable {

  static final String FIELD = "v";
  private static final String ID = "id";

  final FormatUnderTest format;
  final double buildSeconds;
  final int segmentsBeforeMerge;
  final long fileBytes;

  /** {@link org.apache.lucene.codecs.KnnVectorsReader#getOffHeapByteSize} of the field. */
  final Map<String, Long> offHeap;

  final DirectoryReader reader;
  final LeafReader leaf;
  final IndexSearcher searcher;
  final int[] ordinalOfDoc;
  private final Path path;
  private final MMapDirectory directory;

  private BuiltIndex(
      FormatUnderTest format,
      Path path,
      MMapDirectory directory,
      double buildSeconds,
      int segmentsBeforeMerge)
      throws IOException {
    this.format = format;
    this.path = path;
    this.directory = directory;
    this.buildSeconds = buildSeconds;
    this.segmentsBeforeMerge = segmentsBeforeMerge;
    long bytes = 0;
    for (String file : directory.listAll()) {
      bytes += directory.fileLength(file);
    }
    this.fileBytes = bytes;
    this.reader = DirectoryReader.open(directory);
    if (reader.leaves().size() != 1) {
      throw new IllegalStateException(
          format.name() + ": expected one segment, got " + reader.leaves().size());
    }
    this.leaf = reader.leaves().get(0).reader();
    this.searcher = new IndexSearcher(reader);
    searcher.setQueryCache(null);
    this.ordinalOfDoc = ordinals(leaf);
    this.offHeap = offHeapSizes(leaf);
  }

  /** Builds the index of {@code data} with {@code format} under {@code parent}. */
  static BuiltIndex build(FormatUnderTest format, Dataset data, Path parent, int segments)
      throws IOException {
    Path path = Files.createTempDirectory(parent, "fbench-" + format.name() + "-");
    MMapDirectory directory = new MMapDirectory(path);
    KnnVectorsFormat knn = format.format().get();
    TieredMergePolicy mergePolicy = new TieredMergePolicy();
    mergePolicy.setNoCFSRatio(0.0);
    IndexWriterConfig config =
        new IndexWriterConfig()
            .setCodec(
                new Lucene104Codec() {
                  @Override
                  public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return knn;
                  }
                })
            .setUseCompoundFile(false)
            .setMergePolicy(mergePolicy)
            .setMergeScheduler(new SerialMergeScheduler())
            .setMaxBufferedDocs(Math.max(2, (data.base().length + segments - 1) / segments))
            .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
    int before;
    long start = System.nanoTime();
    try {
      before = write(directory, config, data);
    } catch (Throwable t) {
      directory.close();
      deleteRecursively(path);
      throw t;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new BuiltIndex(format, path, directory, seconds, before);
  }

  /** Adds the documents, flushes, force-merges; returns the number of segments before the merge. */
  private static int write(MMapDirectory directory, IndexWriterConfig config, Dataset data)
      throws IOException {
    try (IndexWriter writer = new IndexWriter(directory, config)) {
      float[][] base = data.base();
      for (int i = 0; i < base.length; i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(FIELD, base[i], data.similarity()));
        doc.add(new NumericDocValuesField(ID, i));
        writer.addDocument(doc);
      }
      writer.flush();
      int before;
      try (DirectoryReader flushed = DirectoryReader.open(writer)) {
        before = flushed.leaves().size();
      }
      writer.forceMerge(1);
      writer.commit();
      return before;
    }
  }

  /** Off-heap bytes fast search needs in memory: graph, codes, corrections. */
  long ramBytes() {
    return offHeap.entrySet().stream()
        .filter(e -> !format.coldOffHeapKeys().contains(e.getKey()))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** Off-heap bytes of the raw float vectors. */
  long rawBytes() {
    return offHeap.getOrDefault(FormatUnderTest.RAW_VECTORS_KEY, 0L);
  }

  int docs() {
    return leaf.maxDoc();
  }

  private static int[] ordinals(LeafReader leaf) throws IOException {
    int[] out = new int[leaf.maxDoc()];
    NumericDocValues ids = leaf.getNumericDocValues(ID);
    for (int doc = ids.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = ids.nextDoc()) {
      out[doc] = (int) ids.longValue();
    }
    return out;
  }

  private static Map<String, Long> offHeapSizes(LeafReader leaf) {
    LeafReader unwrapped = FilterLeafReader.unwrap(leaf);
    if (!(unwrapped instanceof CodecReader codecReader)) {
      return Map.of();
    }
    FieldInfo info = leaf.getFieldInfos().fieldInfo(FIELD);
    return new TreeMap<>(codecReader.getVectorReader().getOffHeapByteSize(info));
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
      directory.close();
    } finally {
      deleteRecursively(path);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
