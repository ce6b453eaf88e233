package dev.quiver.codec.muvera;

import java.util.Arrays;

/**
 * MUVERA fixed dimensional encodings (Dhulipala et al., arXiv 2405.19504): a set of token vectors
 * to one vector whose inner product with another set's approximates their Chamfer (MaxSim)
 * similarity. Queries and documents are encoded differently ({@link #encodeQuery}, {@link
 * #encodeDocument}); both must come from encoders with equal {@link #fingerprint()}s.
 *
 * <h2>Algorithm version 1 (frozen)</h2>
 *
 * For each repetition r (random bank: {@link FdeBank#generate}):
 *
 * <ol>
 *   <li><b>Partition.</b> Token x's sign pattern has bit {@code k-1-j} set iff {@code <g_j, x> > 0}
 *       (strict; computed in double, coordinates in order, so every JVM agrees) for hyperplane j =
 *       0..k-1. Its bucket is the Gray-code index of the pattern: {@code idx = 0; for j: idx = (idx
 *       << 1) | (bit_j ^ (idx & 1))}; the inverse is {@code pattern = idx ^ (idx >> 1)}. With k = 0
 *       there is one bucket.
 *   <li><b>Project.</b> Bucket b owns coordinates {@code [r*B*P + b*P, r*B*P + (b+1)*P)}; token x
 *       adds {@code sign_r(i) * x[i]} to coordinate {@code column_r(i)} of its bucket's block, for
 *       i in order (a count-sketch, no scaling: it is unbiased as is), tokens in input order, in
 *       float.
 *   <li><b>Aggregate.</b> Queries: the sum (empty buckets stay 0). Documents: the sum divided by
 *       the bucket's token count (the average); an empty bucket gets the projection of the first
 *       token (input order) whose sign pattern is nearest in Hamming distance to the bucket's
 *       pattern (k &gt; 0 only).
 * </ol>
 *
 * The repetitions are concatenated; with a final projection, coordinate i of the concatenation is
 * added, times {@code finalSign(i)}, to output coordinate {@code finalTarget(i)}.
 *
 * <p>Tokens are used as given: normalize them (and drop padding tokens) first if the model's
 * similarity is cosine. Thread-safe; the only allocation per call is the output (plus, on first use
 * per thread, a small scratch).
 */
public final class FdeEncoder {

  private final FdeParams params;
  private final FdeBank bank;
  private final String fingerprint;
  private final ThreadLocal<Scratch> scratch;

  /**
   * @throws IllegalArgumentException if {@code params} do not validate for {@code tokenDims}
   */
  public FdeEncoder(FdeParams params, int tokenDims) {
    this(params, FdeBank.generate(params, tokenDims));
  }

