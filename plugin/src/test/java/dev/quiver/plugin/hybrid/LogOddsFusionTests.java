package dev.quiver.plugin.hybrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogOddsFusionTests {

  private static final LogOddsFusion EQUAL = new LogOddsFusion(null);

  /**
   * A lexical list (BM25-like scores) and a dense list ({@code (1 + cos) / 2}-like scores) of 20
   * hits each; {@code both} is third in each, {@code lex} first in the lexical list only.
   */
  private static RankedList lexical(String top) {
    Map<String, Float> hits = new LinkedHashMap<>();
    hits.put(top, 14f);
    hits.put("a1", 12f);
    hits.put("both", 11.5f);
    for (int i = 0; i < 17; i++) {
      hits.put("lexonly" + i, 11f - i * 6f / 16);
    }
    return list(hits);
  }

  private static Map<String, Float> denseHits() {
    Map<String, Float> hits = new LinkedHashMap<>();
    hits.put("b1", 0.92f);
    hits.put("b2", 0.915f);
    hits.put("both", 0.91f);
    for (int i = 0; i < 17; i++) {
      hits.put("denseonly" + i, 0.905f - i * 0.055f / 16);
    }
    return hits;
  }

  @Test
  void strongInOneListButAbsentFromTheOtherRanksBelowGoodInBoth() {
    List<FusedHit> fused = EQUAL.fuse(List.of(lexical("lex"), list(denseHits())));
    assertAbove(fused, "both", "lex");
    // And the lexical winner still beats documents found by one list only at a lower rank.
    assertAbove(fused, "lex", "a1");
    assertAbove(fused, "lex", "denseonly0");
  }

  @Test
  void strongInOneListButWeakInTheOtherRanksBelowGoodInBoth() {
    Map<String, Float> dense = denseHits();
    dense.put("lex", 0.849f); // retrieved, but the weakest of the dense list
    List<FusedHit> fused = EQUAL.fuse(List.of(lexical("lex"), list(dense)));
    assertAbove(fused, "both", "lex");
  }

  /**
   * Three documents with the same lexical evidence: {@code mid} at the dense list's median, {@code
   * low} retrieved last by it, {@code gone} not retrieved (pruned by the window). A low probability
   * and an absence both lower the fused score below the neutral one, and the absence counts at
   * least as much against a document as the weakest retrieved score (Lucene's default softplus
   * gating, apache/lucene#16410, makes both neutral).
   */
  @Test
  void absenceAndLowProbabilityAreNegativeEvidence() {
    Map<String, Float> lexical = new LinkedHashMap<>();
    lexical.put("top", 9f);
    lexical.put("mid", 5f);
    lexical.put("low", 5f);
    lexical.put("gone", 5f);
    lexical.put("bottom", 1f);
    Map<String, Float> dense = new LinkedHashMap<>();
    dense.put("d1", 0.9f);
    dense.put("d2", 0.88f);
    dense.put("mid", 0.86f);
    dense.put("d3", 0.84f);
    dense.put("low", 0.82f);
    List<FusedHit> fused = EQUAL.fuse(List.of(list(lexical), list(dense)));
    assertAbove(fused, "mid", "low");
    assertAbove(fused, "low", "gone");
    // "mid" is at the median of both lists: log-odds 0, probability 0.5.
    assertEquals(0.5f, hit(fused, "mid").score(), 1e-6f);
    assertTrue(hit(fused, "low").score() < 0.5f);
    assertTrue(hit(fused, "gone").score() < hit(fused, "low").score());
    // Absent from the dense list and at the bottom of the lexical one: the lowest of all.
    assertEquals("bottom", fused.get(fused.size() - 1).key());
  }

  /** A document at least as good as another in every list never fuses below it. */
  @Test
  void fusionIsMonotoneInEveryListsEvidence() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int lists = 2 + random.nextInt(4);
      List<RankedList> input = new ArrayList<>();
      for (int l = 0; l < lists; l++) {
        Map<String, Float> hits = new LinkedHashMap<>();
        int size = random.nextInt(30);
        float score = l % 2 == 0 ? 20 * random.nextFloat() : random.nextFloat();
        for (int i = 0; i < size; i++) {
          hits.putIfAbsent("d" + random.nextInt(40), score);
          score -= random.nextInt(3) == 0 ? 0 : random.nextFloat() * (l % 2 == 0 ? 2 : 0.02f);
        }
        input.add(list(hits));
      }
      float[] weights = new float[lists];
      for (int l = 0; l < lists; l++) {
        weights[l] = random.nextInt(4) == 0 ? 0 : random.nextFloat();
      }
      weights[0] += 0.1f;
      for (LogOddsFusion fusion : List.of(EQUAL, new LogOddsFusion(weights))) {
        List<FusedHit> fused = fusion.fuse(input);
        assertSortedWithKeyTieBreak(fused);
        for (FusedHit x : fused) {
          for (FusedHit y : fused) {
            if (dominates(x, y)) {
              assertTrue(
                  x.score() >= y.score(),
                  () -> x.key() + " dominates " + y.key() + " but fused lower: " + fused);
            }
          }
        }
      }
    }
  }

  @Test
  void degenerateListsGiveFiniteProbabilities() {
    RankedList oneHit = list(Map.of("x", 3f));
    RankedList allEqual = list(linked("x", 2f, "y", 2f, "z", 2f));
    RankedList zeros = list(linked("y", 0f, "z", 0f));
    RankedList empty = list(Map.of());
    RankedList normal = list(linked("x", 0.9f, "y", 0.5f, "w", 0.1f));
    List<List<RankedList>> cases =
        List.of(
            List.of(oneHit, normal),
            List.of(allEqual, zeros),
            List.of(zeros, empty),
            List.of(empty, empty),
            List.of(oneHit, allEqual, zeros, empty, normal),
            List.of(oneHit));
    for (List<RankedList> input : cases) {
      List<FusedHit> fused = EQUAL.fuse(input);
      assertSortedWithKeyTieBreak(fused);
      for (FusedHit h : fused) {
        assertTrue(
            Float.isFinite(h.score()) && h.score() > 0 && h.score() < 1, () -> h + " in " + fused);
      }
    }
    // A list without spread still counts its hits above the documents it did not retrieve.
    List<FusedHit> fused = EQUAL.fuse(List.of(allEqual, list(linked("w", 1f, "x", 1f))));
    assertEquals(List.of("x", "w", "y", "z"), keys(fused));
    assertEquals(0.5f, fused.get(0).score(), 1e-6f);
    assertTrue(EQUAL.fuse(List.of(empty, empty)).isEmpty());
  }

  @Test
  void tiesAreBrokenByKeyAndHitsCarryRanksAndScores() {
    RankedList first = list(linked("b", 2f, "a", 1f, "c", 0f));
    RankedList second = list(linked("a", 2f, "b", 1f, "d", 0f));
    List<FusedHit> fused = EQUAL.fuse(List.of(first, second));
    assertEquals(List.of("a", "b", "c", "d"), keys(fused));
    assertEquals(fused.get(0).score(), fused.get(1).score());
    FusedHit c = hit(fused, "c");
    assertArrayEquals(new int[] {3, 0}, c.ranks());
    assertEquals(0f, c.scores()[0]);
    assertTrue(Float.isNaN(c.scores()[1]));
    assertArrayEquals(new int[] {1, 2}, hit(fused, "b").ranks());
  }

  @Test
  void weightsShiftTheBalanceAndZeroWeightIgnoresAList() {
    RankedList lexical = lexical("lex");
    RankedList dense = list(denseHits());
    List<FusedHit> lexicalOnly =
        new LogOddsFusion(new float[] {1, 0}).fuse(List.of(lexical, dense));
    List<String> lexicalOrder = keys(lexicalOnly).subList(0, lexical.size());
    assertEquals(List.of(lexical.keys()), lexicalOrder);
    assertAbove(
        new LogOddsFusion(new float[] {0.9f, 0.1f}).fuse(List.of(lexical, dense)), "lex", "both");
    assertAbove(
        new LogOddsFusion(new float[] {0.5f, 0.5f}).fuse(List.of(lexical, dense)), "both", "lex");
    // Only the ratio matters.
    List<FusedHit> a = new LogOddsFusion(new float[] {3, 7}).fuse(List.of(lexical, dense));
    List<FusedHit> b = new LogOddsFusion(new float[] {0.3f, 0.7f}).fuse(List.of(lexical, dense));
    assertEquals(keys(a), keys(b));
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).score(), b.get(i).score(), 1e-6f);
    }
  }

  @Test
  void badWeightsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LogOddsFusion(new float[] {1, -1}));
    assertThrows(IllegalArgumentException.class, () -> new LogOddsFusion(new float[] {0, 0}));
    assertThrows(
        IllegalArgumentException.class, () -> new LogOddsFusion(new float[] {Float.NaN, 1}));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LogOddsFusion(new float[] {1, 1, 1}).fuse(List.of(lexical("x"), lexical("y"))));
    assertEquals("[weights] has 3 values for 2 sub-queries", e.getMessage());
    assertEquals("log_odds", EQUAL.name());
  }

  private static boolean dominates(FusedHit x, FusedHit y) {
    for (int i = 0; i < x.ranks().length; i++) {
      boolean xIn = x.ranks()[i] != 0;
      boolean yIn = y.ranks()[i] != 0;
      if (yIn && (xIn == false || x.scores()[i] < y.scores()[i])) {
        return false;
      }
    }
    return true;
  }

  private static void assertSortedWithKeyTieBreak(List<FusedHit> fused) {
    for (int i = 1; i < fused.size(); i++) {
      FusedHit a = fused.get(i - 1);
      FusedHit b = fused.get(i);
      assertTrue(
          a.score() > b.score() || (a.score() == b.score() && a.key().compareTo(b.key()) < 0),
          () -> "out of order: " + a + " before " + b);
    }
  }

  private static void assertAbove(List<FusedHit> fused, String higher, String lower) {
    List<String> keys = keys(fused);
    assertTrue(
        keys.indexOf(higher) >= 0 && keys.indexOf(higher) < keys.indexOf(lower),
        () -> higher + " not above " + lower + ": " + describe(fused));
  }

  private static String describe(List<FusedHit> fused) {
    StringBuilder s = new StringBuilder();
    for (FusedHit h : fused) {
      s.append(h.key()).append('=').append(h.score()).append(' ');
    }
    return s.toString();
  }

  private static FusedHit hit(List<FusedHit> fused, String key) {
    return fused.stream().filter(h -> h.key().equals(key)).findFirst().orElseThrow();
  }

  private static List<String> keys(List<FusedHit> fused) {
    return fused.stream().map(FusedHit::key).toList();
  }

  private static Map<String, Float> linked(Object... keyScore) {
    Map<String, Float> m = new LinkedHashMap<>();
    for (int i = 0; i < keyScore.length; i += 2) {
      m.put((String) keyScore[i], (Float) keyScore[i + 1]);
    }
    return m;
  }

  /** A ranked list of these hits, sorted by score descending (stable for equal scores). */
  private static RankedList list(Map<String, Float> hits) {
    List<Map.Entry<String, Float>> entries = new ArrayList<>(new HashMap<>(hits).entrySet());
    List<String> order = new ArrayList<>(hits.keySet());
    entries.sort(
        (a, b) ->
            a.getValue().equals(b.getValue())
                ? Integer.compare(order.indexOf(a.getKey()), order.indexOf(b.getKey()))
                : Float.compare(b.getValue(), a.getValue()));
    String[] keys = new String[entries.size()];
    float[] scores = new float[entries.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = entries.get(i).getKey();
      scores[i] = entries.get(i).getValue();
    }
    return new RankedList(keys, scores);
  }
}
