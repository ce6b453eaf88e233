package dev.quiver.plugin.hybrid;

import java.util.List;

/**
 * A way to fuse the global result lists of {@code quiver_hybrid}'s sub-queries into one ranking.
 * Implementations are pure functions of their inputs (no OpenSearch state), so that a 1-shard and a
 * 5-shard index over the same documents fuse identically.
 */
public interface FusionMethod {

  /** The {@code fusion.method} name this implements ({@code rrf}, {@code linear}, ...). */
  String name();

  /**
   * Fuses one list per sub-query (in sub-query order) into hits sorted by fused score descending;
   * ties are broken by key ascending so that the order does not depend on shard layout.
   */
  List<FusedHit> fuse(List<RankedList> lists);
}
