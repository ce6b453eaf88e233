package dev.quiver.codec.muvera;

/**
 * The frozen pseudo-random generator of FDE algorithm version 1: SplitMix64 (Steele, Lea and
 * Flood), one independent stream per (seed, purpose, repetition).
 *
 * <p>Specification, so that any implementation (in any language) can reproduce the random bank:
 *
 * <ul>
 *   <li>{@code mix(z)}: {@code z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >>> 27)) *
 *       0x94D049BB133111EB; return z ^ (z >>> 31)} (64-bit wrapping arithmetic, {@code >>>}
 *       unsigned shift).
 *   <li>Stream state: {@code mix(mix(seed ^ salt(purpose)) + repetition)}, with {@code salt} =
 *       {@code 0x51A3_0001_5EED_0001 * purpose} for purposes 1 (SimHash planes), 2 (inner
 *       projection) and 3 (final projection; repetition 0).
 *   <li>{@link #nextLong()}: {@code state += 0x9E3779B97F4A7C15; return mix(state)}.
 *   <li>{@link #nextDouble()}: {@code (nextLong() >>> 11) * 2^-53}, in [0, 1).
 *   <li>{@link #nextGaussian()}: Box–Muller, cosine branch only, with {@link StrictMath}: {@code u1
 *       = 1 - nextDouble()}, {@code u2 = nextDouble()}, {@code sqrt(-2 ln u1) * cos(2 pi u2)}.
 *   <li>{@link #nextInt(int)}: {@code ((nextLong() >>> 33) * bound) >>> 31}, in [0, bound).
 *   <li>{@link #nextSign()}: {@code +1} if the top bit of {@code nextLong()} is 0, else {@code -1}.
 * </ul>
 *
 * <p>Not {@link java.util.SplittableRandom}: its Gaussian and bounded methods are implementation
 * details of the JDK that may change between releases.
 */
final class FdeRandom {

  static final int PURPOSE_SIMHASH = 1;
  static final int PURPOSE_PROJECTION = 2;
  static final int PURPOSE_FINAL_PROJECTION = 3;

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final long SALT = 0x51A300015EED0001L;

  private long state;

  private FdeRandom(long state) {
    this.state = state;
  }

  static FdeRandom stream(long seed, int purpose, int repetition) {
    return new FdeRandom(mix(mix(seed ^ (SALT * purpose)) + repetition));
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  double nextGaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
  }

  int nextInt(int bound) {
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  float nextSign() {
    return nextLong() < 0 ? -1f : 1f;
  }
}
