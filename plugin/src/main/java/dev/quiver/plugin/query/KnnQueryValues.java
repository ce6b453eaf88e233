package dev.quiver.plugin.query;

import java.io.IOException;
import java.util.Arrays;
import org.opensearch.core.ParseField;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;

/**
 * Reads the values of a {@code quiver_knn} body that need more than one token or a check of their
 * own ({@code vector}, {@code rescore}, integers); every problem is a {@link ParsingException}
 * naming the key, which OpenSearch answers with a 400.
 */
final class KnnQueryValues {

  private static final String NAME = QuiverKnnQueryBuilder.NAME;
  private static final ParseField OVERSAMPLE = new ParseField("oversample");
  private static final ParseField BOUNDED = new ParseField("bounded");

  private KnnQueryValues() {}

  /**
   * {@code "rescore": {"oversample": 2.0, "bounded": true}}: the values as given, the oversample
   * checked later (see {@link KnnRescore}).
   */
  static KnnRescore.Parsed parseRescore(XContentParser parser, Token token) throws IOException {
    if (token != Token.START_OBJECT) {
      throw error(parser, "[rescore] must be an object like {\"oversample\": 2.0}");
    }
    Object oversample = null;
    Boolean bounded = null;
    while ((token = parser.nextToken()) != Token.END_OBJECT) {
      if (token != Token.FIELD_NAME) {
        continue;
      }
      String name = parser.currentName();
      token = parser.nextToken();
      if (OVERSAMPLE.match(name, parser.getDeprecationHandler())) {
        if (token.isValue() == false) {
          throw error(parser, "[rescore.oversample] must be a number, got [" + token + "]");
        }
        oversample = token == Token.VALUE_NUMBER ? parser.numberValue() : parser.text();
      } else if (BOUNDED.match(name, parser.getDeprecationHandler())) {
        if (token != Token.VALUE_BOOLEAN) {
          throw error(parser, "[rescore.bounded] must be true or false, got [" + token + "]");
        }
        bounded = parser.booleanValue();
      } else {
        throw error(parser, "unknown field [rescore." + name + "], expected [oversample, bounded]");
      }
    }
    if (oversample == null && bounded == null) {
      throw error(parser, "[rescore] requires [oversample] or [bounded]");
    }
    return new KnnRescore.Parsed(oversample, bounded);
  }

  static float[] parseVector(XContentParser parser, Token token) throws IOException {
    if (token != Token.START_ARRAY) {
      throw error(parser, "[vector] must be an array of numbers");
    }
    float[] vector = new float[64];
    int size = 0;
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token != Token.VALUE_NUMBER) {
        throw error(
            parser, "[vector] element [" + size + "] must be a number, got [" + token + "]");
      }
      if (size == vector.length) {
        vector = Arrays.copyOf(vector, size * 2);
      }
      vector[size++] = parser.floatValue();
    }
    return size == vector.length ? vector : Arrays.copyOf(vector, size);
  }

  static int intValue(XContentParser parser, String name, Token token) throws IOException {
    return intValue(parser, NAME, name, token);
  }

  /** An integer value of the key {@code name} of the query {@code query}. */
  static int intValue(XContentParser parser, String query, String name, Token token)
      throws IOException {
    if (token != Token.VALUE_NUMBER) {
      throw error(parser, query, "[" + name + "] must be an integer, got [" + token + "]");
    }
    double d = parser.doubleValue();
    if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
      throw error(parser, query, "[" + name + "] must be an integer, got [" + parser.text() + "]");
    }
    return (int) d;
  }

  static ParsingException error(XContentParser parser, String message) {
    return error(parser, NAME, message);
  }

  static ParsingException error(XContentParser parser, String query, String message) {
    return new ParsingException(parser.getTokenLocation(), "[" + query + "] " + message);
  }
}
