package dev.quiver.plugin.hybrid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.opensearch.core.common.ParsingException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;

/**
 * The {@code fusion} object of {@code quiver_hybrid}: its parsing, validation and wire form, and
 * the {@link FusionMethod} it names.
 *
 * <pre>
 * {"method": "rrf", "rank_constant": 60, "weights": [..], "window": 100}
 * {"method": "linear", "normalization": "min_max" | "l2" | "z_score", "weights": [..], "window": 100}
 * {"method": "log_odds", "weights": [..], "window": 100}
 * </pre>
 *
 * <p>Everything is optional: the default is RRF with rank constant 60 and equal weights; {@code
 * window} (how many hits each sub-query retrieves, globally) defaults to {@code max(from + size,
 * 100)} and must be in {@code [from + size, 10000]}.
 */
public final class FusionSpec implements Writeable, ToXContentObject {

  public static final String LOG_ODDS = LogOddsFusion.NAME;

  /** Largest {@code window}. */
  public static final int MAX_WINDOW = 10_000;

  /** The smallest default {@code window}. */
  public static final int DEFAULT_WINDOW = 100;

  private static final List<String> METHODS = List.of(RrfFusion.NAME, LinearFusion.NAME, LOG_ODDS);

  /** RRF with its defaults. */
  public static final FusionSpec DEFAULT = new FusionSpec(RrfFusion.NAME, null, null, null, null);

  private final String method;
  private final Integer rankConstant;
  private final ScoreNormalization normalization;
  private final float[] weights;
  private final Integer window;

  /** Checks every value; {@link IllegalArgumentException} names the problem. */
  public FusionSpec(
      String method,
      Integer rankConstant,
      ScoreNormalization normalization,
      float[] weights,
      Integer window) {
    if (METHODS.contains(method) == false) {
      throw new IllegalArgumentException(
          "unknown fusion [method] [" + method + "], expected one of " + METHODS);
    }
    if (rankConstant != null && RrfFusion.NAME.equals(method) == false) {
      throw new IllegalArgumentException(
          "[rank_constant] applies to [rrf], not to [" + method + "]");
    }
    if (rankConstant != null && rankConstant < 1) {
      throw new IllegalArgumentException(
          "[rank_constant] must be an integer >= 1, got [" + rankConstant + "]");
    }
    if (normalization != null && LinearFusion.NAME.equals(method) == false) {
      throw new IllegalArgumentException(
          "[normalization] applies to [linear], not to [" + method + "]");
    }
    if (weights != null) {
      checkWeights(weights);
    }
    if (window != null && (window < 1 || window > MAX_WINDOW)) {
      throw new IllegalArgumentException(
          "[window] must be in [1, " + MAX_WINDOW + "], got [" + window + "]");
    }
    this.method = method;
    this.rankConstant = rankConstant;
    this.normalization = normalization;
    this.weights = weights == null ? null : weights.clone();
    this.window = window;
    create(); // an unavailable method is refused here, at parse time
  }

  private static void checkWeights(float[] weights) {
    boolean positive = false;
    for (int i = 0; i < weights.length; i++) {
      if (Float.isFinite(weights[i]) == false || weights[i] < 0) {
        throw new IllegalArgumentException(
            "[weights] must be finite and >= 0, got [" + weights[i] + "] at [" + i + "]");
      }
      positive |= weights[i] > 0;
    }
    if (positive == false) {
      throw new IllegalArgumentException("[weights] must not all be 0");
    }
  }

  public String method() {
    return method;
  }

  /** The given weights, null for the method's equal weights. */
  public float[] weights() {
    return weights == null ? null : weights.clone();
  }

  /** The given window, null for the default. */
  public Integer window() {
    return window;
  }

  /** {@code window}, or its default {@code max(fromPlusSize, 100)}. */
  public int window(int fromPlusSize) {
    return window != null ? window : Math.max(fromPlusSize, DEFAULT_WINDOW);
  }

  /** The fusion method this names. */
  public FusionMethod create() {
    return switch (method) {
      case RrfFusion.NAME ->
          new RrfFusion(
              rankConstant == null ? RrfFusion.DEFAULT_RANK_CONSTANT : rankConstant, weights);
      case LinearFusion.NAME ->
          new LinearFusion(
              normalization == null ? ScoreNormalization.DEFAULT : normalization, weights);
      case LOG_ODDS -> new LogOddsFusion(weights);
      default -> throw new IllegalStateException(method);
    };
  }

