package dev.quiver.codec.quant;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * The frame that documents and queries of one field (one segment) are quantized in: a centroid
 * {@code c}, a {@link HadamardRotation} {@code P}, the similarity and the {@link CodeBits}. A
 * vector {@code v} is seen as {@code P(v - c)}; for {@link VectorSimilarityFunction#COSINE} {@code
 * v} is first scaled to unit length (so the centroid should be the mean of unit vectors).
 *
 * <p>A space may also hold {@code K >= 1} <em>cluster centroids</em> {@code c_k} ({@link
 * #withClusters}): a document is then coded centred on its nearest cluster centroid, {@code P(v -
 * c_k)} (a smaller residual, so a smaller quantization error), while queries stay centred on {@code
 * c} and pay per cluster only exact correction terms (see {@link DocumentQuantizer} and {@link
 * QueryQuantizer}). Without clusters the only cluster is {@code c} itself.
 *
 * <p>Immutable and thread-safe; the centroid arrays are copied.
 */
public final class CodeSpace {

  private final float[] centroid;
  private final float centroidNormSquared;
  private final HadamardRotation rotation;
  private final VectorSimilarityFunction similarity;
  private final CodeBits bits;
  private final int queryBits;
  private final int codeDims;
  private final float[][] clusters;
  private final float[] clusterNormSquared;

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
    this.clusters = new float[][] {this.centroid};
    this.clusterNormSquared = new float[] {centroidNormSquared};
  }

  private CodeSpace(CodeSpace base, float[][] clusters) {
    this.queryBits = base.queryBits;
    this.centroid = base.centroid;
    this.centroidNormSquared = base.centroidNormSquared;
    this.rotation = base.rotation;
    this.similarity = base.similarity;
    this.bits = base.bits;
    this.codeDims = base.codeDims;
    this.clusters = clusters;
    this.clusterNormSquared = new float[clusters.length];
    for (int k = 0; k < clusters.length; k++) {
      clusterNormSquared[k] = VectorUtil.dotProduct(clusters[k], clusters[k]);
    }
  }

  /**
   * This space with documents centred on the nearest of {@code clusters} (at least one, at most
   * {@value #MAX_CLUSTERS}, each of {@link #dims()} floats; copied).
   */
  public CodeSpace withClusters(float[][] clusters) {
    if (clusters.length < 1 || clusters.length > MAX_CLUSTERS) {
      throw new IllegalArgumentException(
          "clusters must be 1 to " + MAX_CLUSTERS + "; clusters=" + clusters.length);
    }
    float[][] copy = new float[clusters.length][];
    for (int k = 0; k < clusters.length; k++) {
      if (clusters[k].length != centroid.length) {
        throw new IllegalArgumentException(
            "cluster centroid has " + clusters[k].length + " dimensions, space " + dims());
      }
      copy[k] = clusters[k].clone();
    }
    return new CodeSpace(this, copy);
  }

  /** Largest number of cluster centroids (a cluster id takes one byte). */
  public static final int MAX_CLUSTERS = 256;

  /** Number of cluster centroids (1 when documents are centred on {@link #centroid()}). */
  public int clusterCount() {
    return clusters.length;
  }

  /** Cluster centroid {@code k} (not copied: do not modify). */
  float[] cluster(int k) {
    return clusters[k];
  }

  /** {@code |c_k|^2} of cluster centroid {@code k}. */
  float clusterNormSquared(int k) {
    return clusterNormSquared[k];
  }

  /** A copy of the cluster centroids. */
  public float[][] clusters() {
    float[][] copy = new float[clusters.length][];
    for (int k = 0; k < copy.length; k++) {
      copy[k] = clusters[k].clone();
    }
    return copy;
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
    return centerAndRotate(v, centroid, centered, rotated);
  }

  /** {@link #centerAndRotate(float[], float[], float[])} around {@code center} instead of c. */
  float centerAndRotate(float[] v, float[] center, float[] centered, float[] rotated) {
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
      dotCentroid += x * center[i];
      centered[i] = x - center[i];
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
        + (clusters.length > 1 ? ", " + clusters.length + " clusters" : "")
        + ")";
  }
}
