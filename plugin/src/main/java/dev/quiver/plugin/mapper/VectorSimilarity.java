package dev.quiver.plugin.mapper;

import dev.quiver.ingest.L2Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The similarities a {@code quiver_vector} field can be mapped with, by their mapping names.
 *
 * <p>{@code cosine} is indexed as a dot product over L2-normalized vectors: the score is the same
 * as Lucene's cosine, {@code (1 + cos) / 2}, but no norm is computed per comparison. {@code
 * _source} keeps the vector as sent.
 */
public enum VectorSimilarity {
  COSINE("cosine", VectorSimilarityFunction.DOT_PRODUCT),
  DOT_PRODUCT("dot_product", VectorSimilarityFunction.DOT_PRODUCT),
  L2_NORM("l2_norm", VectorSimilarityFunction.EUCLIDEAN),
  MAX_INNER_PRODUCT("max_inner_product", VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT);

  /** How far from 1 the length of a {@code dot_product} vector may be. */
  static final double UNIT_LENGTH_TOLERANCE = 1e-3;

  private final String mappingName;
  private final VectorSimilarityFunction lucene;

  VectorSimilarity(String mappingName, VectorSimilarityFunction lucene) {
    this.mappingName = mappingName;
    this.lucene = lucene;
  }

  /** The name used in mappings. */
  public String mappingName() {
    return mappingName;
  }

  /** The Lucene function vectors of this similarity are indexed and searched with. */
  public VectorSimilarityFunction luceneFunction() {
    return lucene;
  }

  /** Mapping names, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(s -> s.mappingName).collect(Collectors.joining(", "));
  }

  /** Parses a mapping name; throws naming the accepted values. */
  public static VectorSimilarity fromMappingName(String field, Object name) {
    for (VectorSimilarity s : values()) {
      if (s.mappingName.equals(String.valueOf(name).toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "field ["
            + field
            + "]: unknown similarity ["
            + name
            + "], expected one of ["
            + names()
            + "]");
  }

  /**
   * Checks a vector against this similarity and returns what to index or search with: a normalized
   * copy for {@code cosine} ({@link L2Normalizer}, in double: no float32 overflow or underflow),
   * the vector itself otherwise.
   *
   * @param what "vector" or "query vector", for messages
   */
  public float[] prepare(String field, String what, float[] vector) {
    switch (this) {
      case COSINE -> {
        float[] unit = L2Normalizer.normalized(vector);
        if (unit == null) {
          throw new IllegalArgumentException(
              "field [" + field + "]: the " + what + " is all zeros, which [cosine] cannot score");
        }
        return unit;
      }
      case DOT_PRODUCT -> {
        double norm = L2Normalizer.length(vector);
        if (Math.abs(norm - 1d) > UNIT_LENGTH_TOLERANCE) {
          throw new IllegalArgumentException(
              "field ["
                  + field
                  + "]: [dot_product] needs unit-length vectors but the "
                  + what
                  + " has length "
                  + norm
                  + "; normalize it or map the field with [cosine]");
        }
        return vector;
      }
      default -> {
        return vector;
      }
    }
  }

  @Override
  public String toString() {
    return mappingName;
  }
}
