package dev.quiver.codec.multivector;

import java.util.Arrays;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact late-interaction (Chamfer) score of one query against documents stored by {@link
 * MultiVectorCodec}: the sum over query vectors of the largest dot product with any document
 * vector. Reads the stored bytes directly (e.g. {@link
 * org.apache.lucene.index.BinaryDocValues#binaryValue()}), with scratch memory reused across calls:
 * no allocation per document once the scratch has grown to the largest document.
 *
 * <p>The document's vectors are decoded (float16, int8 and 1bit to the floats their layout
 * defines), then scored against the float query with {@link VectorUtil#dotProduct(float[],
 * float[])}; the result equals the exact score of the decoded vectors up to float rounding.
 *
 * <p>Not thread-safe: one instance per thread (e.g. per query and segment).
 */
public final class MaxSim {

  private final int dims;
  private final float[][] query;
  private final float[] best;
  private float[][] docVectors = new float[0][];

  /**
   * @param queryVectors {@code queryCount} vectors, row-major (copied)
   * @throws IllegalArgumentException if {@code queryCount < 1}, {@code dims < 1} or the array is
   *     too short
   */
  public MaxSim(float[] queryVectors, int queryCount, int dims) {
    if (queryCount < 1 || dims < 1) {
      throw new IllegalArgumentException(
          "need at least one query vector of at least one dim, got " + queryCount + " x " + dims);
    }
    if ((long) queryCount * dims > queryVectors.length) {
      throw new IllegalArgumentException(
          queryCount
              + " query vectors of "
              + dims
              + " dims need "
              + (long) queryCount * dims
              + " floats, got "
              + queryVectors.length);
    }
    this.dims = dims;
    this.query = new float[queryCount][];
    for (int q = 0; q < queryCount; q++) {
      query[q] = Arrays.copyOfRange(queryVectors, q * dims, (q + 1) * dims);
    }
    this.best = new float[queryCount];
  }

  public int queryCount() {
    return query.length;
  }

  public int dims() {
    return dims;
  }

  /**
   * The MaxSim score of a stored document.
   *
   * @throws IllegalArgumentException if the value is not a layout {@link MultiVectorCodec} reads or
   *     its vectors do not have this query's dims
   */
  public float score(BytesRef encodedDoc) {
    MultiVectorEncoding encoding = MultiVectorCodec.encoding(encodedDoc);
    int docDims = MultiVectorCodec.dims(encodedDoc);
    if (docDims != dims) {
      throw new IllegalArgumentException(
          "document vectors have " + docDims + " dims, the query's " + dims);
    }
    int count = MultiVectorCodec.count(encodedDoc);
    ensure(count);
    for (int v = 0; v < count; v++) {
      MultiVectorCodec.decodeVector(encoding, encodedDoc, count, dims, v, docVectors[v], 0);
    }
    Arrays.fill(best, Float.NEGATIVE_INFINITY);
    for (int v = 0; v < count; v++) {
      float[] doc = docVectors[v];
      for (int q = 0; q < query.length; q++) {
        float dot = VectorUtil.dotProduct(query[q], doc);
        if (dot > best[q]) {
          best[q] = dot;
        }
      }
    }
    double sum = 0;
    for (float b : best) {
      sum += b;
    }
    return (float) sum;
  }

  private void ensure(int count) {
    if (docVectors.length < count) {
      float[][] grown = Arrays.copyOf(docVectors, Math.max(count, docVectors.length * 2));
      for (int v = docVectors.length; v < grown.length; v++) {
        grown[v] = new float[dims];
      }
      docVectors = grown;
    }
  }
}
