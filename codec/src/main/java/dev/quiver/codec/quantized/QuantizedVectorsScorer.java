package dev.quiver.codec.quantized;

import dev.quiver.codec.quant.QuantizedQuery;
import dev.quiver.codec.quant.QuantizedScorer;
import dev.quiver.codec.quant.QueryQuantizer;
import dev.quiver.codec.scorer.QuiverFlatVectorsScorer;
import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Scores for {@link Quiver10QuantizedFlatVectorsFormat}.
 *
 * <ul>
 *   <li>A float query against {@link QuantizedFloatVectorValues} (graph search, exhaustive search):
 *       asymmetric. The query is centred, rotated and quantized once ({@link QueryQuantizer}, 4
 *       bits against 1/2-bit codes, 8 against 4/8-bit), then each candidate costs one integer dot
 *       product over the packed codes ({@link QuantizedScorer}, Lucene's {@code VectorUtil}
 *       kernels) and reads nothing but its code record; the estimate is mapped to Lucene's score
 *       scale of the field's similarity. Scores are estimates: rescore with the raw floats for
 *       exact ones.
 *   <li>Any other values, and every {@linkplain #getRandomVectorScorerSupplier supplier} (graph
 *       building at flush and merge): the raw floats, exactly, through {@link
 *       QuiverFlatVectorsScorer}. The graph is built from exact similarities, so its quality does
 *       not depend on the bit width; only the search walks it on estimates. The raw floats are at
 *       hand anyway when a graph is built (in memory at flush, just written at merge).
 * </ul>
 *
 * <p>Why exact floats for building: at flush the codes do not exist yet while Lucene grows the
 * graph (the centroid is the whole segment's), so only a merge could build on codes. Measured on
 * {@code TestQuantizedRecall}'s data (2,000 clustered 64-d vectors, 3 segments force-merged, the
 * 1,300 vectors inserted into the largest source graph scored query-quantized against codes as a
 * search would): recall@10 on the codes fell by 0.002-0.020 at 1 and 2 bits (rescored 3x: up to
 * 0.016) and was unchanged within noise at 4 and 8 bits. Exact similarities give the better graph
 * where recall is scarcest; the merge-time saving of building on codes is left to the benchmark to
 * price on real data.
 *
 * <p>Stateless and thread-safe; use {@link #INSTANCE}.
 */
public final class QuantizedVectorsScorer implements FlatVectorsScorer {

  /** The shared instance. */
  public static final QuantizedVectorsScorer INSTANCE = new QuantizedVectorsScorer();

  private QuantizedVectorsScorer() {}

  @Override
  public RandomVectorScorerSupplier getRandomVectorScorerSupplier(
      VectorSimilarityFunction similarityFunction, KnnVectorValues vectorValues)
      throws IOException {
    // Building reads the raw vectors (off-heap, Lucene's SIMD scorer), codes or not.
    KnnVectorValues exact =
        vectorValues instanceof QuantizedFloatVectorValues quantized
            ? quantized.raw()
            : vectorValues;
    return QuiverFlatVectorsScorer.INSTANCE.getRandomVectorScorerSupplier(
        similarityFunction, exact);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarityFunction, KnnVectorValues vectorValues, float[] target)
      throws IOException {
    if (vectorValues instanceof QuantizedFloatVectorValues quantized) {
      QuantizedQuery query = new QueryQuantizer(quantized.space()).quantize(target);
      if (OneBitRecordScorer.applies(quantized, query)) {
        return new OneBitRecordScorer(quantized, query, similarityFunction);
      }
      return new Asymmetric(quantized, query, similarityFunction);
    }
    return QuiverFlatVectorsScorer.INSTANCE.getRandomVectorScorer(
        similarityFunction, vectorValues, target);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarityFunction, KnnVectorValues vectorValues, byte[] target)
      throws IOException {
    return QuiverFlatVectorsScorer.INSTANCE.getRandomVectorScorer(
        similarityFunction, vectorValues, target);
  }

  /**
   * Lucene's score for a raw similarity value: {@code 1 / (1 + d^2)} for Euclidean (the estimate of
   * a squared distance is clamped at 0), {@code (1 + dot) / 2} for dot product and cosine (clamped
   * at 0), the scaled maximum inner product otherwise.
   */
  static float toScore(VectorSimilarityFunction similarity, float raw) {
    return switch (similarity) {
      case EUCLIDEAN -> 1f / (1f + Math.max(0f, raw));
      case DOT_PRODUCT, COSINE -> Math.max(0f, (1f + raw) / 2f);
      case MAXIMUM_INNER_PRODUCT -> VectorUtil.scaleMaxInnerProductScore(raw);
    };
  }

  /**
   * One quantized query against one field's codes; reads each candidate into a reused record.
   *
   * <p>{@link #bulkScore} (what Lucene's graph search calls for a node's neighbour list) first
   * reads the records of up to {@value #BATCH} candidates, then scores them: the reads of different
   * candidates are independent, so their cache misses overlap instead of each waiting behind the
   * previous candidate's kernel (scoring a random code is bound by memory latency, not by the
   * kernel).
   */
  private static final class Asymmetric extends RandomVectorScorer.AbstractRandomVectorScorer {
    /** Records read ahead by {@link #bulkScore}: more than a level-0 neighbour list (2 * m). */
    private static final int BATCH = 64;

    private final QuantizedFloatVectorValues values;
    private final QuantizedQuery query;
    private final QuantizedScorer scorer;
    private final VectorSimilarityFunction similarity;
    private final QuantizedRecord record;
    private QuantizedRecord[] batch = new QuantizedRecord[0];

    Asymmetric(
        QuantizedFloatVectorValues values,
        QuantizedQuery query,
        VectorSimilarityFunction similarity) {
      super(values);
      this.values = values;
      this.query = query;
      this.scorer = new QuantizedScorer(values.space());
      this.similarity = similarity;
      this.record = values.newRecord();
    }

    @Override
    public float score(int ord) throws IOException {
      values.readRecord(ord, record);
      return score(record);
    }

    private float score(QuantizedRecord r) {
      float raw = scorer.estimate(query, r.code, r.rescale, r.additive, r.levelSum, r.cluster);
      return toScore(similarity, raw);
    }

    @Override
    public float bulkScore(int[] nodes, float[] scores, int numNodes) throws IOException {
      float max = Float.NEGATIVE_INFINITY;
      for (int start = 0; start < numNodes; start += BATCH) {
        int end = Math.min(numNodes, start + BATCH);
        QuantizedRecord[] records = records(end - start);
        for (int i = start; i < end; i++) {
          values.readRecord(nodes[i], records[i - start]);
        }
        for (int i = start; i < end; i++) {
          float s = score(records[i - start]);
          scores[i] = s;
          max = Math.max(max, s);
        }
      }
      return max;
    }

    /** At least {@code n} reusable records (allocated on first need, then kept for the query). */
    private QuantizedRecord[] records(int n) {
      if (batch.length < n) {
        QuantizedRecord[] grown = Arrays.copyOf(batch, n);
        for (int i = batch.length; i < grown.length; i++) {
          grown[i] = values.newRecord();
        }
        batch = grown;
      }
      return batch;
    }
  }

  @Override
  public String toString() {
    return "QuantizedVectorsScorer()";
  }
}
