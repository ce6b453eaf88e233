package dev.quiver.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code quiver_hybrid} with {@code fusion.method: log_odds} on a real node: its scores are the
 * documented formula (per sub-query a sigmoid fitted on its own global list, the weighted mean of
 * the log-odds, absence one spread below the weakest retrieved score) computed here from the
 * sub-queries run alone, they are probabilities, and {@code explain} names the method. SciFact
 * quality: {@link ScifactRestTest}; 1 vs 5 shards: {@link HybridQueryRestTest}.
 */
class LogOddsFusionRestTest {

  private static final String INDEX = "log-odds";
  private static final String MATCH = "{\"match\":{\"body\":\"w1 w2 w3\"}}";
  private static final String KNN =
      "{\"quiver_knn\":{\"field\":\"v\",\"vector\":[1,0.5,-0.5,0.25],\"k\":40}}";

  private static Rest rest;

  @BeforeAll
  static void createIndex() throws Exception {
    rest = QaNode.rest();
    rest.delete("/" + INDEX);
    rest.put(
            "/" + INDEX,
            """
            {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
             "mappings": {"properties": {
               "body": {"type": "text"},
               "v": {"type": "quiver_vector", "dims": 4, "similarity": "cosine",
                     "index_options": {"type": "flat"}}}}}
            """)
        .ok();
    StringBuilder bulk = new StringBuilder();
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      StringBuilder body = new StringBuilder();
      for (int w = 4 + random.nextInt(10); w > 0; w--) {
        body.append("w").append(random.nextInt(25)).append(' ');
      }
      bulk.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n");
      bulk.append(
          String.format(
              Locale.ROOT,
              "{\"body\":\"%s\",\"v\":[%s,%s,%s,%s]}%n",
              body.toString().trim(),
              random.nextGaussian(),
              random.nextGaussian(),
              random.nextGaussian(),
              random.nextGaussian()));
    }
    JsonNode r = rest.bulk("/" + INDEX + "/_bulk?refresh=true", bulk.toString()).ok().body();
    assertTrue(r.get("errors").asBoolean() == false, r.toString());
  }

  @ParameterizedTest(name = "weights {0}")
  @ValueSource(strings = {"", "[0.3, 0.7]", "[1, 0]"})
  void scoresAreTheLogOddsFormulaOverTheSubQueriesGlobalLists(String weights) {
    String fusion =
        "{\"method\":\"log_odds\",\"window\":100"
            + (weights.isEmpty() ? "" : ",\"weights\":" + weights)
            + "}";
    JsonNode fused =
        search(
            "{\"size\":100,\"explain\":true,\"query\":{\"quiver_hybrid\":{\"queries\":["
                + MATCH
                + ","
                + KNN
                + "],\"fusion\":"
                + fusion
                + "}}}");
    double[] w = weights.isEmpty() ? new double[] {1, 1} : parseWeights(weights);
    List<Map.Entry<String, Double>> expected =
        expected(List.of(list(MATCH), list(KNN)), w).subList(0, 100);
    JsonNode hits = fused.at("/hits/hits");
    assertEquals(100, hits.size(), fused.toString());
    for (int i = 0; i < hits.size(); i++) {
      JsonNode hit = hits.get(i);
      String where = "hit " + i + " " + hit.path("_id").asText() + " of " + fused;
      float score = hit.path("_score").floatValue();
      assertTrue(score > 0 && score < 1, "not a probability: " + where);
      assertEquals(expected.get(i).getValue(), score, 1e-6, where);
      // Equal scores may list their documents in either order; distinct ones may not.
      if (i == 0 || Math.abs(expected.get(i).getValue() - expected.get(i - 1).getValue()) > 1e-6) {
        assertEquals(expected.get(i).getKey(), hit.path("_id").asText(), where);
      }
      assertTrue(hit.at("/_explanation/description").asText().contains("method [log_odds]"), where);
    }
  }

  /** A sub-query's global list, {@code _id} to score, best first. */
  private static Map<String, Double> list(String query) {
    JsonNode r = search("{\"size\":100,\"_source\":false,\"query\":" + query + "}");
    Map<String, Double> scores = new java.util.LinkedHashMap<>();
    r.at("/hits/hits")
        .forEach(h -> scores.put(h.path("_id").asText(), (double) h.path("_score").floatValue()));
    assertTrue(scores.size() > 5, r.toString());
    return scores;
  }

  /** The documented formula, computed independently of the plugin's code. */
  private static List<Map.Entry<String, Double>> expected(
      List<Map<String, Double>> lists, double[] w) {
    Set<String> all = new HashSet<>();
    lists.forEach(l -> all.addAll(l.keySet()));
    Map<String, Double> pooled = new HashMap<>();
    double weightSum = Arrays.stream(w).sum();
    for (int i = 0; i < lists.size(); i++) {
      double[] s = lists.get(i).values().stream().mapToDouble(Double::doubleValue).toArray();
      double[] sorted = s.clone();
      Arrays.sort(sorted);
      int n = s.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      double mean = Arrays.stream(s).average().orElseThrow();
      double std = Math.sqrt(Arrays.stream(s).map(x -> (x - mean) * (x - mean)).sum() / n);
      double absent = (sorted[0] - median) / std - 1;
      for (String key : all) {
        Double score = lists.get(i).get(key);
        double logit = score == null ? absent : (score - median) / std;
        pooled.merge(key, w[i] * logit / weightSum, Double::sum);
      }
    }
    List<Map.Entry<String, Double>> fused = new ArrayList<>();
    pooled.forEach((k, l) -> fused.add(Map.entry(k, 1 / (1 + Math.exp(-l)))));
    fused.sort(
        Comparator.comparing((Map.Entry<String, Double> e) -> -e.getValue())
            .thenComparing(Map.Entry::getKey));
    return fused;
  }

  private static double[] parseWeights(String weights) {
    return Arrays.stream(weights.replaceAll("[\\[\\] ]", "").split(","))
        .mapToDouble(Double::parseDouble)
        .toArray();
  }

  private static JsonNode search(String body) {
    return rest.post("/" + INDEX + "/_search", body).ok().body();
  }
}