  /** Checks the weights against the number of sub-queries. */
  public void checkSubQueries(int count) {
    if (weights != null && weights.length != count) {
      throw new IllegalArgumentException(
          "[weights] has " + weights.length + " values but there are " + count + " sub-queries");
    }
  }

  public FusionSpec(StreamInput in) throws IOException {
    this(
        in.readString(),
        in.readOptionalVInt(),
        in.readBoolean() ? ScoreNormalization.of(in.readString()) : null,
        in.readBoolean() ? in.readFloatArray() : null,
        in.readOptionalVInt());
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    out.writeString(method);
    out.writeOptionalVInt(rankConstant);
    out.writeBoolean(normalization != null);
    if (normalization != null) {
      out.writeString(normalization.jsonName());
    }
    out.writeBoolean(weights != null);
    if (weights != null) {
      out.writeFloatArray(weights);
    }
    out.writeOptionalVInt(window);
  }

  @Override
  public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
    builder.startObject();
    builder.field("method", method);
    if (rankConstant != null) {
      builder.field("rank_constant", rankConstant);
    }
    if (normalization != null) {
      builder.field("normalization", normalization.jsonName());
    }
    if (weights != null) {
      builder.array("weights", weights);
    }
    if (window != null) {
      builder.field("window", window);
    }
    return builder.endObject();
  }

  /** Parses the {@code fusion} object (the parser is on its START_OBJECT). */
  public static FusionSpec fromXContent(XContentParser parser) throws IOException {
    String method = RrfFusion.NAME;
    Integer rankConstant = null;
    ScoreNormalization normalization = null;
    float[] weights = null;
    Integer window = null;
    String current = null;
    Token token;
    try {
      while ((token = parser.nextToken()) != Token.END_OBJECT) {
        if (token == Token.FIELD_NAME) {
          current = parser.currentName();
        } else if ("weights".equals(current)) {
          weights = parseWeights(parser, token);
        } else if (token.isValue() == false) {
          throw new IllegalArgumentException("[fusion." + current + "] must be a value");
        } else if ("method".equals(current)) {
          method = parser.text();
        } else if ("rank_constant".equals(current)) {
          rankConstant = intValue(parser, token, current);
        } else if ("normalization".equals(current)) {
          normalization = ScoreNormalization.of(parser.text());
        } else if ("window".equals(current)) {
          window = intValue(parser, token, current);
        } else {
          throw new IllegalArgumentException(
              "unknown field [fusion."
                  + current
                  + "], expected one of [method, rank_constant, normalization, weights, window]");
        }
      }
      return new FusionSpec(method, rankConstant, normalization, weights, window);
    } catch (IllegalArgumentException e) {
      throw new ParsingException(
          parser.getTokenLocation(), "[quiver_hybrid] [fusion] " + e.getMessage(), e);
    }
  }

  private static int intValue(XContentParser parser, Token token, String name) throws IOException {
    if (token != Token.VALUE_NUMBER) {
      throw new IllegalArgumentException("[" + name + "] must be an integer");
    }
    double value = parser.doubleValue();
    if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("[" + name + "] must be an integer, got [" + value + "]");
    }
    return (int) value;
  }

  private static float[] parseWeights(XContentParser parser, Token token) throws IOException {
    if (token != Token.START_ARRAY) {
      throw new IllegalArgumentException("[weights] must be an array of numbers");
    }
    List<Float> values = new ArrayList<>();
    while ((token = parser.nextToken()) != Token.END_ARRAY) {
      if (token != Token.VALUE_NUMBER) {
        throw new IllegalArgumentException("[weights] must be an array of numbers");
      }
      values.add(parser.floatValue());
    }
    float[] weights = new float[values.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = values.get(i);
    }
    return weights;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FusionSpec other
        && method.equals(other.method)
        && Objects.equals(rankConstant, other.rankConstant)
        && normalization == other.normalization
        && Arrays.equals(weights, other.weights)
        && Objects.equals(window, other.window);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, rankConstant, normalization, Arrays.hashCode(weights), window);
  }
}
