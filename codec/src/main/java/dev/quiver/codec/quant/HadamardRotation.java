package dev.quiver.codec.quant;

import java.util.SplittableRandom;

/**
 * A seeded random orthogonal transform built from fast Walsh–Hadamard transforms (FWHT) and random
 * sign flips, applied before quantization so that every coordinate of a rotated vector carries a
 * similar share of its energy (the premise of the RaBitQ error bound: Gao &amp; Long, "RaBitQ:
 * Quantizing High-Dimensional Vectors with a Theoretical Error Bound for Approximate Nearest
 * Neighbor Search", SIGMOD 2024).
 *
 * <p>One round is: multiply each coordinate by a random sign, then apply a normalized FWHT. The
 * transform is {@code rounds} such rounds, each with its own signs, all drawn from {@code seed}.
 * Three rounds mix well in practice; zero rounds is the identity (used to measure what rotation
 * buys).
 *
 * <p>Two shapes for dimensions that are not a power of two:
 *
 * <ul>
 *   <li>{@link #padded}: the input is zero-padded to the next power of two {@code p} and each round
 *       applies one FWHT of size {@code p}. Rotated vectors have {@code p} coordinates.
 *   <li>{@link #overlapping}: no padding. With {@code p} the largest power of two {@code <= dims},
 *       each round applies an FWHT of size {@code p} to the first {@code p} coordinates and another
 *       to the last {@code p}; the two blocks overlap when {@code dims < 2p}, so the product of
 *       rounds mixes all coordinates. Rotated vectors keep {@code dims} coordinates, so codes are
 *       not larger than the input dimension requires.
 * </ul>
 *
 * <p>Both are exactly orthogonal (up to float rounding): norms and dot products are preserved. The
 * same seed and shape always give the same transform. Instances are immutable and thread-safe;
 * {@link #rotate} allocates nothing.
 */
public final class HadamardRotation {

  /**
   * {@code jdk.incubator.vector} is readable (e.g. {@code --add-modules jdk.incubator.vector}): the
   * loops run in {@link PanamaFwht}, with the same results.
   */
  static final boolean PANAMA = panamaAvailable();

  private static boolean panamaAvailable() {
    try {
      return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
          && PanamaFwht.LANES >= 2;
    } catch (LinkageError e) {
      return false;
    }
  }

  private final int dims;
  private final int rotatedDims;
  private final int blockSize;
  private final boolean twoBlocks;
  private final float[][] signs;
  private final float blockScale;

  private HadamardRotation(int dims, int rotatedDims, int blockSize, int rounds, long seed) {
    if (dims < 1) {
      throw new IllegalArgumentException("dims must be positive; dims=" + dims);
    }
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds must be >= 0; rounds=" + rounds);
    }
    this.dims = dims;
    this.rotatedDims = rotatedDims;
    this.blockSize = blockSize;
    this.twoBlocks = blockSize < rotatedDims;
    this.blockScale = (float) (1 / Math.sqrt(blockSize));
    SplittableRandom random = new SplittableRandom(seed);
    this.signs = new float[rounds][rotatedDims];
    for (float[] round : signs) {
      for (int i = 0; i < round.length; i++) {
        round[i] = random.nextBoolean() ? 1f : -1f;
      }
    }
  }

  /** A rotation over {@code dims} zero-padded to the next power of two. */
  public static HadamardRotation padded(int dims, int rounds, long seed) {
    int p = nextPowerOfTwo(dims);
    return new HadamardRotation(dims, p, p, rounds, seed);
  }

  /** A rotation over exactly {@code dims} coordinates (two overlapping FWHT blocks per round). */
  public static HadamardRotation overlapping(int dims, int rounds, long seed) {
    return new HadamardRotation(dims, dims, Integer.highestOneBit(Math.max(dims, 1)), rounds, seed);
  }

  /** The identity over {@code dims} coordinates (no padding, no rounds). */
  public static HadamardRotation identity(int dims) {
    return new HadamardRotation(dims, dims, Integer.highestOneBit(Math.max(dims, 1)), 0, 0);
  }

  /** Input dimension. */
  public int dims() {
    return dims;
  }

  /** Number of coordinates of a rotated vector ({@code >= dims}). */
  public int rotatedDims() {
    return rotatedDims;
  }

  /** Number of sign-flip + FWHT rounds (0 for the identity). */
  public int rounds() {
    return signs.length;
  }

  /**
   * Writes the rotation of {@code in} into {@code out[0..rotatedDims)}.
   *
   * @param in a vector of {@link #dims()} values, not modified
   * @param out at least {@link #rotatedDims()} values; must not be {@code in}
   */
  public void rotate(float[] in, float[] out) {
    if (in.length != dims) {
      throw new IllegalArgumentException(
          "vector has " + in.length + " dimensions, rotation expects " + dims);
    }
    if (out.length < rotatedDims) {
      throw new IllegalArgumentException(
          "output has " + out.length + " slots, rotation needs " + rotatedDims);
    }
    if (in == out) {
      throw new IllegalArgumentException("in and out must be different arrays");
    }
    apply(in, out, PANAMA && blockSize >= PanamaFwht.LANES);
  }

  /**
   * The rotation of {@code in} into {@code out}, with the {@link PanamaFwht} loops or the scalar
   * ones (the same results bit for bit; the test compares them).
   */
  void apply(float[] in, float[] out, boolean vectorized) {
    System.arraycopy(in, 0, out, 0, dims);
    for (int i = dims; i < rotatedDims; i++) {
      out[i] = 0f;
    }
    for (float[] round : signs) {
      if (vectorized) {
        PanamaFwht.flip(out, round, rotatedDims);
        PanamaFwht.fwht(out, 0, blockSize, blockScale);
        if (twoBlocks) {
          PanamaFwht.fwht(out, rotatedDims - blockSize, blockSize, blockScale);
        }
      } else {
        for (int i = 0; i < rotatedDims; i++) {
          out[i] *= round[i];
        }
        fwht(out, 0, blockSize, blockScale);
        if (twoBlocks) {
          fwht(out, rotatedDims - blockSize, blockSize, blockScale);
        }
      }
    }
  }

  /** In-place normalized Walsh–Hadamard transform of {@code x[from..from+n)}, n a power of two. */
  static void fwht(float[] x, int from, int n, float scale) {
    for (int half = 1; half < n; half <<= 1) {
      for (int start = from; start < from + n; start += half << 1) {
        for (int i = start, end = start + half; i < end; i++) {
          float a = x[i];
          float b = x[i + half];
          x[i] = a + b;
          x[i + half] = a - b;
        }
      }
    }
    for (int i = from; i < from + n; i++) {
      x[i] *= scale;
    }
  }

  private static int nextPowerOfTwo(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("dims must be positive; dims=" + n);
    }
    int p = Integer.highestOneBit(n);
    return p == n ? n : Math.multiplyExact(p, 2);
  }

  @Override
  public String toString() {
    return "HadamardRotation(dims="
        + dims
        + ", rotatedDims="
        + rotatedDims
        + ", rounds="
        + signs.length
        + (twoBlocks ? ", overlapping blocks of " + blockSize : "")
        + ")";
  }
}
