package dev.quiver.plugin.hybrid;

/**
 * One sub-query's global result list for {@code quiver_hybrid}: the documents it retrieved over all
 * shards, best first. {@code keys[i]} identifies a document across indices and shards (index name
 * and {@code _id}), {@code scores[i]} is the sub-query's own score for it; rank is {@code i + 1}.
 */
public record RankedList(String[] keys, float[] scores) {

  public RankedList {
    if (keys.length != scores.length) {
      throw new IllegalArgumentException(
          "keys and scores differ in length: " + keys.length + " vs " + scores.length);
    }
  }

  public int size() {
    return keys.length;
  }
}
