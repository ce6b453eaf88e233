package dev.quiver.codec.quantized;

import java.io.IOException;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.IntroSorter;

/**
 * Bound-driven exact rescoring of one segment's candidates: reads the raw vector of a candidate
 * only while its estimate's upper bound can still reach the top {@code k}.
 *
 * <p>Each candidate is scored on its code with {@link QuantizedEstimator} (one code record, no raw
 * vector), then the candidates are rescored exactly in decreasing order of their upper bound; the
 * pass keeps the {@code k}-th best exact score so far and stops at the first candidate whose upper
 * bound is strictly below it, since then that candidate, and every one after it, scores below the
 * {@code k} already rescored. Whenever the bound holds for the candidates it skipped ({@code exact
 * <= upper}), the top {@code k} by exact score, ties included, is that of rescoring every
 * candidate: the candidates skipped cannot tie with the {@code k}-th. Candidates are never added:
 * the set is the caller's (e.g. {@code ceil(oversample * k)} hits of the graph search), so the
 * recall equals that of full rescoring of the same set up to the rare skipped candidate whose error
 * exceeds the bound.
 *
 * <p>The bound is RaBitQ's ({@link QuantizedEstimator}), {@code epsilon} standard deviations of the
 * estimate's error wide. A skipped candidate is lost only if its exact score is above its upper
 * bound (one tail) <em>and</em> above the {@code k}-th exact score; at {@link #DEFAULT_EPSILON}
 * none of the top 10 of full rescoring of the same candidates was lost on scifact-bge-small (48k,
 * 1,000 queries) and SIFT10K at oversample 2, 3 and 5 and every width (2.5 lost 1 in 10,000; see
 * {@code qa/bench/QUANTIZATION.md}).
 *
 * <p>Reusable for many candidate sets of one query; not thread-safe.
 */
public final class BoundedRescorer {

  /** Width of the bound in standard deviations, chosen by measurement (QUANTIZATION.md). */
  public static final float DEFAULT_EPSILON = 3f;

  private final QuantizedFloatVectorValues values;
  private final QuantizedEstimator estimator;
  private final float[] target;
  private final VectorSimilarityFunction similarity;
  private final int k;
  private final float[] heap;

  private int[] ords = new int[0];
  private float[] uppers = new float[0];
  private int[] resultOrds = new int[0];
  private float[] resultScores = new float[0];
  private int size;

  /**
   * @param values the segment's values (their ordinals are the candidates'); raw vectors are read
   *     through them, so they must not be used by another thread meanwhile
   * @param similarity the field's similarity, for the exact scores
   * @param k results wanted from each candidate set
   * @param epsilon width of the bound in standard deviations ({@link #DEFAULT_EPSILON})
   */
  public BoundedRescorer(
      QuantizedFloatVectorValues values,
      float[] target,
      VectorSimilarityFunction similarity,
      int k,
      float epsilon)
      throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; k=" + k);
    }
    this.values = values;
    this.estimator = values.estimator(target, epsilon);
    this.target = target;
    this.similarity = similarity;
    this.k = k;
    this.heap = new float[k];
  }

  /**
   * Rescores the candidates {@code candidates[0..count)} (ordinals, any order, no duplicates).
   *
   * @return the number of raw vectors read, which is {@link #size()}
   */
  public int rescore(int[] candidates, int count) throws IOException {
    if (ords.length < count) {
      ords = new int[count];
      uppers = new float[count];
      resultOrds = new int[count];
      resultScores = new float[count];
    }
    for (int i = 0; i < count; i++) {
      ords[i] = candidates[i];
      estimator.score(candidates[i]);
      uppers[i] = estimator.upperScore();
    }
    byUpperBoundDescending(count);
    size = 0;
    int inHeap = 0;
    for (int i = 0; i < count; i++) {
      if (inHeap == k && uppers[i] < heap[0]) {
        break;
      }
      float exact = similarity.compare(target, values.vectorValue(ords[i]));
      resultOrds[size] = ords[i];
      resultScores[size] = exact;
      size++;
      if (inHeap < k) {
        heap[inHeap++] = exact;
        siftUp(inHeap - 1);
      } else if (exact > heap[0]) {
        heap[0] = exact;
        siftDown(k);
      }
    }
    return size;
  }

  /** Candidates rescored by the last {@link #rescore} (raw vectors read). */
  public int size() {
    return size;
  }

  /** Ordinal of the {@code i}-th candidate rescored (in the order they were read). */
  public int ord(int i) {
    return resultOrds[i];
  }

  /** Exact score of the {@code i}-th candidate rescored. */
  public float score(int i) {
    return resultScores[i];
  }

  private void byUpperBoundDescending(int count) {
    new IntroSorter() {
      private float pivot;

      @Override
      protected void setPivot(int i) {
        pivot = uppers[i];
      }

      @Override
      protected int comparePivot(int j) {
        return Float.compare(uppers[j], pivot);
      }

      @Override
      protected int compare(int i, int j) {
        return Float.compare(uppers[j], uppers[i]);
      }

      @Override
      protected void swap(int i, int j) {
        float u = uppers[i];
        uppers[i] = uppers[j];
        uppers[j] = u;
        int o = ords[i];
        ords[i] = ords[j];
        ords[j] = o;
      }
    }.sort(0, count);
  }

  private void siftUp(int i) {
    float v = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= v) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = v;
  }

  private void siftDown(int n) {
    float v = heap[0];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= v) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = v;
  }
}
