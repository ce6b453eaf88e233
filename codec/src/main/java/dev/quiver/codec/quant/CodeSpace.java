package dev.quiver.codec.quant;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * The frame that documents and queries of one field (one segment) are quantized in: a centroid
 * {@code c}, a {@link HadamardRotation} {@code P}, the similarity and the {@link CodeBits}. A
 * vector {@code v} is seen as {@code P(v - c)}; for {@link VectorSimilarityFunction#COSINE} {@code
 * v} is first scaled to unit length (so the centroid should be the mean of unit vectors).
 *
 * <p>Immutable and thread-safe; the centroid array is copied.
 */
public final class CodeSpace {

  private final float[] centroid;
  private final float centroidNormSquared;
  private final HadamardRotation rotation;
  private final VectorSimilarityFunction similarity;
  private final CodeBits bits;
  private final int queryBits;
  private final int codeDims;

  /** A space with the default query precision of {@code bits}. */
  public CodeSpace(
      float[] centroid,
      HadamardRotation rotation,
      VectorSimilarityFunction similarity,
      CodeBits bits) {
    this(centroid, rotation, similarity, bits, bits.defaultQueryBits());
  }

  /** A space whose queries are kept at {@code queryBits} (4 or 8, see {@link CodeBits}). */
  public CodeSpace(
      float[] centroid,
      HadamardRotation rotation,
      VectorSimilarityFunction similarity,
      CodeBits bits,
      int queryBits) {
    if (!bits.supportsQueryBits(queryBits)) {
      throw new IllegalArgumentException(
          "query bits must be 4 or 8 (8 for 8-bit documents); queryBits=" + queryBits);
    }
    this.queryBits = queryBits;
    if (centroid.length != rotation.dims()) {
      throw new IllegalArgumentException(
          "centroid has " + centroid.length + " dimensions, rotation " + rotation.dims());
    }
    this.centroid = centroid.clone();
    this.centroidNormSquared = VectorUtil.dotProduct(centroid, centroid);
    this.rotation = rotation;
    this.similarity = similarity;
    this.bits = bits;
    this.codeDims = bits.codeDims(rotation.rotatedDims());
  }

  public int dims() {
    return rotation.dims();
  }

  /** A copy of the centroid. */
  public float[] centroid() {
    return centroid.clone();
  }

  /** Coordinates after rotation (the {@code D} of the error bound). */
  public int rotatedDims() {
    return rotation.rotatedDims();
  }

  /** Coordinates in a code ({@link #rotatedDims()} rounded up to the layout's multiple). */
  public int codeDims() {
    return codeDims;
  }

  public int docBytes() {
    return bits.docBytes(codeDims);
  }

  public CodeBits bits() {
    return bits;
  }

  /** Bits per coordinate of a quantized query. */
  public int queryBits() {
    return queryBits;
  }

  public VectorSimilarityFunction similarity() {
    return similarity;
  }

  public HadamardRotation rotation() {
    return rotation;
  }

  float centroidNormSquared() {
    return centroidNormSquared;
  }

  /**
   * Writes {@code P(v' - c)} into {@code rotated}, where {@code v'} is {@code v} (unit-scaled for
   * cosine), and returns {@code <v', c>}.
   *
   * @param centered scratch of {@link #dims()} floats (holds {@code v' - c} afterwards)
   * @param rotated at least {@link #rotatedDims()} floats
   */
  float centerAndRotate(float[] v, float[] centered, float[] rotated) {
    if (v.length != centroid.length) {
      throw new IllegalArgumentException(
          "vector has " + v.length + " dimensions, field has " + centroid.length);
    }
    float scale = 1f;
    if (similarity == VectorSimilarityFunction.COSINE) {
      float norm = (float) Math.sqrt(VectorUtil.dotProduct(v, v));
      scale = norm == 0f ? 0f : 1f / norm;
    }
    float dotCentroid = 0f;
    for (int i = 0; i < v.length; i++) {
      float x = v[i] * scale;
      dotCentroid += x * centroid[i];
      centered[i] = x - centroid[i];
    }
    rotation.rotate(centered, rotated);
    return dotCentroid;
  }

  /** The mean of {@code vectors} (of their unit-scaled copies for cosine): a centroid to use. */
  public static float[] centroidOf(
      Iterable<float[]> vectors, int dims, VectorSimilarityFunction sim) {
    double[] sum = new double[dims];
    long count = 0;
    for (float[] v : vectors) {
      double scale = 1;
      if (sim == VectorSimilarityFunction.COSINE) {
        double norm = Math.sqrt(VectorUtil.dotProduct(v, v));
        scale = norm == 0 ? 0 : 1 / norm;
      }
      for (int i = 0; i < dims; i++) {
        sum[i] += v[i] * scale;
      }
      count++;
    }
    float[] centroid = new float[dims];
    for (int i = 0; i < dims && count > 0; i++) {
      centroid[i] = (float) (sum[i] / count);
    }
    return centroid;
  }

  @Override
  public String toString() {
    return "CodeSpace("
        + bits
        + ", query bits "
        + queryBits
        + ", "
        + similarity
        + ", "
        + rotation
        + ")";
  }
}
