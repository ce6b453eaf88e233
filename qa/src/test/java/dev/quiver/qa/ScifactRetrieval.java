package dev.quiver.qa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The queries of the SciFact hybrid evaluation over a {@link ScifactIndex}: BM25 ({@code match} on
 * the text field), dense ({@code quiver_knn} with {@code query_text}), and {@code quiver_hybrid} of
 * the two; and their quality over the test queries, nDCG@10 and recall@100.
 */
final class ScifactRetrieval {

  /** Hits per query: recall is measured at 100, and the fusion window is 100 by default. */
  static final int DEPTH = 100;

  /** Mean quality over the judged queries. */
  record Quality(double ndcgAt10, double recallAt100) {}

  /** One hit of a ranking. */
  record Hit(String id, double score) {}

  private ScifactRetrieval() {}

  static ObjectNode bm25(String text) {
    ObjectNode query = Rest.JSON.createObjectNode();
    query.putObject("match").put(ScifactIndex.TEXT_FIELD, text);
    return query;
  }

  static ObjectNode dense(String text) {
    ObjectNode query = Rest.JSON.createObjectNode();
    query
        .putObject("quiver_knn")
        .put("field", ScifactIndex.VECTOR_FIELD)
        .put("k", DEPTH)
        .put("query_text", text);
    return query;
  }

  /**
   * BM25 and dense fused by {@code quiver_hybrid}.
   *
   * @param fusion the {@code fusion} object as JSON, or {@code null} for the default (RRF)
   */
  static ObjectNode hybrid(String text, String fusion) {
    ObjectNode query = Rest.JSON.createObjectNode();
    ObjectNode hybrid = query.putObject("quiver_hybrid");
    hybrid.putArray("queries").add(bm25(text)).add(dense(text));
    if (fusion != null) {
      try {
        hybrid.set("fusion", Rest.JSON.readTree(fusion));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("bad fusion JSON: " + fusion, e);
      }
    }
    return query;
  }

  /** The {@code _search} body for a query: {@code size} hits, no source. */
  static ObjectNode search(JsonNode query, int size) {
    ObjectNode body = Rest.JSON.createObjectNode();
    body.put("size", size).put("_source", false);
    body.set("query", query);
    return body;
  }

  /** The first {@link #DEPTH} hits of a query. */
  static List<Hit> ranking(Rest rest, String index, JsonNode query) {
    JsonNode hits =
        rest.post("/" + index + "/_search", search(query, DEPTH)).ok().body().at("/hits/hits");
    List<Hit> ranking = new ArrayList<>();
    hits.forEach(h -> ranking.add(new Hit(h.get("_id").asText(), h.get("_score").asDouble())));
    return ranking;
  }

  /** Mean nDCG@10 and recall@100 of a query type over every judged query. */
  static Quality quality(
      Rest rest,
      String index,
      Map<String, String> queries,
      Map<String, Map<String, Integer>> qrels,
      Function<String, JsonNode> queryOfText) {
    double ndcg = 0;
    double recall = 0;
    for (Map.Entry<String, Map<String, Integer>> judged : qrels.entrySet()) {
      String text = queries.get(judged.getKey());
      if (text == null) {
        throw new IllegalStateException("no text for query " + judged.getKey());
      }
      List<String> ids =
          ranking(rest, index, queryOfText.apply(text)).stream().map(Hit::id).toList();
      ndcg += ScifactData.ndcgAt(10, ids, judged.getValue());
      recall += ScifactData.recallAt(DEPTH, ids, judged.getValue());
    }
    return new Quality(ndcg / qrels.size(), recall / qrels.size());
  }
}
