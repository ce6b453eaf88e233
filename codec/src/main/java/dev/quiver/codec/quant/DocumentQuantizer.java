package dev.quiver.codec.quant;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;

/**
 * Encodes document vectors into codes of a {@link CodeSpace}, extended-RaBitQ style (Gao et al.,
 * "Practical and Asymptotically Optimal Quantization of High-Dimensional Vectors in Euclidean Space
 * for Approximate Nearest Neighbor Search", SIGMOD 2025).
 *
 * <p>The rotated, centred vector {@code r} is mapped to the point {@code xbar} of the centred grid
 * {@code {-(2^B - 1)/2, ..., (2^B - 1)/2}^D} whose direction is closest to {@code r}'s (largest
 * {@code cos = <xbar, r>/(|xbar||r|)}). For {@code B = 1} that is the sign vector (RaBitQ). For
 * {@code B > 1} the candidates are {@code xbar(t)_i = sign(r_i) (min(floor(t |r_i|), 2^(B-1) - 1) +
 * 1/2)}, and {@code t} is found by a grid search over {@code t * rms(r) in (0, 2^(B-1)]} refined
 * once around the best point (the optimum clips the largest coordinates: for Gaussian-like rotated
 * coordinates it lies near {@code t * rms = 1, 3, 32} for {@code B = 2, 4, 8}). Because the
 * estimator is invariant to the scale of {@code xbar}, only the direction matters, and the level of
 * coordinate {@code i} is {@code xbar_i + (2^B - 1)/2}.
 *
 * <p>With {@linkplain CodeSpace#withClusters clusters}, a vector is coded as {@code r = P(v - c_k)}
 * around its nearest cluster centroid {@code c_k} (squared distance, of the unit copy for cosine),
 * while queries stay quantized once as {@code q = P(q' - c)}. Since {@code P(q' - c_k) = q + s_k}
 * with {@code s_k = P(c - c_k)}, the estimate {@code rescale * <xbar, P(q' - c_k)>} splits into
 * {@code rescale * <xbar, q>} (the usual integer kernel) and {@code rescale * <xbar, s_k>}, a
 * document-only term computed here exactly and folded into {@code additive} (added for dot
 * products, {@code -2x} for Euclidean). What is left per cluster depends on the query only ({@code
 * <q', c_k> - |c_k|^2}, {@code |q' - c_k|}): {@link QueryQuantizer} computes it once per query.
 *
 * <p>Not thread-safe (holds scratch arrays): use one instance per thread. Allocates only the
 * returned {@link DocCorrections}.
 */
public final class DocumentQuantizer {

  private static final int GRID = 32;
  private static final int REFINE = 16;

  private final CodeSpace space;
  private final float[] centered;
  private final float[] rotated;
  private final byte[] levels;
  private final float[] unit;
  private final float[][] shifts;

  public DocumentQuantizer(CodeSpace space) {
    this.space = space;
    this.centered = new float[space.dims()];
    this.rotated = new float[space.rotatedDims()];
    this.levels = new byte[space.codeDims()];
    this.unit = new float[space.dims()];
    int k = space.clusterCount();
    this.shifts = new float[k][];
    if (k > 1) {
      float[] c = space.centroid();
      for (int j = 0; j < k; j++) {
        float[] ck = space.cluster(j);
        float[] diff = new float[c.length];
        for (int i = 0; i < c.length; i++) {
          diff[i] = c[i] - ck[i];
        }
        shifts[j] = new float[space.rotatedDims()];
        space.rotation().rotate(diff, shifts[j]);
      }
    }
  }

