package dev.quiver.codec.scorer;

import java.io.IOException;
import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.hnsw.FlatVectorsScorer;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

/**
 * Scores full-precision vectors (float32 and byte) for Quiver's flat formats.
 *
 * <p>Scoring goes through Lucene's raw-vector scorer, which reads vectors off-heap and computes
 * with {@link org.apache.lucene.util.VectorUtil} (Panama SIMD when {@code jdk.incubator.vector} is
 * enabled). It is the single scoring seam of Quiver's flat formats: quantized encodings add their
 * own asymmetric scorers next to this one and fall back to it for exact rescoring.
 *
 * <p>Thread-safe and stateless; use {@link #INSTANCE}.
 */
public final class QuiverFlatVectorsScorer implements FlatVectorsScorer {

  /** The shared instance. */
  public static final QuiverFlatVectorsScorer INSTANCE = new QuiverFlatVectorsScorer();

  private final FlatVectorsScorer raw = FlatVectorScorerUtil.getLucene99FlatVectorsScorer();

  private QuiverFlatVectorsScorer() {}

  @Override
  public RandomVectorScorerSupplier getRandomVectorScorerSupplier(
      VectorSimilarityFunction similarityFunction, KnnVectorValues vectorValues)
      throws IOException {
    return raw.getRandomVectorScorerSupplier(similarityFunction, vectorValues);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarityFunction, KnnVectorValues vectorValues, float[] target)
      throws IOException {
    return raw.getRandomVectorScorer(similarityFunction, vectorValues, target);
  }

  @Override
  public RandomVectorScorer getRandomVectorScorer(
      VectorSimilarityFunction similarityFunction, KnnVectorValues vectorValues, byte[] target)
      throws IOException {
    return raw.getRandomVectorScorer(similarityFunction, vectorValues, target);
  }

  @Override
  public String toString() {
    return "QuiverFlatVectorsScorer(raw=" + raw + ")";
  }
}
