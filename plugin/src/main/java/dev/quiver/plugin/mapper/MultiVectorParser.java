package dev.quiver.plugin.mapper;

import java.io.IOException;
import java.util.Arrays;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;

/**
 * Reads the vectors of one {@code quiver_multi_vector} value, a JSON array of 1..{@code maxVectors}
 * arrays of {@code dims} numbers each ({@link VectorParser} checks each one), into one flat array,
 * and says exactly what is wrong with a bad one.
 */
final class MultiVectorParser {

  private MultiVectorParser() {}

  /** The vectors, row after row; {@code length / dims} of them. */
  static float[] parse(String field, XContentParser parser, int dims, int maxVectors)
      throws IOException {
    Token token = parser.currentToken();
    if (token != Token.START_ARRAY) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "] expects an array of vectors (arrays of "
              + dims
              + " numbers), got ["
              + token
              + "]");
    }
    float[] flat = new float[dims * Math.min(maxVectors, 16)];
    int count = 0;
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token != Token.START_ARRAY) {
        throw new IllegalArgumentException(
            "field ["
                + field
                + "] expects an array of vectors (arrays of "
                + dims
                + " numbers), but element ["
                + count
                + "] is ["
                + token
                + "]");
      }
      if (count == maxVectors) {
        throw new IllegalArgumentException(
            "field [" + field + "] takes at most [max_vectors] = " + maxVectors + " vectors");
      }
      float[] vector;
      try {
        vector = VectorParser.parse(field, parser, dims);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("vector [" + count + "] of " + e.getMessage(), e);
      }
      if ((count + 1) * dims > flat.length) {
        flat = Arrays.copyOf(flat, Math.max(flat.length * 2, (count + 1) * dims));
      }
      System.arraycopy(vector, 0, flat, count * dims, dims);
      count++;
    }
    if (count == 0) {
      throw new IllegalArgumentException(
          "field [" + field + "] needs at least one vector, got an empty array");
    }
    return flat.length == count * dims ? flat : Arrays.copyOf(flat, count * dims);
  }
}
