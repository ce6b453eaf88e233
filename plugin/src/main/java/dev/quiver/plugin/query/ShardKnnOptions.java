package dev.quiver.plugin.query;

import java.io.IOException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.TopDocs;

/**
 * What Quiver adds to Lucene's kNN queries, shared by the flat and the nested one: the shard keeps
 * its best {@code topK} of the gathered candidates, drops those under {@code minScore}, and on a
 * quantized field rescores each segment's best {@code rescoreCandidates} by exact similarity
 * ({@code 0}: no rescoring), all of them or, {@code boundedRescore}, only those whose error bound
 * can still reach the top {@code topK}.
 */
record ShardKnnOptions(int topK, Float minScore, int rescoreCandidates, boolean boundedRescore) {

  ShardKnnOptions {
    if (topK <= 0) {
      throw new IllegalArgumentException("k [" + topK + "] must be positive");
    }
  }

  /** Refuses a beam narrower than {@code k}. */
  void checkBeam(int numCandidates) {
    if (topK > numCandidates) {
      throw new IllegalArgumentException(
          "k [" + topK + "] must be <= num_candidates [" + numCandidates + "]");
    }
  }

  /** A segment's hits, rescored exactly when the field is quantized ({@link ExactRescoring}). */
  TopDocs rescore(LeafReaderContext ctx, String field, float[] target, TopDocs hits)
      throws IOException {
    return rescoreCandidates == 0
        ? hits
        : ExactRescoring.rescore(ctx, field, target, hits, rescoreCandidates, topK, boundedRescore);
  }

  /** The shard's best {@code topK} over the segments, {@code minScore} applied. */
  TopDocs merge(TopDocs[] perLeafResults) {
    return ShardTopK.merge(topK, minScore, perLeafResults);
  }

  /** The query's description: its name, field, options and filter. */
  String describe(String name, String field, int numCandidates, Object filter) {
    return name
        + "[field="
        + field
        + ", k="
        + topK
        + ", num_candidates="
        + numCandidates
        + (minScore == null ? "" : ", min_score=" + minScore)
        + (rescoreCandidates == 0 ? "" : ", rescore=" + rescoreCandidates)
        + (rescoreCandidates == 0 || !boundedRescore ? "" : ", bounded")
        + (filter == null ? "" : ", filter=" + filter)
        + "]";
  }
}