  FdeEncoder(FdeParams params, FdeBank bank) {
    this.params = params;
    this.bank = bank;
    this.fingerprint = params.fingerprint(bank.tokenDims);
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(bank));
  }

  public FdeParams params() {
    return params;
  }

  public int tokenDims() {
    return bank.tokenDims;
  }

  /** Length of every encoding, {@link FdeParams#fdeDims()}. */
  public int dims() {
    return bank.outputDims();
  }

  /** {@link FdeParams#fingerprint(int)} of this encoder's params and token dims. */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * The document-side FDE (per-bucket average, empty buckets filled).
   *
   * @param vectors {@code count} token vectors, row-major, {@code count * tokenDims} floats (more
   *     are ignored)
   * @param count at least 1
   * @throws IllegalArgumentException if {@code count < 1}, the array is too short or a value is not
   *     finite
   */
  public float[] encodeDocument(float[] vectors, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("a document needs at least one vector, got " + count);
    }
    return encode(vectors, count, true);
  }

  /**
   * The query-side FDE (per-bucket sum, no filling); zero vectors give the zero vector.
   *
   * @param vectors {@code count} token vectors, row-major, {@code count * tokenDims} floats
   * @throws IllegalArgumentException if {@code count < 0}, the array is too short or a value is not
   *     finite
   */
  public float[] encodeQuery(float[] vectors, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("vector count must not be negative, got " + count);
    }
    return encode(vectors, count, false);
  }

  private float[] encode(float[] vectors, int count, boolean document) {
    int d = bank.tokenDims;
    if ((long) count * d > vectors.length) {
      throw new IllegalArgumentException(
          count
              + " vectors of "
              + d
              + " dims need "
              + (long) count * d
              + " floats, got "
              + vectors.length);
    }
    for (int i = 0, n = count * d; i < n; i++) {
      if (Float.isFinite(vectors[i]) == false) {
        throw new IllegalArgumentException(
            "vector " + (i / d) + " has a non-finite value at dim " + (i % d) + ": " + vectors[i]);
      }
    }
    float[] out = new float[bank.outputDims()];
    Scratch s = scratch.get();
    s.ensure(count);
    int repDims = bank.repetitionDims();
    for (int r = 0; r < bank.repetitions; r++) {
      float[] target;
      int base;
      if (bank.finalTargets == null) {
        target = out;
        base = r * repDims;
      } else {
        target = s.repetition;
        base = 0;
        Arrays.fill(target, 0f);
      }
      encodeRepetition(r, vectors, count, document, target, base, s);
      if (bank.finalTargets != null) {
        int offset = r * repDims;
        for (int t = 0; t < repDims; t++) {
          out[bank.finalTargets[offset + t]] += bank.finalSigns[offset + t] * target[t];
        }
      }
    }
    return out;
  }

  private void encodeRepetition(
      int r, float[] vectors, int count, boolean document, float[] target, int base, Scratch s) {
    int d = bank.tokenDims;
    int p = bank.projectionDims;
    int[] patterns = s.patterns;
    int[] counts = s.counts;
    Arrays.fill(counts, 0);
    for (int i = 0; i < count; i++) {
      int pattern = signPattern(r, vectors, i * d);
      patterns[i] = pattern;
      int bucket = bucketOf(pattern, bank.simhashBits);
      counts[bucket]++;
      project(r, vectors, i * d, target, base + bucket * p);
    }
    if (document == false) {
      return;
    }
    for (int b = 0, buckets = bank.buckets(); b < buckets; b++) {
      int block = base + b * p;
      if (counts[b] > 1) {
        float n = counts[b];
        for (int t = 0; t < p; t++) {
          target[block + t] /= n;
        }
      } else if (counts[b] == 0) {
        // k > 0 here: with one bucket every token lands in it.
        project(r, vectors, nearestToken(patternOfBucket(b), patterns, count) * d, target, block);
      }
    }
  }

  /** Bit {@code k-1-j} set iff {@code <g_j, x> > 0}, in double, coordinates in order. */
  private int signPattern(int r, float[] vectors, int offset) {
    double[] planes = bank.hyperplanes[r];
    int d = bank.tokenDims;
    int pattern = 0;
    for (int j = 0; j < bank.simhashBits; j++) {
      double dot = 0;
      int plane = j * d;
      for (int i = 0; i < d; i++) {
        dot += planes[plane + i] * vectors[offset + i];
      }
      pattern = (pattern << 1) | (dot > 0 ? 1 : 0);
    }
    return pattern;
  }

  /** Adds the projection of the token at {@code offset} to {@code target[block..block+P)}. */
  private void project(int r, float[] vectors, int offset, float[] target, int block) {
    int d = bank.tokenDims;
    if (bank.projectionColumns == null) {
      for (int i = 0; i < d; i++) {
        target[block + i] += vectors[offset + i];
      }
    } else {
      int[] columns = bank.projectionColumns[r];
      float[] signs = bank.projectionSigns[r];
      for (int i = 0; i < d; i++) {
        target[block + columns[i]] += signs[i] * vectors[offset + i];
      }
    }
  }

  /** The first token (input order) whose pattern is nearest to {@code pattern} in Hamming. */
  static int nearestToken(int pattern, int[] patterns, int count) {
    int best = 0;
    int bestDistance = Integer.MAX_VALUE;
    for (int i = 0; i < count; i++) {
      int distance = Integer.bitCount(patterns[i] ^ pattern);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    return best;
  }

  /** Gray-code bucket index of a k-bit sign pattern (hyperplane 0 = most significant bit). */
  static int bucketOf(int pattern, int bits) {
    int idx = 0;
    for (int j = 0; j < bits; j++) {
      int bit = (pattern >>> (bits - 1 - j)) & 1;
      idx = (idx << 1) | (bit ^ (idx & 1));
    }
    return idx;
  }

  /** Inverse of {@link #bucketOf}. */
  static int patternOfBucket(int bucket) {
    return bucket ^ (bucket >>> 1);
  }

  @Override
  public String toString() {
    return "FdeEncoder(" + params + ", tokenDims=" + bank.tokenDims + ")";
  }

  /** Per-thread working memory. */
  private static final class Scratch {
    int[] patterns = new int[16];
    final int[] counts;
    final float[] repetition;

    Scratch(FdeBank bank) {
      counts = new int[bank.buckets()];
      repetition = bank.finalTargets == null ? null : new float[bank.repetitionDims()];
    }

    void ensure(int count) {
      if (patterns.length < count) {
        patterns = new int[Math.max(count, patterns.length * 2)];
      }
    }
  }
}
