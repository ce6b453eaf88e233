package dev.quiver.plugin.hybrid;

import java.util.Arrays;

/**
 * A sigmoid calibration fitted on one sub-query's own result list: {@code logit(score) = (score -
 * median) / spread}, {@code spread} the population standard deviation of the list's scores. The
 * median hit gets probability 0.5; each spread above or below moves the log-odds by one.
 *
 * <p>{@link #absentLogit()} is the evidence of a document the list did not retrieve: the log-odds
 * of a score one spread below the list's weakest score, so it is below that of every retrieved
 * document. A list with no spread (one hit, all scores equal) cannot tell its hits apart: they get
 * log-odds 0, absent documents {@code -1}. An empty list gives absent documents {@code -1} too.
 *
 * @param median the median score of the list
 * @param spread the standard deviation of the list's scores; 0 when they do not vary
 * @param absentLogit the log-odds of a document absent from the list
 */
record ScoreCalibration(double median, double spread, double absentLogit) {

  /** How far below the weakest retrieved score an absent document is taken to be, in spreads. */
  static final double ABSENT_MARGIN = 1;

  static ScoreCalibration fit(float[] scores) {
    int n = scores.length;
    if (n == 0) {
      return new ScoreCalibration(0, 0, -ABSENT_MARGIN);
    }
    double[] sorted = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      if (Float.isFinite(scores[i]) == false) {
        throw new IllegalArgumentException("score " + scores[i] + " at rank " + (i + 1));
      }
      sorted[i] = scores[i];
      sum += scores[i];
    }
    Arrays.sort(sorted);
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double mean = sum / n;
    double squares = 0;
    for (double s : sorted) {
      squares += (s - mean) * (s - mean);
    }
    double spread = Math.sqrt(squares / n);
    if ((spread > 0) == false) {
      return new ScoreCalibration(median, 0, -ABSENT_MARGIN);
    }
    ScoreCalibration fitted = new ScoreCalibration(median, spread, 0);
    return new ScoreCalibration(median, spread, fitted.logit(sorted[0]) - ABSENT_MARGIN);
  }

  /** The log-odds of relevance of a retrieved document with this score. */
  double logit(double score) {
    return spread > 0 ? (score - median) / spread : 0;
  }
}
