package dev.quiver.qa;

import java.util.List;
import java.util.Locale;

/**
 * The SciFact corpus in one index as a {@code quiver_semantic} user sets it up: one field, {@code
 * content} = {@code title + " " + text}, of type {@code quiver_semantic} with the {@code english}
 * analyzer (so BM25 on it is {@link ScifactIndex}'s), the default model and index options; no
 * pipeline. The raw texts go in through {@code _bulk}; the node embeds them. One shard.
 */
final class ScifactSemanticIndex {

  static final String FIELD = "content";

  private ScifactSemanticIndex() {}

  /** Creates the index, replacing it if present. */
  static void create(Rest rest, String index) {
    rest.delete("/" + index);
    rest.put(
            "/" + index,
            String.format(
                Locale.ROOT,
                """
                {"settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": -1},
                 "mappings": {"dynamic": false, "properties": {
                   "%s": {"type": "quiver_semantic", "analyzer": "english"}}}}
                """,
                FIELD))
        .ok();
  }

  /**
   * Bulk-indexes the raw corpus with a few bulk requests in flight, then refreshes and checks the
   * count.
   */
  static void ingest(
      Rest rest, String index, List<ScifactData.Doc> corpus, int bulkSize, int concurrency)
      throws Exception {
    ScifactIndex.ingest(rest, index, FIELD, corpus, bulkSize, concurrency);
  }

  /**
   * Creates and fills the index unless it already holds the whole corpus.
   *
   * @return whether the corpus was ingested now
   */
  static boolean ensure(Rest rest, String index, List<ScifactData.Doc> corpus) throws Exception {
    Rest.Response count = rest.get("/" + index + "/_count");
    if (count.status() == 200 && count.body().path("count").asInt() == corpus.size()) {
      return false;
    }
    create(rest, index);
    ingest(rest, index, corpus, 200, 3);
    return true;
  }
}
