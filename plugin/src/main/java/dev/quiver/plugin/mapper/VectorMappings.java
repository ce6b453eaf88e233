package dev.quiver.plugin.mapper;

import dev.quiver.plugin.codec.QuiverCodecEligibility;
import java.util.Optional;
import java.util.function.Function;
import org.opensearch.index.mapper.MapperParsingException;
import org.opensearch.index.mapper.ParametrizedFieldMapper;
import org.opensearch.index.mapper.ParametrizedFieldMapper.TypeParser;

/**
 * What the {@code quiver_vector} and {@code quiver_multi_vector} mappers share: a type parser that
 * refuses indices whose codec Quiver does not provide, and the parsing of {@code model}.
 */
final class VectorMappings {

  private VectorMappings() {}

  /**
   * Parses mappings of {@code contentType}; refuses indices whose codec Quiver does not provide.
   */
  static TypeParser typeParser(
      String contentType, Function<String, ParametrizedFieldMapper.Builder> builder) {
    return new TypeParser(
        (name, context) -> {
          Optional<String> why = QuiverCodecEligibility.whyNot(context.getSettings());
          if (why.isPresent()) {
            throw new MapperParsingException(
                "field ["
                    + name
                    + "] of type ["
                    + contentType
                    + "] cannot be used in this index: "
                    + why.get());
          }
          return builder.apply(name);
        });
  }

  /** A mapping's {@code model}: null or a non-blank name. */
  static String parseModel(String field, Object o) {
    if (o == null) {
      return null;
    }
    if (!(o instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(
          "field [" + field + "]: [model] must be a model name, got [" + o + "]");
    }
    return s;
  }
}
