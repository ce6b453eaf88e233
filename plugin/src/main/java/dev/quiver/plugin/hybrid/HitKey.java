package dev.quiver.plugin.hybrid;

/**
 * The key of a document in {@code quiver_hybrid}'s lists: {@code <index>/<_id>}. Index names never
 * contain {@code /}, so the first one separates them; keys order by index name, then id.
 */
public final class HitKey {

  private HitKey() {}

  public static String of(String index, String id) {
    return index + '/' + id;
  }

  public static String index(String key) {
    return key.substring(0, key.indexOf('/'));
  }

  public static String id(String key) {
    return key.substring(key.indexOf('/') + 1);
  }
}
