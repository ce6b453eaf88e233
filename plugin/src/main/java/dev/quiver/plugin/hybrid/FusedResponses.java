package dev.quiver.plugin.hybrid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.search.SearchResponseSections;
import org.opensearch.search.SearchHit;
import org.opensearch.search.SearchHits;
import org.opensearch.search.profile.SearchProfileShardResults;

/** Reading the sub-searches' hits as ranked lists, and showing fused scores in the final one. */
final class FusedResponses {

  private FusedResponses() {}

  /**
   * A sub-search's hits as a global list of at most {@code limit}, by score descending, then key
   * ascending (so that ties rank the same whatever the shard layout).
   */
  static RankedList rankedList(SearchResponse response, int limit) {
    record Hit(String key, float score) {}
    List<Hit> hits = new ArrayList<>();
    for (SearchHit hit : response.getHits().getHits()) {
      hits.add(new Hit(HitKey.of(hit.getIndex(), hit.getId()), hit.getScore()));
    }
    hits.sort(Comparator.comparingDouble((Hit h) -> -h.score()).thenComparing(Hit::key));
    int n = Math.min(limit, hits.size());
    String[] keys = new String[n];
    float[] scores = new float[n];
    for (int i = 0; i < n; i++) {
      keys[i] = hits.get(i).key();
      scores[i] = hits.get(i).score();
    }
    return new RankedList(keys, scores);
  }

  /**
   * The final search's response with each hit's fused score (it was scored by its place in the
   * fused order) and the best fused score as {@code max_score}; {@code took} covers all searches.
   */
  static SearchResponse withFusedScores(
      SearchResponse response, List<FusedHit> fused, long tookMillis) {
    Map<String, Float> scores = new HashMap<>();
    for (FusedHit hit : fused) {
      scores.put(hit.key(), hit.score());
    }
    SearchHits hits = response.getHits();
    for (SearchHit hit : hits.getHits()) {
      Float score = scores.get(HitKey.of(hit.getIndex(), hit.getId()));
      if (score != null) {
        hit.score(score);
      }
    }
    float maxScore =
        Float.isNaN(hits.getMaxScore()) || fused.isEmpty()
            ? hits.getMaxScore()
            : fused.get(0).score();
    SearchHits rescored =
        new SearchHits(
            hits.getHits(),
            hits.getTotalHits(),
            maxScore,
            hits.getSortFields(),
            hits.getCollapseField(),
            hits.getCollapseValues());
    SearchResponseSections sections = response.getInternalResponse();
    Map<String, org.opensearch.search.profile.ProfileShardResult> profile = sections.profile();
    SearchResponseSections replaced =
        new SearchResponseSections(
            rescored,
            sections.aggregations(),
            sections.suggest(),
            sections.timedOut(),
            sections.terminatedEarly(),
            profile == null || profile.isEmpty() ? null : new SearchProfileShardResults(profile),
            sections.getNumReducePhases(),
            sections.getSearchExtBuilders(),
            sections.getProcessorResult());
    return new SearchResponse(
        replaced,
        response.getScrollId(),
        response.getTotalShards(),
        response.getSuccessfulShards(),
        response.getSkippedShards(),
        tookMillis,
        response.getPhaseTook(),
        response.getShardFailures(),
        response.getClusters(),
        response.pointInTimeId());
  }
}
