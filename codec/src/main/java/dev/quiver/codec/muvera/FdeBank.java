package dev.quiver.codec.muvera;

/**
 * The immutable random bank of an FDE: per repetition the SimHash hyperplanes and the inner
 * projection, and the final projection. Built once per (params, token dims) from the seed ({@link
 * #generate}); tests inject hand-made banks (including the identity projection) through the
 * constructor.
 */
final class FdeBank {

  final int tokenDims;
  final int repetitions;
  final int simhashBits;

  /** Coordinates per bucket: the projection's output dims, or token dims for the identity. */
  final int projectionDims;

  /** Per repetition, {@code simhashBits} hyperplanes of {@code tokenDims} each, plane-major. */
  final double[][] hyperplanes;

  /** Per repetition and input coordinate, the output column; {@code null} = identity. */
  final int[][] projectionColumns;

  /** Per repetition and input coordinate, the sign; {@code null} = identity. */
  final float[][] projectionSigns;

  /** Per coordinate of the concatenated FDE, its target and sign; {@code null} = no final step. */
  final int[] finalTargets;

  final float[] finalSigns;
  final int finalDims;

  FdeBank(
      int tokenDims,
      int simhashBits,
      int projectionDims,
      double[][] hyperplanes,
      int[][] projectionColumns,
      float[][] projectionSigns,
      int finalDims,
      int[] finalTargets,
      float[] finalSigns) {
    this.tokenDims = tokenDims;
    this.repetitions = hyperplanes.length;
    this.simhashBits = simhashBits;
    this.projectionDims = projectionColumns == null ? tokenDims : projectionDims;
    this.hyperplanes = hyperplanes;
    this.projectionColumns = projectionColumns;
    this.projectionSigns = projectionSigns;
    this.finalDims = finalDims;
    this.finalTargets = finalTargets;
    this.finalSigns = finalSigns;
  }

  int buckets() {
    return 1 << simhashBits;
  }

  /** Coordinates of one repetition, {@code 2^simhashBits * projectionDims}. */
  int repetitionDims() {
    return buckets() * projectionDims;
  }

  /** Dims of the output: the final projection's, or all repetitions concatenated. */
  int outputDims() {
    return finalTargets != null ? finalDims : repetitions * repetitionDims();
  }

  /**
   * The bank of algorithm version 1, drawn with {@link FdeRandom} in this order: for repetition r,
   * stream (seed, SimHash, r) gives hyperplane 0's coordinates 0..d-1 as Gaussians, then hyperplane
   * 1's, and so on; stream (seed, projection, r) gives, for each input coordinate i in order, its
   * column ({@code nextInt(projectionDims)}) then its sign; stream (seed, final projection, 0)
   * gives, for each coordinate of the concatenated FDE in order, its target ({@code
   * nextInt(finalProjectionDims)}) then its sign.
   */
  static FdeBank generate(FdeParams params, int tokenDims) {
    params.validate(tokenDims);
    int reps = params.repetitions();
    int bits = params.simhashBits();
    int proj = params.projectionDims();
    double[][] planes = new double[reps][bits * tokenDims];
    int[][] columns = new int[reps][tokenDims];
    float[][] signs = new float[reps][tokenDims];
    for (int r = 0; r < reps; r++) {
      FdeRandom simhash = FdeRandom.stream(params.seed(), FdeRandom.PURPOSE_SIMHASH, r);
      for (int k = 0; k < planes[r].length; k++) {
        planes[r][k] = simhash.nextGaussian();
      }
      FdeRandom projection = FdeRandom.stream(params.seed(), FdeRandom.PURPOSE_PROJECTION, r);
      for (int i = 0; i < tokenDims; i++) {
        columns[r][i] = projection.nextInt(proj);
        signs[r][i] = projection.nextSign();
      }
    }
    int finalDims = params.finalProjectionDims();
    int[] targets = null;
    float[] finalSigns = null;
    if (finalDims > 0) {
      int raw = (int) params.rawDims();
      targets = new int[raw];
      finalSigns = new float[raw];
      FdeRandom random = FdeRandom.stream(params.seed(), FdeRandom.PURPOSE_FINAL_PROJECTION, 0);
      for (int i = 0; i < raw; i++) {
        targets[i] = random.nextInt(finalDims);
        finalSigns[i] = random.nextSign();
      }
    }
    return new FdeBank(
        tokenDims, bits, proj, planes, columns, signs, finalDims, targets, finalSigns);
  }
}
