package dev.quiver.plugin.query;

import java.util.Arrays;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * A shard's answer to {@code quiver_knn}: the best {@code k} per-segment hits, floored by score.
 */
final class ShardTopK {

  private ShardTopK() {}

  /**
   * Merges per-segment results into the shard's {@code topK} best, dropping hits whose similarity
   * score is below {@code minScore} (none dropped when null).
   */
  static TopDocs merge(int topK, Float minScore, TopDocs[] perLeafResults) {
    TopDocs merged = TopDocs.merge(topK, perLeafResults);
    if (minScore == null) {
      return merged;
    }
    ScoreDoc[] kept =
        Arrays.stream(merged.scoreDocs).filter(sd -> sd.score >= minScore).toArray(ScoreDoc[]::new);
    return new TopDocs(merged.totalHits, kept);
  }
}
