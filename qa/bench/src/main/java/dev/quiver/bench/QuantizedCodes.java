package dev.quiver.bench;

/**
 * One quantized copy of a data set, as the quantization benchmark sees it: bytes per vector and,
 * per query, an estimated similarity (higher is better: dot product, or minus the squared distance)
 * and, where the estimator has one, an error bound.
 */
interface QuantizedCodes {

  String name();

  /** Document code plus the per-vector corrective terms the estimate needs. */
  int bytesPerVector();

  boolean hasBound();

  /** Prepares a query; the returned estimator is used by one thread. */
  Estimator prepare(float[] query);

  interface Estimator {
    /** Estimated similarity of the query and document {@code doc}. */
    float similarity(int doc);

    /**
     * Half-width of the estimate's confidence interval at {@code epsilon}, or NaN if none; {@code
     * withQueryError} widens it by the query's rounding error.
     */
    float bound(int doc, float epsilon, boolean withQueryError);
  }
}
