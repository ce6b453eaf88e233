package dev.quiver.plugin.hybrid;

/**
 * One document of a fused {@code quiver_hybrid} result: its key, fused score, and per sub-query its
 * 1-based rank ({@code 0} where that sub-query did not retrieve it) and its own score ({@code NaN}
 * where absent), for {@code explain}.
 */
public record FusedHit(String key, float score, int[] ranks, float[] scores) {}
