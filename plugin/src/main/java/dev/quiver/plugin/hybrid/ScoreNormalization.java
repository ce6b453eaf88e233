package dev.quiver.plugin.hybrid;

import java.util.Locale;

/**
 * How {@link LinearFusion} puts one sub-query's scores on a common scale, computed over that
 * sub-query's global list (not per shard), so that the fused scores do not depend on the shard
 * layout.
 */
public enum ScoreNormalization {
  /** {@code (s - min) / (max - min)}, in [0, 1]; 1 for every hit when all scores are equal. */
  MIN_MAX {
    @Override
    float[] apply(float[] scores) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (float s : scores) {
        min = Math.min(min, s);
        max = Math.max(max, s);
      }
      float[] out = new float[scores.length];
      for (int i = 0; i < scores.length; i++) {
        out[i] = max > min ? (float) ((scores[i] - min) / (max - min)) : 1f;
      }
      return out;
    }
  },
  /** {@code s / sqrt(sum s^2)}; 0 for every hit when all scores are 0. */
  L2 {
    @Override
    float[] apply(float[] scores) {
      double sumSquares = 0;
      for (float s : scores) {
        sumSquares += (double) s * s;
      }
      double norm = Math.sqrt(sumSquares);
      float[] out = new float[scores.length];
      for (int i = 0; i < scores.length; i++) {
        out[i] = norm > 0 ? (float) (scores[i] / norm) : 0f;
      }
      return out;
    }
  },
  /** {@code (s - mean) / stddev} (population); 0 for every hit when all scores are equal. */
  Z_SCORE {
    @Override
    float[] apply(float[] scores) {
      double mean = 0;
      for (float s : scores) {
        mean += s;
      }
      mean /= Math.max(1, scores.length);
      double variance = 0;
      for (float s : scores) {
        variance += (s - mean) * (s - mean);
      }
      double std = Math.sqrt(variance / Math.max(1, scores.length));
      float[] out = new float[scores.length];
      for (int i = 0; i < scores.length; i++) {
        out[i] = std > 0 ? (float) ((scores[i] - mean) / std) : 0f;
      }
      return out;
    }
  };

  public static final ScoreNormalization DEFAULT = MIN_MAX;

  /** The normalized scores, in list order. */
  abstract float[] apply(float[] scores);

  /** The name in {@code fusion.normalization}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The normalization of that name; a 400 naming the accepted ones otherwise. */
  public static ScoreNormalization of(String name) {
    for (ScoreNormalization n : values()) {
      if (n.jsonName().equals(name)) {
        return n;
      }
    }
    throw new IllegalArgumentException(
        "unknown [normalization] [" + name + "], expected one of [min_max, l2, z_score]");
  }
}
