package dev.quiver.plugin.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;

/**
 * Reads the values of a {@code quiver_maxsim} body that need more than one token ({@code vectors})
 * or a check of their own (integers); every problem is a {@link ParsingException} naming the key,
 * which OpenSearch answers with a 400.
 */
final class MaxSimQueryValues {

  private static final String NAME = QuiverMaxSimQueryBuilder.NAME;

  private MaxSimQueryValues() {}

  /** {@code [[..], [..]]}: the rows as given; their lengths are checked by the builder. */
  static float[][] parseVectors(XContentParser parser, Token token) throws IOException {
    if (token != Token.START_ARRAY) {
      throw error(parser, "[vectors] must be an array of arrays of numbers");
    }
    List<float[]> rows = new ArrayList<>();
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token != Token.START_ARRAY) {
        throw error(
            parser,
            "[vectors] element ["
                + rows.size()
                + "] must be an array of numbers, got ["
                + token
                + "]");
      }
      float[] row = new float[64];
      int size = 0;
      while ((token = parser.nextToken()) != Token.END_ARRAY) {
        if (token != Token.VALUE_NUMBER) {
          throw error(
              parser,
              "[vectors] element ["
                  + rows.size()
                  + "]["
                  + size
                  + "] must be a number, got ["
                  + token
                  + "]");
        }
        if (size == row.length) {
          row = Arrays.copyOf(row, size * 2);
        }
        row[size++] = parser.floatValue();
      }
      rows.add(Arrays.copyOf(row, size));
    }
    return rows.toArray(new float[0][]);
  }

  static int intValue(XContentParser parser, String name, Token token) throws IOException {
    return KnnQueryValues.intValue(parser, NAME, name, token);
  }

  static ParsingException error(XContentParser parser, String message) {
    return KnnQueryValues.error(parser, NAME, message);
  }
}
