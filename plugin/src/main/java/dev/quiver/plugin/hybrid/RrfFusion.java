package dev.quiver.plugin.hybrid;

import java.util.List;

/**
 * Reciprocal rank fusion: a document's fused score is {@code sum_i w_i / (rank_constant + rank_i)}
 * over the sub-queries that retrieved it (1-based ranks); {@code w_i} is 1 unless weights are
 * given. Only ranks count, so sub-queries on different score scales mix without normalization.
 */
public final class RrfFusion implements FusionMethod {

  public static final String NAME = "rrf";

  /** The {@code rank_constant} used when none is given. */
  public static final int DEFAULT_RANK_CONSTANT = 60;

  private final int rankConstant;
  private final float[] weights;

  /**
   * @param weights one per sub-query, or null for 1 each
   */
  public RrfFusion(int rankConstant, float[] weights) {
    if (rankConstant < 1) {
      throw new IllegalArgumentException(
          "[rank_constant] must be an integer >= 1, got [" + rankConstant + "]");
    }
    this.rankConstant = rankConstant;
    this.weights = weights == null ? null : weights.clone();
  }

  @Override
  public String name() {
    return NAME;
  }

  public int rankConstant() {
    return rankConstant;
  }

  @Override
  public List<FusedHit> fuse(List<RankedList> lists) {
    float[] w = FusedHits.weights(weights, lists.size(), 1f);
    return FusedHits.rank(
        lists,
        entry -> {
          double sum = 0;
          for (int i = 0; i < w.length; i++) {
            int rank = entry.ranks()[i];
            if (rank > 0) {
              sum += w[i] / (double) (rankConstant + rank);
            }
          }
          return sum;
        });
  }
}
