package dev.quiver.plugin.hybrid;

import java.util.ArrayList;
import java.util.List;

/**
 * Linear combination: each sub-query's scores are normalized over its own global list ({@link
 * ScoreNormalization}), and a document's fused score is {@code sum_i w_i * norm_i}. A document a
 * sub-query did not retrieve counts as that list's lowest normalized score (0 for {@code min_max}),
 * since it scored no better than the list's last hit. Weights default to {@code 1/n} each; given
 * weights are used as they are.
 */
public final class LinearFusion implements FusionMethod {

  public static final String NAME = "linear";

  private final ScoreNormalization normalization;
  private final float[] weights;

  /**
   * @param weights one per sub-query, or null for {@code 1/n} each
   */
  public LinearFusion(ScoreNormalization normalization, float[] weights) {
    this.normalization = normalization;
    this.weights = weights == null ? null : weights.clone();
  }

  @Override
  public String name() {
    return NAME;
  }

  public ScoreNormalization normalization() {
    return normalization;
  }

  @Override
  public List<FusedHit> fuse(List<RankedList> lists) {
    int n = lists.size();
    float[] w = FusedHits.weights(weights, n, 1f / n);
    List<float[]> normalized = new ArrayList<>(n);
    float[] absent = new float[n];
    for (int i = 0; i < n; i++) {
      float[] scores = normalization.apply(lists.get(i).scores());
      normalized.add(scores);
      float min = 0;
      if (scores.length > 0) {
        min = Float.POSITIVE_INFINITY;
        for (float s : scores) {
          min = Math.min(min, s);
        }
      }
      absent[i] = min;
    }
    return FusedHits.rank(
        lists,
        entry -> {
          double sum = 0;
          for (int i = 0; i < n; i++) {
            int rank = entry.ranks()[i];
            sum += w[i] * (double) (rank > 0 ? normalized.get(i)[rank - 1] : absent[i]);
          }
          return sum;
        });
  }
}
