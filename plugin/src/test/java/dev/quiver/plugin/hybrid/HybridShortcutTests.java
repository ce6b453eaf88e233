package dev.quiver.plugin.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quiver.plugin.QuiverPlugin;
import dev.quiver.plugin.query.QuiverSemanticQueryBuilder;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.AbstractQueryBuilder;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.MultiMatchQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchModule;

/** The {@code quiver_hybrid} shortcut {@code {"query": .., "fields": [..]}}: expansion and 400s. */
class HybridShortcutTests {

  private static final SearchModule SEARCH =
      new SearchModule(Settings.EMPTY, List.of(new QuiverPlugin(Settings.EMPTY)));
  private static final NamedWriteableRegistry WRITEABLES =
      new NamedWriteableRegistry(SEARCH.getNamedWriteables());
  private static final NamedXContentRegistry XCONTENT =
      new NamedXContentRegistry(SEARCH.getNamedXContents());

  private static QueryBuilder parse(String json) throws IOException {
    try (XContentParser parser =
        XContentType.JSON
            .xContent()
            .createParser(XCONTENT, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
      return AbstractQueryBuilder.parseInnerQueryBuilder(parser);
    }
  }

  private static String error(String json) {
    return assertThrows(ParsingException.class, () -> parse(json)).getMessage();
  }

  @Test
  void expandsToMultiMatchPlusOneSemanticQueryPerField() throws IOException {
    QuiverHybridQueryBuilder q =
        (QuiverHybridQueryBuilder)
            parse(
                "{\"quiver_hybrid\":{\"query\":\"how do vaccines work\",\"fields\":[\"a\",\"b\"]}}");
    assertEquals(3, q.queries().size());
    MultiMatchQueryBuilder bm25 =
        assertInstanceOf(MultiMatchQueryBuilder.class, q.queries().get(0));
    assertEquals("how do vaccines work", bm25.value());
    assertEquals(List.of("a", "b"), List.copyOf(bm25.fields().keySet()).stream().sorted().toList());
    for (int i = 1; i <= 2; i++) {
      QuiverSemanticQueryBuilder s =
          assertInstanceOf(QuiverSemanticQueryBuilder.class, q.queries().get(i));
      assertEquals(i == 1 ? "a" : "b", s.field());
      assertEquals("how do vaccines work", s.query());
      assertEquals(FusionSpec.DEFAULT_WINDOW, s.k());
    }
    assertEquals(FusionSpec.DEFAULT, q.fusion());
  }

  @Test
  void equalsTheFullFormWithTheSameSubQueries() throws IOException {
    QueryBuilder shortcut =
        parse(
            "{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":[\"body\"],"
                + "\"fusion\":{\"method\":\"linear\",\"window\":50},"
                + "\"filter\":{\"term\":{\"tag\":\"x\"}}}}");
    QueryBuilder full =
        parse(
            "{\"quiver_hybrid\":{\"queries\":[{\"multi_match\":{\"query\":\"q\","
                + "\"fields\":[\"body\"]}},{\"quiver_semantic\":{\"field\":\"body\",\"query\":\"q\","
                + "\"k\":50}}],\"fusion\":{\"method\":\"linear\",\"window\":50},"
                + "\"filter\":{\"term\":{\"tag\":\"x\"}}}}");
    assertEquals(full, shortcut);
    assertEquals(shortcut, parse(shortcut.toString()));
    BytesStreamOutput out = new BytesStreamOutput();
    out.writeNamedWriteable(shortcut);
    try (StreamInput in =
        new NamedWriteableAwareStreamInput(out.bytes().streamInput(), WRITEABLES)) {
      assertEquals(shortcut, in.readNamedWriteable(QueryBuilder.class));
    }
  }

  @Test
  void sharedFilterGoesInsideTheSemanticQuery() {
    QueryBuilder filter = QueryBuilders.termQuery("tag", "x");
    QuiverSemanticQueryBuilder s =
        new QuiverSemanticQueryBuilder("body", "q", 10, null, null, false, null);
    assertEquals(
        filter, ((QuiverSemanticQueryBuilder) HybridRequests.filtered(s, filter)).filter());
    QuiverSemanticQueryBuilder own = s.withFilter(QueryBuilders.termQuery("a", "b"));
    assertInstanceOf(
        BoolQueryBuilder.class,
        ((QuiverSemanticQueryBuilder) HybridRequests.filtered(own, filter)).filter());
    assertEquals(100, HybridRequests.listSize(s, 100));
  }

  @Test
  void rejectsBadInput() {
    String[][] cases = {
      {
        "{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":[\"body\"],\"queries\":["
            + "{\"match\":{\"t\":\"x\"}},{\"match\":{\"t\":\"y\"}}]}}",
        "takes [queries] or the shortcut [query] with [fields], not both"
      },
      {"{\"quiver_hybrid\":{\"query\":\"q\"}}", "[query] needs [fields]"},
      {"{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":[]}}", "[query] needs [fields]"},
      {"{\"quiver_hybrid\":{\"fields\":[\"body\"]}}", "[fields] needs the [query] text"},
      {"{\"quiver_hybrid\":{\"query\":\" \",\"fields\":[\"body\"]}}", "[query] must not be empty"},
      {"{\"quiver_hybrid\":{\"query\":1,\"fields\":[\"body\"]}}", "[query] must be a string"},
      {"{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":\"body\"}}", "[fields] must be an array"},
      {"{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":[1]}}", "[fields] must be an array"},
      {"{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":[\"a\",\"a\"]}}", "names a field twice"},
      {
        "{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}}",
        "at most 4"
      },
      {
        "{\"quiver_hybrid\":{\"query\":\"q\",\"fields\":[\"a\"],"
            + "\"fusion\":{\"weights\":[1,2,3]}}}",
        "weights"
      },
      {"{\"quiver_hybrid\":{}}", "requires [queries], or [query] with [fields]"},
    };
    for (String[] c : cases) {
      String message = error(c[0]);
      assertTrue(message.contains(c[1]), c[0] + " -> " + message);
      assertTrue(message.contains("[quiver_hybrid]"), c[0] + " -> " + message);
    }
  }
}
