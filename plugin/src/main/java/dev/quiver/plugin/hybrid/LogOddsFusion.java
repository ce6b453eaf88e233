package dev.quiver.plugin.hybrid;

import java.util.Arrays;
import java.util.List;

/**
 * {@code log_odds} fusion: each sub-query's scores become calibrated relevance probabilities, which
 * are pooled as a weighted mean of their log-odds (a logarithmic opinion pool: the weighted
 * geometric mean of the odds).
 *
 * <p><b>Calibration</b> (per sub-query list, per request, see {@link ScoreCalibration}): a sigmoid
 * fitted on the list's own score distribution, {@code p = sigmoid((score - median) / spread)}, with
 * {@code spread} the standard deviation of the list's scores. Fitting on the list makes it
 * affine-invariant, so one calibration fits BM25's unbounded scores and {@code quiver_knn}'s
 * similarity scores alike. Taken as probabilities directly, {@code (1 + cos) / 2} scores of
 * bge-small on SciFact (0.77..0.96) would all be positive evidence whose log-odds span about 0.6
 * within one query's list, against about 6 for the fitted BM25 ones: the dense list would barely
 * count (nDCG@10 0.713 that way, 0.741 fitted).
 *
 * <p><b>Negative evidence</b>: a document below a list's median gets negative log-odds, and a
 * document absent from a list (it ranked below the list's window, or did not match) gets the
 * log-odds of a score one spread below the weakest score the list retrieved. Absence thus always
 * counts against a document, and at least as much as the weakest retrieved score: all else equal, a
 * document a list did not retrieve fuses below one it retrieved, so pruning a low-scoring document
 * from a list never turns its negative evidence into neutral (the defect that apache/lucene#16410
 * fixes in Lucene 10.5's {@code LogOddsFusionQuery}, whose default softplus gating maps every
 * negative log-odds, and every non-match, to about zero).
 *
 * <p><b>Pooling</b>: {@code L = sum_i w_i * logit_i / sum_i w_i}; the fused score is {@code
 * sigmoid(L)}, a probability in (0, 1). Weights are relative reliabilities (default all equal).
 * Under equal weights this ranks like the sum of log-odds (naive Bayes over independent evidence,
 * each list's prior 0.5 at its median cancelling); the mean keeps the pooled log-odds in the range
 * of one list's, so that the float probability stays discriminative at the top.
 *
 * <p>Degenerate lists are defined: an empty list gives every document the same negative log-odds, a
 * list whose scores are all equal (or that has one hit) gives its hits log-odds 0 and absent
 * documents {@code -1}; the fused score is never NaN or infinite.
 */
public final class LogOddsFusion implements FusionMethod {

  /** The {@code fusion.method} name. */
  public static final String NAME = "log_odds";

  private final float[] weights;

  /**
   * @param weights one non-negative, finite weight per sub-query, not all zero; {@code null} for
   *     equal weights
   */
  public LogOddsFusion(float[] weights) {
    if (weights != null) {
      double sum = 0;
      for (float w : weights) {
        if (Float.isFinite(w) == false || w < 0) {
          throw new IllegalArgumentException(
              "log_odds weights must be finite and non-negative, got " + Arrays.toString(weights));
        }
        sum += w;
      }
      if (sum <= 0) {
        throw new IllegalArgumentException("log_odds weights must not all be zero");
      }
    }
    this.weights = weights == null ? null : weights.clone();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<FusedHit> fuse(List<RankedList> lists) {
    int n = lists.size();
    float[] w = FusedHits.weights(weights, n, 1f);
    double weightSum = 0;
    ScoreCalibration[] calibrations = new ScoreCalibration[n];
    for (int i = 0; i < n; i++) {
      weightSum += w[i];
      calibrations[i] = ScoreCalibration.fit(lists.get(i).scores());
    }
    double total = weightSum;
    return FusedHits.rank(
        lists,
        entry -> {
          double pooled = 0;
          for (int i = 0; i < n; i++) {
            double logit =
                entry.ranks()[i] == 0
                    ? calibrations[i].absentLogit()
                    : calibrations[i].logit(entry.scores()[i]);
            pooled += w[i] * logit;
          }
          return sigmoid(pooled / total);
        });
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
}
