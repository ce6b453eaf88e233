package dev.quiver.qa;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every {@code quiver_hybrid} input it cannot honour is a 400 whose reason names the problem. */
class HybridQueryBadInputRestTest {

  private static final String INDEX = "hybrid-bad";
  private static final String MATCH = "{\"match\":{\"body\":\"alpha\"}}";
  private static final String KNN = "{\"quiver_knn\":{\"field\":\"v\",\"vector\":[1,0,0],\"k\":5}}";

  private static Rest rest;

  @BeforeAll
  static void createIndex() throws Exception {
    rest = QaNode.rest();
    rest.delete("/" + INDEX);
    rest.put(
            "/" + INDEX,
            """
            {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
             "mappings": {"properties": {"body": {"type": "text"}, "tag": {"type": "keyword"},
               "v": {"type": "quiver_vector", "dims": 3, "similarity": "cosine"}}}}
            """)
        .ok();
    rest.put(
            "/" + INDEX + "/_doc/1?refresh=true",
            "{\"body\":\"alpha beta\",\"tag\":\"a\",\"v\":[1,2,3]}")
        .ok();
  }

  private static String hybrid(String queries, String rest) {
    return "{\"quiver_hybrid\":{\"queries\":[" + queries + "]" + rest + "}}";
  }

  private static String twoQueries(String fusion) {
    return hybrid(MATCH + "," + KNN, ",\"fusion\":" + fusion);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "one sub-query        | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}}]}}}` | [queries] must hold 2 to 5 sub-queries, got 1",
        "six sub-queries      | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}},{\"match_all\":{}},{\"match_all\":{}},{\"match_all\":{}},{\"match_all\":{}}]}}}` | [queries] must hold 2 to 5 sub-queries, got 6",
        "no queries           | `{\"query\":{\"quiver_hybrid\":{}}}` | [quiver_hybrid] requires [queries]",
        "weights count        | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"method\":\"linear\",\"weights\":[1,2,3]}}}}` | [weights] has 3 values but there are 2 sub-queries",
        "negative weight      | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"method\":\"linear\",\"weights\":[1,-0.5]}}}}` | [weights] must be finite and >= 0, got [-0.5] at [1]",
        "all-zero weights     | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"method\":\"rrf\",\"weights\":[0,0]}}}}` | [weights] must not all be 0",
        "unknown method       | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"method\":\"borda\"}}}}` | unknown fusion [method] [borda], expected one of [rrf, linear, log_odds]",
        "unknown normalization| `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"method\":\"linear\",\"normalization\":\"max\"}}}}` | unknown [normalization] [max], expected one of [min_max, l2, z_score]",
        "normalization of rrf | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"method\":\"rrf\",\"normalization\":\"l2\"}}}}` | [normalization] applies to [linear], not to [rrf]",
        "rank_constant 0      | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"rank_constant\":0}}}}` | [rank_constant] must be an integer >= 1, got [0]",
        "unknown fusion key   | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"k\":60}}}}` | unknown field [fusion.k]",
        "window over 10000    | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"window\":10001}}}}` | [window] must be in [1, 10000], got [10001]",
        "window below size    | `{\"size\":20,\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"window\":10}}}}` | [fusion.window] [10] must be >= from + size [20]",
        "window below from+size| `{\"from\":15,\"size\":10,\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"fusion\":{\"window\":20}}}}` | [fusion.window] [20] must be >= from + size [25]",
        "from+size over 10000 | `{\"from\":10000,\"size\":1,\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | from + size [10001] is larger than the largest [fusion.window] [10000]",
        "nested               | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}]}}}` | [quiver_hybrid] cannot be nested inside [quiver_hybrid]",
        "nested in filter     | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}],\"filter\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}}}` | [quiver_hybrid] cannot be nested inside [quiver_hybrid]",
        "inside bool          | `{\"query\":{\"bool\":{\"must\":[{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}]}}}` | [quiver_hybrid] must be the top-level query of a search request",
        "deeper in a sub-query| `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"bool\":{\"must\":[{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}]}}]}}}` | [quiver_hybrid] must be the top-level query of a search request",
        "sort by field        | `{\"sort\":[{\"tag\":\"asc\"}],\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | sorts by its fused score only: [sort] other than [_score] desc is not supported",
        "search_after         | `{\"sort\":[\"_score\"],\"search_after\":[1.0],\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | [quiver_hybrid] does not support [search_after]",
        "collapse             | `{\"collapse\":{\"field\":\"tag\"},\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | [quiver_hybrid] does not support [collapse]",
        "rescore              | `{\"rescore\":{\"window_size\":5,\"query\":{\"rescore_query\":{\"match_all\":{}}}},\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | [quiver_hybrid] does not support [rescore]",
        "indices_boost        | `{\"indices_boost\":[{\"hybrid-bad\":2}],\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | [quiver_hybrid] does not support [indices_boost]",
        "terminate_after      | `{\"terminate_after\":5,\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | [quiver_hybrid] does not support [terminate_after]",
        "internal quiver_fused| `{\"query\":{\"quiver_fused\":{}}}` | [quiver_fused] is internal to [quiver_hybrid] and cannot be sent",
        "failing sub-query    | `{\"query\":{\"quiver_hybrid\":{\"queries\":[{\"match_all\":{}},{\"quiver_knn\":{\"field\":\"v\",\"vector\":[1,0],\"k\":3}}]}}}` | field [v] has 3 dimensions but the query vector has 2",
      })
  void rejects(String name, String body, String reason) {
    rest.post("/" + INDEX + "/_search", body).badRequest(reason);
  }

  @Test
  void rejectsScroll() {
    rest.post("/" + INDEX + "/_search?scroll=1m", "{\"query\":" + twoQueries("{}") + "}")
        .badRequest("[quiver_hybrid] does not support [scroll]");
    // _delete_by_query scrolls: refused the same way, nothing deleted.
    rest.post("/" + INDEX + "/_delete_by_query", "{\"query\":" + twoQueries("{}") + "}")
        .badRequest("[quiver_hybrid] does not support [scroll]");
    rest.get("/" + INDEX + "/_doc/1").ok();
  }

  @Test
  void rejectsOutsideASearch() {
    rest.post("/" + INDEX + "/_explain/1", "{\"query\":" + hybrid(MATCH + "," + KNN, "") + "}")
        .badRequest("[quiver_hybrid] must be the top-level query of a search request");
  }

  @Test
  void goodRequestOnTheSameIndexWorks() {
    rest.post("/" + INDEX + "/_search", "{\"query\":" + twoQueries("{\"method\":\"linear\"}") + "}")
        .ok();
  }
}