  /** The cluster whose centroid is nearest to {@code vector} (unit-scaled for cosine). */
  public int nearestCluster(float[] vector) {
    int k = space.clusterCount();
    if (k == 1) {
      return 0;
    }
    float[] v = vector;
    if (space.similarity() == VectorSimilarityFunction.COSINE) {
      float norm = (float) Math.sqrt(VectorUtil.dotProduct(vector, vector));
      float scale = norm == 0f ? 0f : 1f / norm;
      for (int i = 0; i < unit.length; i++) {
        unit[i] = vector[i] * scale;
      }
      v = unit;
    }
    int best = 0;
    float bestDistance = Float.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      float d = VectorUtil.squareDistance(v, space.cluster(j));
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    }
    return best;
  }

  public CodeSpace space() {
    return space;
  }

  /**
   * Quantizes {@code vector} into {@code code} ({@link CodeSpace#docBytes()} bytes).
   *
   * @return the corrective terms to store with the code
   */
  public DocCorrections quantize(float[] vector, byte[] code) {
    if (vector.length != space.dims()) {
      throw new IllegalArgumentException(
          "vector has " + vector.length + " dimensions, field has " + space.dims());
    }
    int cluster = nearestCluster(vector);
    float dotCentroid = space.centerAndRotate(vector, space.cluster(cluster), centered, rotated);
    int d = rotated.length;
    double rr = 0;
    for (int i = 0; i < d; i++) {
      rr += (double) rotated[i] * rotated[i];
    }
    int half = space.bits().levels() / 2;
    double rms = Math.sqrt(rr / d);
    double scale = half == 1 || rr == 0 ? 0 : bestScale(rotated, rms, half);
    // xr = <xbar, r>, xx = |xbar|^2, both over the rotated coordinates (pads hold level 0 and are
    // excluded from every sum, see QuantizedScorer).
    double xr = 0;
    double xx = 0;
    int levelSum = 0;
    for (int i = 0; i < d; i++) {
      float a = Math.abs(rotated[i]);
      int j = Math.min((int) (scale * a), half - 1);
      double mag = j + 0.5;
      xr += mag * a;
      xx += mag * mag;
      int level = rotated[i] >= 0f ? half + j : half - 1 - j;
      levels[i] = (byte) level;
      levelSum += level;
    }
    for (int i = d; i < levels.length; i++) {
      levels[i] = 0;
    }
    CodePacking.packDocument(space.bits(), levels, code);
    boolean euclidean = space.similarity() == VectorSimilarityFunction.EUCLIDEAN;
    if (rr == 0 || xr == 0) {
      float additive = euclidean ? (float) rr : dotCentroid;
      return new DocCorrections(0f, additive, 0f, levelSum, (float) Math.sqrt(rr), cluster);
    }
    double rescale = rr / xr;
    // rescale * <xbar, s_k>: the exact move from the cluster's frame to the query's (0 without).
    double shift = 0;
    float[] s = shifts[cluster];
    if (s != null) {
      double mid = (space.bits().levels() - 1) / 2.0;
      for (int i = 0; i < d; i++) {
        shift += (levels[i] - mid) * s[i];
      }
      shift *= rescale;
    }
    float additive = (float) (euclidean ? rr - 2 * shift : dotCentroid + shift);
    double cos = xr / Math.sqrt(xx * rr);
    cos = Math.min(cos, 1);
    double errorScale = Math.sqrt(rr) * Math.sqrt(1 - cos * cos) / cos;
    return new DocCorrections(
        (float) rescale, additive, (float) errorScale, levelSum, (float) Math.sqrt(rr), cluster);
  }

  /** The grid scale {@code t} (levels = floor(t |r_i|)) that maximizes the cosine with r. */
  private static double bestScale(float[] r, double rms, int half) {
    double step = half / (double) GRID;
    double best = step;
    double bestCos = -1;
    for (int g = 1; g <= GRID; g++) {
      double s = g * step;
      double c = cosine(r, s / rms, half);
      if (c > bestCos) {
        bestCos = c;
        best = s;
      }
    }
    double lo = Math.max(best - step, step / REFINE);
    double fine = (best + step - lo) / REFINE;
    for (int g = 0; g <= REFINE; g++) {
      double s = lo + g * fine;
      double c = cosine(r, s / rms, half);
      if (c > bestCos) {
        bestCos = c;
        best = s;
      }
    }
    return best / rms;
  }

  private static double cosine(float[] r, double t, int half) {
    double xr = 0;
    double xx = 0;
    for (float v : r) {
      float a = Math.abs(v);
      int j = Math.min((int) (t * a), half - 1);
      double mag = j + 0.5;
      xr += mag * a;
      xx += mag * mag;
    }
    return xr / Math.sqrt(xx);
  }
}
