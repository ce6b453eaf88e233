package dev.quiver.plugin.mapper;

import dev.quiver.codec.muvera.FdeParams;
import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The {@code fde} block of a {@code quiver_multi_vector} mapping: the MUVERA fixed dimensional
 * encoding's parameters ({@link FdeParams}) and how the one FDE vector per document is indexed (any
 * {@code quiver_vector} {@code index_options.type}, {@link #DEFAULT_INDEX_TYPE} by default).
 *
 * <pre>
 * "fde": {"repetitions": 20, "simhash_bits": 5, "projection_dims": 16,
 *         "final_projection_dims": 0, "seed": 42, "version": 1,
 *         "index_type": "int1_hnsw", "m": 16, "ef_construction": 100}
 * </pre>
 *
 * <p>Every option is written out at creation and none can change afterwards ({@link
 * #checkUnchanged}): documents indexed with one encoding do not match queries encoded with another.
 * {@code final_projection_dims: 0} means no final projection.
 *
 * @param params the encoding
 * @param index how the FDE vectors are indexed; on a quantized type the FDE candidates are rescored
 *     by their float FDEs by the query's {@code fde_oversample} (not by this block's rescore
 *     oversample, which is unused)
 */
public record FdeOptions(FdeParams params, QuiverIndexOptions index) {

  /**
   * The default FDE index type: 1-bit codes keep a 10,240-dim FDE at 1,280 bytes per document in
   * memory, and the FDE only has to rank the true MaxSim neighbours into the {@code num_candidates}
   * that are reranked exactly. Measured on 3,000 documents of 20-80 clustered 64-d vectors, 50
   * queries of 16 vectors, default FDE (20, 5, 16): recall@10 against exact MaxSim at
   * num_candidates 50/100/200 was 0.908/0.984/1.000 for int1_hnsw against 0.916-0.918/0.990/1.000
   * for int2, int4, int8 and float hnsw.
   */
  public static final String DEFAULT_INDEX_TYPE = QuiverIndexOptions.INT1_HNSW;

  private static final List<String> KEYS =
      List.of(
          "repetitions",
          "simhash_bits",
          "projection_dims",
          "final_projection_dims",
          "seed",
          "version",
          "index_type",
          "m",
          "ef_construction");

  /** The defaults: {@link FdeParams#defaults()} indexed with {@link #DEFAULT_INDEX_TYPE}. */
  public static FdeOptions defaults() {
    return new FdeOptions(
        FdeParams.defaults(),
        new QuiverIndexOptions(
            DEFAULT_INDEX_TYPE,
            Quiver10HnswVectorsFormat.DEFAULT_M,
            Quiver10HnswVectorsFormat.DEFAULT_BEAM_WIDTH));
  }

  /** Parses the mapping object; every error names the field and the option. */
  public static FdeOptions parse(String field, Object node) {
    if (!(node instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "field [" + field + "]: [fde] must be an object, got [" + node + "]");
    }
    FdeParams d = FdeParams.defaults();
    int repetitions = d.repetitions();
    int simhashBits = d.simhashBits();
    int projectionDims = d.projectionDims();
    int finalProjectionDims = d.finalProjectionDims();
    long seed = d.seed();
    int version = d.version();
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("type", DEFAULT_INDEX_TYPE);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      switch (key) {
        case "repetitions" -> repetitions = intValue(field, key, value);
        case "simhash_bits" -> simhashBits = intValue(field, key, value);
        case "projection_dims" -> projectionDims = intValue(field, key, value);
        case "final_projection_dims" -> finalProjectionDims = intValue(field, key, value);
        case "seed" -> seed = integer(field, key, value, Long.MIN_VALUE, Long.MAX_VALUE);
        case "version" -> version = intValue(field, key, value);
        case "index_type" -> index.put("type", value);
        case "m", "ef_construction" -> index.put(key, value);
        default ->
            throw new IllegalArgumentException(
                "field [" + field + "]: unknown option [fde." + key + "], expected " + KEYS);
      }
    }
    QuiverIndexOptions indexOptions;
    try {
      indexOptions = QuiverIndexOptions.parse(field, index);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage()
              .replace("[index_options.type]", "[fde.index_type]")
              .replace("[index_options.", "[fde."),
          e);
    }
    return new FdeOptions(
        new FdeParams(repetitions, simhashBits, projectionDims, finalProjectionDims, seed, version),
        indexOptions);
  }

  /**
   * Checks the encoding against the field's token dimensions ({@link FdeParams#validate}): among
   * others, an FDE wider than {@value FdeParams#MAX_FDE_DIMS} dims needs {@code
   * final_projection_dims}.
   */
  public void validate(String field, int tokenDims) {
    try {
      params.validate(tokenDims);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("field [" + field + "]: [fde] " + e.getMessage(), e);
    }
  }

  /**
   * Refuses any change of an FDE option, naming it: a mapping update would otherwise encode new
   * queries differently from the documents indexed.
   */
  static boolean checkUnchanged(String field, FdeOptions previous, FdeOptions next) {
    if (previous.equals(next)) {
      return true;
    }
    Map<String, Object> before = previous.asMap();
    Map<String, Object> after = next.asMap();
    for (String key : KEYS) {
      if (before.get(key).equals(after.get(key)) == false) {
        throw new IllegalArgumentException(
            "Cannot update parameter [fde] of field ["
                + field
                + "]: [fde."
                + key
                + "] cannot change from ["
                + before.get(key)
                + "] to ["
                + after.get(key)
                + "]; documents are indexed with the encoding of the mapping, reindex to change it");
      }
    }
    throw new IllegalArgumentException("Cannot update parameter [fde] of field [" + field + "]");
  }

  private Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("repetitions", params.repetitions());
    map.put("simhash_bits", params.simhashBits());
    map.put("projection_dims", params.projectionDims());
    map.put("final_projection_dims", params.finalProjectionDims());
    map.put("seed", params.seed());
    map.put("version", params.version());
    map.put("index_type", index.type());
    if (QuiverIndexOptions.FLAT.equals(index.type()) == false) {
      map.put("m", index.m());
      map.put("ef_construction", index.efConstruction());
    } else {
      map.put("m", "-");
      map.put("ef_construction", "-");
    }
    return map;
  }

  /** Writes the block with every option. */
  public void toXContent(XContentBuilder builder, String name) throws IOException {
    Map<String, Object> map = asMap();
    if (QuiverIndexOptions.FLAT.equals(index.type())) {
      map.remove("m");
      map.remove("ef_construction");
    }
    builder.field(name, map);
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  private static int intValue(String field, String key, Object value) {
    return (int) integer(field, key, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  private static long integer(String field, String key, Object value, long min, long max) {
    return MappingIntegers.inRange(field, "fde." + key, value, min, max);
  }
}
