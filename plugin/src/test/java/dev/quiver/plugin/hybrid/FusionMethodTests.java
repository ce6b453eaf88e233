package dev.quiver.plugin.hybrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RRF and linear fusion against hand-computed scores, ties and the absent-document rules. */
class FusionMethodTests {

  private static RankedList list(String... keysAndScores) {
    String[] keys = new String[keysAndScores.length / 2];
    float[] scores = new float[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = keysAndScores[2 * i];
      scores[i] = Float.parseFloat(keysAndScores[2 * i + 1]);
    }
    return new RankedList(keys, scores);
  }

  private static List<String> keys(List<FusedHit> hits) {
    return hits.stream().map(FusedHit::key).toList();
  }

  private static final List<RankedList> TWO =
      List.of(list("i/a", "9", "i/b", "5", "i/c", "1"), list("i/c", "0.9", "i/d", "0.8"));

  @Test
  void rrfSumsReciprocalRanks() {
    List<FusedHit> hits = new RrfFusion(60, null).fuse(TWO);
    assertEquals(List.of("i/c", "i/a", "i/b", "i/d"), keys(hits));
    FusedHit c = hits.get(0);
    assertEquals((float) (1.0 / 63 + 1.0 / 61), c.score());
    assertArrayEquals(new int[] {3, 1}, c.ranks());
    assertArrayEquals(new float[] {1f, 0.9f}, c.scores());
    FusedHit a = hits.get(1);
    assertEquals((float) (1.0 / 61), a.score());
    assertArrayEquals(new int[] {1, 0}, a.ranks());
    assertTrue(Float.isNaN(a.scores()[1]));
  }

  @Test
  void rrfTiesBreakByKeyAscending() {
    // b and d both have rank 2 in one list only: equal scores, b first.
    List<FusedHit> hits = new RrfFusion(60, null).fuse(TWO);
    assertEquals(hits.get(2).score(), hits.get(3).score());
    assertEquals("i/b", hits.get(2).key());
  }

  @Test
  void rrfWeightsAndRankConstant() {
    List<FusedHit> hits = new RrfFusion(1, new float[] {0f, 2f}).fuse(TWO);
    assertEquals(List.of("i/c", "i/d", "i/a", "i/b"), keys(hits));
    assertEquals(2f / 2, hits.get(0).score());
    assertEquals(2f / 3, hits.get(1).score());
    assertEquals(0f, hits.get(2).score());
  }

  @Test
  void minMaxLinear() {
    List<FusedHit> hits =
        new LinearFusion(ScoreNormalization.MIN_MAX, new float[] {0.5f, 0.5f}).fuse(TWO);
    // list 0: a=1, b=0.5, c=0; list 1: c=1, d=0; absent = 0.
    assertEquals(List.of("i/a", "i/c", "i/b", "i/d"), keys(hits));
    assertEquals(0.5f, hits.get(0).score());
    assertEquals(0.5f, hits.get(1).score());
    assertEquals(0.25f, hits.get(2).score());
    assertEquals(0f, hits.get(3).score());
  }

  @Test
  void defaultLinearWeightsAreOneOverN() {
    List<FusedHit> equal = new LinearFusion(ScoreNormalization.MIN_MAX, null).fuse(TWO);
    List<FusedHit> half =
        new LinearFusion(ScoreNormalization.MIN_MAX, new float[] {0.5f, 0.5f}).fuse(TWO);
    for (int i = 0; i < equal.size(); i++) {
      assertEquals(half.get(i).key(), equal.get(i).key());
      assertEquals(half.get(i).score(), equal.get(i).score());
    }
  }

  @Test
  void l2AndZScoreNormalize() {
    float[] l2 = ScoreNormalization.L2.apply(new float[] {3, 4});
    assertArrayEquals(new float[] {0.6f, 0.8f}, l2, 1e-7f);
    float[] z = ScoreNormalization.Z_SCORE.apply(new float[] {1, 3});
    assertArrayEquals(new float[] {-1f, 1f}, z, 1e-7f);
    assertArrayEquals(new float[] {1f, 1f}, ScoreNormalization.MIN_MAX.apply(new float[] {2, 2}));
    assertArrayEquals(new float[] {0f, 0f}, ScoreNormalization.Z_SCORE.apply(new float[] {2, 2}));
    assertArrayEquals(new float[] {0f}, ScoreNormalization.L2.apply(new float[] {0}));
  }

  @Test
  void absentDocumentsScoreTheListMinimum() {
    // z-score of list 1 (c, d) is (1, -1): a (absent from list 1) gets -1 there.
    List<FusedHit> hits =
        new LinearFusion(ScoreNormalization.Z_SCORE, new float[] {0f, 1f}).fuse(TWO);
    FusedHit a = hits.stream().filter(h -> h.key().equals("i/a")).findFirst().orElseThrow();
    assertEquals(-1f, a.score(), 1e-6f);
  }

  @Test
  void emptyListsFuseToNothing() {
    RankedList empty = list();
    assertEquals(List.of(), new RrfFusion(60, null).fuse(List.of(empty, empty)));
    assertEquals(
        List.of("i/a"),
        keys(new LinearFusion(ScoreNormalization.L2, null).fuse(List.of(empty, list("i/a", "2")))));
  }

  @Test
  void orderDoesNotDependOnTheOrderOfTiedInputs() {
    // The same documents with equal scores, listed in two orders: same fused output.
    Random random = new Random(7);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      keys.add("i/" + i);
    }
    List<FusedHit> first = null;
    for (int round = 0; round < 5; round++) {
      Collections.shuffle(keys, random);
      String[] k = keys.toArray(new String[0]);
      float[] s = new float[k.length];
      java.util.Arrays.fill(s, 1f);
      List<FusedHit> hits =
          new LinearFusion(ScoreNormalization.MIN_MAX, null)
              .fuse(List.of(new RankedList(k, s), new RankedList(k, s)));
      if (first == null) {
        first = hits;
      } else {
        assertEquals(keys(first), keys(hits));
      }
    }
  }

  @Test
  void weightsMustMatchTheLists() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new RrfFusion(60, new float[] {1f}).fuse(TWO));
    assertTrue(e.getMessage().contains("[weights] has 1 values for 2 sub-queries"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RrfFusion(0, null));
  }

  @Test
  void aDocumentCountsOnceAtItsBestRank() {
    List<FusedHit> hits =
        new RrfFusion(60, null).fuse(List.of(list("i/a", "2", "i/a", "1"), list("i/b", "1")));
    assertEquals(2, hits.size());
    assertArrayEquals(new int[] {1, 0}, hits.get(0).ranks());
  }
}
