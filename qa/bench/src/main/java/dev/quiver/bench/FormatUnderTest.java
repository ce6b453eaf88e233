package dev.quiver.bench;

import java.util.Set;
import java.util.function.Supplier;
import org.apache.lucene.codecs.KnnVectorsFormat;

/**
 * One entry of the benchmark: a name, a factory for a fresh format instance (each index gets its
 * own), and how it is searched.
 *
 * @param name unique label in tables and plots
 * @param docBits bits per dimension of the document vectors the graph is searched on (32 for
 *     float); formats with the same bits are compared with each other
 * @param format creates the format (the same {@code m} and {@code ef_construction} for every entry)
 * @param rescored whether searches gather {@code oversample * k} candidates and keep the top {@code
 *     k} by exact float similarity (quantized formats), or take the top {@code k} of the graph
 *     search as they are (float formats)
 * @param coldOffHeapKeys keys of {@link
 *     org.apache.lucene.codecs.KnnVectorsReader#getOffHeapByteSize} that fast search does not need
 *     in memory (the raw floats of a quantized format, read only to rescore); everything else the
 *     reader reports counts as RAM
 */
record FormatUnderTest(
    String name,
    int docBits,
    Supplier<KnnVectorsFormat> format,
    boolean rescored,
    Set<String> coldOffHeapKeys) {

  /** Lucene's off-heap key of the raw float vectors ({@code .vec}). */
  static final String RAW_VECTORS_KEY = "vec";

  static FormatUnderTest floats(String name, Supplier<KnnVectorsFormat> format) {
    return new FormatUnderTest(name, 32, format, false, Set.of());
  }

  static FormatUnderTest quantized(String name, int bits, Supplier<KnnVectorsFormat> format) {
    return new FormatUnderTest(name, bits, format, true, Set.of(RAW_VECTORS_KEY));
  }
}
