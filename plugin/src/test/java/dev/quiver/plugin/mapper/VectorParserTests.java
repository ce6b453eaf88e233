package dev.quiver.plugin.mapper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

class VectorParserTests {

  private static float[] parse(String json, int dims) throws IOException {
    try (XContentParser parser =
        XContentType.JSON
            .xContent()
            .createParser(
                NamedXContentRegistry.EMPTY,
                DeprecationHandler.THROW_UNSUPPORTED_OPERATION,
                json)) {
      parser.nextToken();
      return VectorParser.parse("emb", parser, dims);
    }
  }

  @Test
  void readsAFlatArray() throws IOException {
    assertArrayEquals(new float[] {1f, -2.5f, 3e-3f}, parse("[1, -2.5, 3e-3]", 3));
  }

  @Test
  void explainsEveryKindOfBadVector() {
    assertMessage("[1, 2]", 3, "field [emb] has 3 dimensions but the vector has 2");
    assertMessage("[1, 2, 3, 4]", 3, "field [emb] has 3 dimensions but the vector has more");
    assertMessage("[1, \"x\", 3]", 3, "field [emb]: element [1] must be a number, got [\"x\"]");
    assertMessage("[1, true, 3]", 3, "element [1] must be a number");
    assertMessage("[1, null, 3]", 3, "element [1] must be a number");
    assertMessage("[[1, 2, 3]]", 3, "element [0] is a nested array");
    assertMessage("[{\"a\": 1}]", 3, "element [0] is a nested object");
    assertMessage("[1e39, 0, 0]", 3, "element [0] is [1e39], which is not a finite float32");
    assertMessage("{\"a\": 1}", 3, "field [emb] expects an array of 3 numbers");
    assertMessage("\"1,2,3\"", 3, "field [emb] expects an array of 3 numbers, got [\"1,2,3\"]");
  }

  private static void assertMessage(String json, int dims, String fragment) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse(json, dims));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
