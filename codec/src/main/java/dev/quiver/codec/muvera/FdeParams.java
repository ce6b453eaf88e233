package dev.quiver.codec.muvera;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The parameters of a MUVERA fixed dimensional encoding (FDE), fixed per field: {@code repetitions}
 * independent SimHash partitions of {@code 2^simhashBits} buckets each, every bucket projected to
 * {@code projectionDims} coordinates by a sparse sign (count-sketch) projection, the repetitions
 * concatenated, then optionally count-sketched to {@code finalProjectionDims} ({@code 0} = none).
 * {@code seed} fixes the random bank and {@code version} the algorithm (PRNG, draw order, bucket
 * numbering, fill rule) that turns the seed into it; see {@link FdeEncoder}.
 *
 * <p>The record does not validate on construction so that a mapping parser can report every problem
 * through {@link #validate(int)}.
 *
 * @param repetitions independent partitions, 1..{@value #MAX_REPETITIONS}
 * @param simhashBits SimHash hyperplanes per repetition, 0..{@value #MAX_SIMHASH_BITS} (0 = one
 *     bucket)
 * @param projectionDims coordinates per bucket after the inner projection, 1..token dims
 * @param finalProjectionDims dimensions after the final count-sketch, 0 (none) or 1..{@value
 *     #MAX_FDE_DIMS}
 * @param seed seed of the random bank; identical for queries and documents
 * @param version algorithm version, {@value #VERSION_1}
 */
public record FdeParams(
    int repetitions,
    int simhashBits,
    int projectionDims,
    int finalProjectionDims,
    long seed,
    int version) {

  /** The first (and current) algorithm version, specified in {@link FdeEncoder}. */
  public static final int VERSION_1 = 1;

  public static final int VERSION_CURRENT = VERSION_1;

  /** Largest FDE a field may index (Quiver's vector formats accept up to 16,384 dims). */
  public static final int MAX_FDE_DIMS = 16_384;

  /**
   * Largest concatenated FDE before a final projection ({@code repetitions * 2^simhashBits *
   * projectionDims}): 1,048,576 coordinates (the paper's widest, 327,680, fits).
   */
  public static final int MAX_RAW_DIMS = 1 << 20;

  public static final int MAX_REPETITIONS = 1024;
  public static final int MAX_SIMHASH_BITS = 10;

  public static final int DEFAULT_REPETITIONS = 20;
  public static final int DEFAULT_SIMHASH_BITS = 5;
  public static final int DEFAULT_PROJECTION_DIMS = 16;
  public static final long DEFAULT_SEED = 42L;

  /** 20 repetitions, 5 SimHash bits, 16 projection dims, no final projection: 10,240 dims. */
  public static FdeParams defaults() {
    return new FdeParams(
        DEFAULT_REPETITIONS,
        DEFAULT_SIMHASH_BITS,
        DEFAULT_PROJECTION_DIMS,
        0,
        DEFAULT_SEED,
        VERSION_CURRENT);
  }

  /** Buckets per repetition, {@code 2^simhashBits}. */
  public int buckets() {
    return 1 << simhashBits;
  }

  /** {@code repetitions * 2^simhashBits * projectionDims}, the FDE before any final projection. */
  public long rawDims() {
    return (long) repetitions * (1L << Math.max(0, Math.min(simhashBits, 62))) * projectionDims;
  }

  /**
   * Dimensions of the FDE (query and document alike): {@code finalProjectionDims} if set, else
   * {@link #rawDims()}.
   *
   * @throws IllegalArgumentException if that does not fit an int (the params do not validate)
   */
  public int fdeDims() {
    long dims = finalProjectionDims > 0 ? finalProjectionDims : rawDims();
    if (dims <= 0 || dims > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("FDE dimensions out of range: " + describe());
    }
    return (int) dims;
  }

  /**
   * Checks these parameters for token vectors of {@code tokenDims} dimensions.
   *
   * @throws IllegalArgumentException naming the first parameter out of range (in mapping names:
   *     {@code repetitions}, {@code simhash_bits}, {@code projection_dims}, {@code
   *     final_projection_dims}, {@code version})
   */
  public void validate(int tokenDims) {
    if (tokenDims < 1) {
      throw new IllegalArgumentException("token dims must be at least 1, got " + tokenDims);
    }
    if (version != VERSION_1) {
      throw new IllegalArgumentException(
          "unknown FDE version [" + version + "]; supported: [" + VERSION_1 + "]");
    }
    if (repetitions < 1 || repetitions > MAX_REPETITIONS) {
      throw new IllegalArgumentException(
          "[repetitions] must be in 1.." + MAX_REPETITIONS + ", got " + repetitions);
    }
    if (simhashBits < 0 || simhashBits > MAX_SIMHASH_BITS) {
      throw new IllegalArgumentException(
          "[simhash_bits] must be in 0.." + MAX_SIMHASH_BITS + ", got " + simhashBits);
    }
    if (projectionDims < 1 || projectionDims > tokenDims) {
      throw new IllegalArgumentException(
          "[projection_dims] must be in 1..token dims (" + tokenDims + "), got " + projectionDims);
    }
    if (finalProjectionDims < 0 || finalProjectionDims > MAX_FDE_DIMS) {
      throw new IllegalArgumentException(
          "[final_projection_dims] must be 0 (none) or in 1.."
              + MAX_FDE_DIMS
              + ", got "
              + finalProjectionDims);
    }
    long raw = rawDims();
    if (finalProjectionDims == 0 && raw > MAX_FDE_DIMS) {
      throw new IllegalArgumentException(
          "FDE dimensions [repetitions] * 2^[simhash_bits] * [projection_dims] = "
              + describe()
              + " exceed the maximum of "
              + MAX_FDE_DIMS
              + "; lower one of them or set [final_projection_dims]");
    }
    if (raw > MAX_RAW_DIMS) {
      throw new IllegalArgumentException(
          "FDE dimensions before the final projection [repetitions] * 2^[simhash_bits] *"
              + " [projection_dims] = "
              + describe()
              + " exceed the maximum of "
              + MAX_RAW_DIMS);
    }
  }

  private String describe() {
    return repetitions + " * 2^" + simhashBits + " * " + projectionDims + " = " + rawDims();
  }

  /**
   * A stable fingerprint of the algorithm version, every parameter and the token dimensions: the
   * first 16 hex digits of the SHA-256 of {@code
   * "quiver-fde;version=V;token_dims=D;repetitions=R;simhash_bits=K;projection=sparse_sign;projection_dims=P;final_projection_dims=F;seed=S;fill=nearest_token;bucket_order=gray"}
   * (decimal numbers, UTF-8), prefixed with {@code "fde" + version + ":"}. The same on every JVM;
   * two fields whose FDEs are comparable have equal fingerprints.
   */
  public String fingerprint(int tokenDims) {
    String canonical =
        "quiver-fde;version="
            + version
            + ";token_dims="
            + tokenDims
            + ";repetitions="
            + repetitions
            + ";simhash_bits="
            + simhashBits
            + ";projection=sparse_sign;projection_dims="
            + projectionDims
            + ";final_projection_dims="
            + finalProjectionDims
            + ";seed="
            + seed
            + ";fill=nearest_token;bucket_order=gray";
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
    StringBuilder hex = new StringBuilder("fde").append(version).append(':');
    for (int i = 0; i < 8; i++) {
      hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16))
          .append(Character.forDigit(digest[i] & 0xF, 16));
    }
    return hex.toString();
  }
}
