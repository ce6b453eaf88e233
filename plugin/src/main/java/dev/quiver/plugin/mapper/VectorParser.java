package dev.quiver.plugin.mapper;

import java.io.IOException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;

/**
 * Reads one vector, a flat JSON array of numbers, and says exactly what is wrong with a bad one.
 */
final class VectorParser {

  private VectorParser() {}

  /**
   * Reads the array the parser is positioned on.
   *
   * @param field the field, named in every error
   * @param dims the dimensions the field is mapped with
   */
  static float[] parse(String field, XContentParser parser, int dims) throws IOException {
    Token token = parser.currentToken();
    if (token != Token.START_ARRAY) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "] expects an array of "
              + dims
              + " numbers, got ["
              + describe(parser, token)
              + "]");
    }
    float[] vector = new float[dims];
    int i = 0;
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token == Token.START_ARRAY || token == Token.START_OBJECT) {
        throw new IllegalArgumentException(
            "field ["
                + field
                + "] takes one flat array of numbers per document; element ["
                + i
                + "] is a nested "
                + (token == Token.START_ARRAY ? "array" : "object"));
      }
      if (token != Token.VALUE_NUMBER) {
        throw new IllegalArgumentException(
            "field ["
                + field
                + "]: element ["
                + i
                + "] must be a number, got ["
                + describe(parser, token)
                + "]");
      }
      if (i == dims) {
        throw new IllegalArgumentException(
            "field [" + field + "] has " + dims + " dimensions but the vector has more elements");
      }
      float value = parser.floatValue();
      if (Float.isFinite(value) == false) {
        throw new IllegalArgumentException(
            "field ["
                + field
                + "]: element ["
                + i
                + "] is ["
                + parser.text()
                + "], which is not a finite float32");
      }
      vector[i++] = value;
    }
    if (i != dims) {
      throw new IllegalArgumentException(
          "field [" + field + "] has " + dims + " dimensions but the vector has " + i);
    }
    return vector;
  }

  private static String describe(XContentParser parser, Token token) throws IOException {
    return token == Token.VALUE_STRING ? "\"" + parser.text() + "\"" : String.valueOf(token);
  }
}
