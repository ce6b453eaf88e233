package dev.quiver.qa;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every {@code quiver_semantic} and {@code quiver_hybrid} shortcut input that cannot be honoured is
 * a 400 whose reason names the problem (on an index without semantic fields: these need none).
 */
class SemanticQueryBadInputRestTest {

  private static final String INDEX = "semantic-bad";

  private static Rest rest;

  @BeforeAll
  static void createIndex() throws Exception {
    rest = QaNode.rest();
    rest.delete("/" + INDEX);
    rest.put(
            "/" + INDEX,
            """
            {"settings": {"number_of_shards": 2, "number_of_replicas": 0},
             "mappings": {"properties": {"title": {"type": "text"}, "tag": {"type": "keyword"},
               "v": {"type": "quiver_vector", "dims": 3, "similarity": "cosine"}}}}
            """)
        .ok();
    rest.put("/" + INDEX + "/_doc/1?refresh=true", "{\"title\":\"alpha beta\",\"tag\":\"a\"}").ok();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "text field           | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\",\"query\":\"x\"}}}` | [quiver_semantic] field [title] is of type [text], but [quiver_semantic] needs a [quiver_semantic] field",
        "vector field         | `{\"query\":{\"quiver_semantic\":{\"field\":\"v\",\"query\":\"x\"}}}` | [quiver_semantic] field [v] is of type [quiver_vector]",
        "in bool on text field| `{\"query\":{\"bool\":{\"should\":[{\"quiver_semantic\":{\"field\":\"title\",\"query\":\"x\"}}]}}}` | field [title] is of type [text]",
        "no query             | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\"}}}` | [quiver_semantic] field [title]: requires [query]",
        "no field             | `{\"query\":{\"quiver_semantic\":{\"query\":\"x\"}}}` | [quiver_semantic] requires [field]",
        "empty query          | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\",\"query\":\"\"}}}` | [query] must be a non-empty string",
        "query not a string   | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\",\"query\":[\"x\"]}}}` | [quiver_semantic] [query] must be a value",
        "k zero               | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\",\"query\":\"x\",\"k\":0}}}` | [quiver_semantic] [k] must be in [1, 10000], got [0]",
        "num_candidates < k   | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\",\"query\":\"x\",\"k\":10,\"num_candidates\":5}}}` | [quiver_semantic] [num_candidates] must be in [k, 10000] = [10, 10000], got [5]",
        "return_chunk string  | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\",\"query\":\"x\",\"return_chunk\":\"yes\"}}}` | [return_chunk] must be true or false",
        "unknown key          | `{\"query\":{\"quiver_semantic\":{\"field\":\"title\",\"query\":\"x\",\"model\":\"m\",\"foo\":1}}}` | [quiver_semantic] unknown field [foo]",
        "both hybrid forms    | `{\"query\":{\"quiver_hybrid\":{\"query\":\"x\",\"fields\":[\"title\"],\"queries\":[{\"match_all\":{}},{\"match_all\":{}}]}}}` | [quiver_hybrid] takes [queries] or the shortcut [query] with [fields], not both",
        "shortcut, no fields  | `{\"query\":{\"quiver_hybrid\":{\"query\":\"x\"}}}` | [quiver_hybrid] [query] needs [fields]",
        "shortcut, no query   | `{\"query\":{\"quiver_hybrid\":{\"fields\":[\"title\"]}}}` | [quiver_hybrid] [fields] needs the [query] text",
        "shortcut, 5 fields   | `{\"query\":{\"quiver_hybrid\":{\"query\":\"x\",\"fields\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}}}` | at most 4",
        "shortcut, text field | `{\"query\":{\"quiver_hybrid\":{\"query\":\"x\",\"fields\":[\"title\"]}}}` | [quiver_semantic] field [title] is of type [text], but [quiver_semantic] needs a [quiver_semantic] field",
      })
  void rejects(String name, String body, String reason) {
    rest.post("/" + INDEX + "/_search", body).badRequest(reason);
  }
}
