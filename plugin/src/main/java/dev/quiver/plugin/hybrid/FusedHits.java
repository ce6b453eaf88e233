package dev.quiver.plugin.hybrid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping every fusion method shares: which documents the lists retrieved, at which rank
 * and score, and the final order (fused score descending, key ascending).
 */
final class FusedHits {

  /** One document's rank and score in each list (rank 0, score NaN where absent). */
  record Entry(String key, int[] ranks, float[] scores) {}

  /** A fused score from a document's entry. */
  @FunctionalInterface
  interface Scoring {
    double score(Entry entry);
  }

  private FusedHits() {}

  /** Every document any list retrieved, in first-seen order. */
  static List<Entry> entries(List<RankedList> lists) {
    Map<String, Entry> byKey = new HashMap<>();
    List<Entry> entries = new ArrayList<>();
    int n = lists.size();
    for (int list = 0; list < n; list++) {
      RankedList ranked = lists.get(list);
      for (int i = 0; i < ranked.size(); i++) {
        String key = ranked.keys()[i];
        Entry entry = byKey.get(key);
        if (entry == null) {
          float[] scores = new float[n];
          Arrays.fill(scores, Float.NaN);
          entry = new Entry(key, new int[n], scores);
          byKey.put(key, entry);
          entries.add(entry);
        }
        if (entry.ranks()[list] == 0) {
          entry.ranks()[list] = i + 1;
          entry.scores()[list] = ranked.scores()[i];
        }
      }
    }
    return entries;
  }

  /** Scores every entry and sorts by fused score descending, key ascending. */
  static List<FusedHit> rank(List<RankedList> lists, Scoring scoring) {
    List<FusedHit> hits = new ArrayList<>();
    for (Entry entry : entries(lists)) {
      hits.add(
          new FusedHit(entry.key(), (float) scoring.score(entry), entry.ranks(), entry.scores()));
    }
    hits.sort(ORDER);
    return hits;
  }

  /** Fused score descending, then key ascending. */
  static final Comparator<FusedHit> ORDER =
      Comparator.comparingDouble((FusedHit h) -> -h.score()).thenComparing(FusedHit::key);

  /** Equal weights of {@code value} when {@code weights} is null, else a copy checked for count. */
  static float[] weights(float[] weights, int lists, float value) {
    if (weights == null) {
      float[] equal = new float[lists];
      Arrays.fill(equal, value);
      return equal;
    }
    if (weights.length != lists) {
      throw new IllegalArgumentException(
          "[weights] has " + weights.length + " values for " + lists + " sub-queries");
    }
    return weights.clone();
  }
}
