package dev.quiver.bench;

import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * The formats the benchmark knows, all built with the same {@code m} and {@code ef_construction}
 * and one merge worker (single-threaded builds):
 *
 * <ul>
 *   <li>{@code Quiver10Hnsw} and {@code Quiver10Hnsw-AA}: the same format registered twice and
 *       built separately, the A/A control of the method;
 *   <li>{@code Lucene99Hnsw}: Lucene's float HNSW;
 *   <li>{@code Lucene104-8bit|4bit|2bit|1bit}: {@link Lucene104HnswScalarQuantizedVectorsFormat}
 *       (OSQ) with {@code UNSIGNED_BYTE}, {@code PACKED_NIBBLE}, {@code DIBIT_QUERY_NIBBLE} and
 *       {@code SINGLE_BIT_QUERY_NIBBLE}, rescored;
 *   <li>{@code Quiver10Quantized-8bit|4bit|2bit|1bit}: Quiver's quantized HNSW format, looked up by
 *       class name ({@value #QUIVER_QUANTIZED_CLASS}, constructor {@code (int bits, int m, int
 *       beamWidth, int numMergeWorkers)}), rescored the same way; skipped with a note while the
 *       class is not on the classpath, so the benchmark compiles and runs without it;
 *   <li>{@code Quiver10Quantized-2bit-c1|1bit-c1}: the same with one cluster (documents centred on
 *       the segment's mean, as format version 1 wrote them), the control of k-means centring.
 * </ul>
 *
 * <p>To add a format, add one entry here.
 */
final class FormatRegistry {

  /** Quiver's quantized HNSW format, plugged in by name. */
  static final String QUIVER_QUANTIZED_CLASS =
      "dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat";

  /** Names of the A/A control pair. */
  static final String AA_FIRST = "Quiver10Hnsw";

  static final String AA_SECOND = "Quiver10Hnsw-AA";

  private FormatRegistry() {}

  /**
   * @param notes receives one line per registered format that is not available
   */
  static List<FormatUnderTest> all(int m, int efConstruction, List<String> notes) {
    List<FormatUnderTest> out = new ArrayList<>();
    out.add(
        FormatUnderTest.floats(
            AA_FIRST, () -> new Quiver10HnswVectorsFormat(m, efConstruction, 1)));
    out.add(
        FormatUnderTest.floats(
            AA_SECOND, () -> new Quiver10HnswVectorsFormat(m, efConstruction, 1)));
    out.add(
        FormatUnderTest.floats(
            "Lucene99Hnsw", () -> new Lucene99HnswVectorsFormat(m, efConstruction)));
    for (ScalarEncoding encoding :
        new ScalarEncoding[] {
          ScalarEncoding.UNSIGNED_BYTE,
          ScalarEncoding.PACKED_NIBBLE,
          ScalarEncoding.DIBIT_QUERY_NIBBLE,
          ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE
        }) {
      int bits = encoding.getDocBitsPerDim();
      out.add(
          FormatUnderTest.quantized(
              "Lucene104-" + bits + "bit",
              bits,
              () -> new Lucene104HnswScalarQuantizedVectorsFormat(encoding, m, efConstruction)));
    }
    Constructor<?> quiverQuantized = quiverQuantizedConstructor();
    if (quiverQuantized == null) {
      notes.add(
          "Quiver10Quantized-*: "
              + QUIVER_QUANTIZED_CLASS
              + "(int, int, int, int) is not on the classpath; skipped");
    } else {
      for (int bits : new int[] {8, 4, 2, 1}) {
        out.add(
            FormatUnderTest.quantized(
                "Quiver10Quantized-" + bits + "bit",
                bits,
                () -> newFormat(quiverQuantized, bits, m, efConstruction, 1)));
      }
      Constructor<?> oneCluster = quiverQuantizedClusters();
      for (int bits : new int[] {2, 1}) {
        if (oneCluster != null) {
          // -c1: one cluster (version 1's coding); -c32, -c64: more k-means centroids than the
          // default 16.
          for (int clusters : new int[] {1, 32, 64}) {
            out.add(
                FormatUnderTest.quantized(
                    "Quiver10Quantized-" + bits + "bit-c" + clusters,
                    bits,
                    () -> newFormat(oneCluster, bits, m, efConstruction, 1, clusters)));
          }
        }
      }
    }
    return out;
  }

  /**
   * The constructor with a most number of clusters ({@code (bits, m, beam, workers, clusters)}).
   */
  private static Constructor<?> quiverQuantizedClusters() {
    try {
      return Class.forName(QUIVER_QUANTIZED_CLASS)
          .getConstructor(int.class, int.class, int.class, int.class, int.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return null;
    }
  }

  private static Constructor<?> quiverQuantizedConstructor() {
    try {
      return Class.forName(QUIVER_QUANTIZED_CLASS)
          .getConstructor(int.class, int.class, int.class, int.class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      return null;
    }
  }

  private static KnnVectorsFormat newFormat(Constructor<?> constructor, Object... args) {
    try {
      return (KnnVectorsFormat) constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + constructor, e);
    }
  }
}
