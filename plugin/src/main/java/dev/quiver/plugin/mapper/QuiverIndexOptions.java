package dev.quiver.plugin.mapper;

import dev.quiver.codec.quantized.QuantizedRescoring;
import dev.quiver.codec.quantized.Quiver10QuantizedHnswVectorsFormat;
import dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat;
import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * How a {@code quiver_vector} field is indexed:
 *
 * <ul>
 *   <li>{@code {"type": "hnsw", "m": 16, "ef_construction": 100}}: an HNSW graph over the float
 *       vectors;
 *   <li>{@code {"type": "flat"}}: exact, exhaustive search over the float vectors;
 *   <li>{@code {"type": "int8_hnsw" | "int4_hnsw" | "int2_hnsw" | "int1_hnsw", "m": 16,
 *       "ef_construction": 100, "rescore": {"oversample": 2.0}}}: an HNSW graph built and searched
 *       on 8, 4, 2 or 1-bit codes ({@link Quiver10QuantizedHnswVectorsFormat}); the float vectors
 *       stay on disk and a query rescores {@code ceil(oversample * k)} candidates by their exact
 *       similarity. The default oversample per bit width is {@link #defaultOversample(int)}.
 * </ul>
 *
 * <p>Options that do not apply to a type are refused rather than ignored: {@code m} and {@code
 * ef_construction} on {@code flat}, {@code rescore} on the float types (their scores are exact
 * already).
 *
 * @param type one of {@link #TYPES}
 * @param m graph degree, graph types only
 * @param efConstruction build-time beam width, graph types only
 * @param oversample candidates rescored per result, quantized types only (1 on float types)
 */
public record QuiverIndexOptions(String type, int m, int efConstruction, float oversample) {

  public static final String HNSW = "hnsw";
  public static final String FLAT = "flat";
  public static final String INT8_HNSW = "int8_hnsw";
  public static final String INT4_HNSW = "int4_hnsw";
  public static final String INT2_HNSW = "int2_hnsw";
  public static final String INT1_HNSW = "int1_hnsw";

  /** Every accepted {@code index_options.type}. */
  public static final List<String> TYPES =
      List.of(HNSW, FLAT, INT8_HNSW, INT4_HNSW, INT2_HNSW, INT1_HNSW);

  /** The default: HNSW with Lucene's default graph parameters. */
  public static final QuiverIndexOptions DEFAULT =
      new QuiverIndexOptions(
          HNSW, Quiver10HnswVectorsFormat.DEFAULT_M, Quiver10HnswVectorsFormat.DEFAULT_BEAM_WIDTH);

  /** Options with the type's default oversample. */
  public QuiverIndexOptions(String type, int m, int efConstruction) {
    this(type, m, efConstruction, defaultOversample(bitsOf(type)));
  }

  /** Normalizes what a type does not use, so that equal mappings compare equal. */
  public QuiverIndexOptions {
    Objects.requireNonNull(type);
    if (FLAT.equals(type)) {
      m = Quiver10HnswVectorsFormat.DEFAULT_M;
      efConstruction = Quiver10HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
    }
    if (bitsOf(type) == 32) {
      oversample = 1f;
    }
  }

  /**
   * The oversample a quantized type rescores with unless the mapping or the query says otherwise,
   * from recall@10 measured on 384-d bge-small vectors (qa/bench/QUANTIZATION.md): 5 at 1 bit, 3 at
   * 2 bits, 2 at 4 and 8 bits; 1 (no extra candidates) for float vectors.
   */
  public static float defaultOversample(int bits) {
    return switch (bits) {
      case 1 -> 5f;
      case 2 -> 3f;
      case 4, 8 -> 2f;
      default -> 1f;
    };
  }

  /** Bits per dimension a type stores in memory: 32 for the float types, else the code width. */
  static int bitsOf(String type) {
    return switch (type) {
      case INT8_HNSW -> 8;
      case INT4_HNSW -> 4;
      case INT2_HNSW -> 2;
      case INT1_HNSW -> 1;
      default -> 32;
    };
  }

  /** Bits per dimension of the vectors searched: 32 for float types, else 8, 4, 2 or 1. */
  public int bits() {
    return bitsOf(type);
  }

  /** Whether the field is searched on codes and rescored on its float vectors. */
  public boolean quantized() {
    return bits() < 32;
  }

  /** Parses the mapping object, naming the field and the offending option on any error. */
  public static QuiverIndexOptions parse(String field, Object node) {
    if (!(node instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "field [" + field + "]: [index_options] must be an object, got [" + node + "]");
    }
    String type = HNSW;
    int m = DEFAULT.m;
    int ef = DEFAULT.efConstruction;
    Float oversample = null;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      switch (key) {
        case "type" -> type = String.valueOf(value);
        case "m" -> m = intOption(field, key, value, 1, Quiver10HnswVectorsFormat.MAX_M);
        case "ef_construction" ->
            ef = intOption(field, key, value, 1, Quiver10HnswVectorsFormat.MAX_BEAM_WIDTH);
        case "rescore" -> oversample = parseRescore(field, value);
        default ->
            throw new IllegalArgumentException(
                "field ["
                    + field
                    + "]: unknown option [index_options."
                    + key
                    + "], expected [type, m, ef_construction, rescore]");
      }
    }
    if (TYPES.contains(type) == false) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: unknown [index_options.type] ["
              + type
              + "], expected one of "
              + TYPES);
    }
    if (FLAT.equals(type) && (map.containsKey("m") || map.containsKey("ef_construction"))) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [m] and [ef_construction] apply to the graph types, not to [flat]");
    }
    int bits = bitsOf(type);
    if (oversample != null && bits == 32) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [index_options.rescore] applies to the quantized types "
              + TYPES.subList(2, TYPES.size())
              + ", not to ["
              + type
              + "], whose scores are exact already");
    }
    return new QuiverIndexOptions(
        type, m, ef, oversample == null ? defaultOversample(bits) : oversample);
  }

  private static float parseRescore(String field, Object value) {
    if (!(value instanceof Map<?, ?> rescore)) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: [index_options.rescore] must be an object like {\"oversample\": 2.0}, got ["
              + value
              + "]");
    }
    Float oversample = null;
    for (Map.Entry<?, ?> e : rescore.entrySet()) {
      if ("oversample".equals(String.valueOf(e.getKey())) == false) {
        throw new IllegalArgumentException(
            "field ["
                + field
                + "]: unknown option [index_options.rescore."
                + e.getKey()
                + "], expected [oversample]");
      }
      oversample = oversample(field, "index_options.rescore.oversample", e.getValue());
    }
    if (oversample == null) {
      throw new IllegalArgumentException(
          "field [" + field + "]: [index_options.rescore] requires [oversample]");
    }
    return oversample;
  }

  /**
   * Checks an oversample factor: a number in [1, {@value QuantizedRescoring#MAX_OVERSAMPLE}].
   *
   * @param what the option's name in the message
   */
  public static float oversample(String field, String what, Object value) {
    if (value instanceof Number n) {
      double v = n.doubleValue();
      if (v >= 1 && v <= QuantizedRescoring.MAX_OVERSAMPLE) {
        return (float) v;
      }
    }
    throw new IllegalArgumentException(
        "field ["
            + field
            + "]: ["
            + what
            + "] must be a number in [1, "
            + (int) QuantizedRescoring.MAX_OVERSAMPLE
            + "], got ["
            + value
            + "]");
  }

  private static int intOption(String field, String key, Object value, int min, int max) {
    return MappingIntegers.inRange(field, "index_options." + key, value, min, max);
  }

  /** The Lucene format that writes fields with these options. */
  public KnnVectorsFormat vectorsFormat() {
    if (FLAT.equals(type)) {
      return new Quiver10FlatVectorsFormat();
    }
    return quantized()
        ? new Quiver10QuantizedHnswVectorsFormat(bits(), m, efConstruction)
        : new Quiver10HnswVectorsFormat(m, efConstruction);
  }

  /** Writes the options as a mapping object, defaults included. */
  public void toXContent(XContentBuilder builder, String name) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", type);
    if (FLAT.equals(type) == false) {
      map.put("m", m);
      map.put("ef_construction", efConstruction);
    }
    if (quantized()) {
      map.put("rescore", Map.of("oversample", oversample));
    }
    builder.field(name, map);
  }

  @Override
  public String toString() {
    if (FLAT.equals(type)) {
      return "{type=flat}";
    }
    return "{type="
        + type
        + ", m="
        + m
        + ", ef_construction="
        + efConstruction
        + (quantized() ? ", rescore={oversample=" + oversample + "}" : "")
        + "}";
  }
}
