package dev.quiver.plugin.mapper;

import dev.quiver.codec.quiver10.Quiver10FlatVectorsFormat;
import dev.quiver.codec.quiver10.Quiver10HnswVectorsFormat;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * How a {@code quiver_vector} field is indexed: {@code {"type": "hnsw", "m": 16, "ef_construction":
 * 100}} or {@code {"type": "flat"}} (exact, exhaustive search).
 *
 * @param type {@code hnsw} or {@code flat}
 * @param m graph degree, {@code hnsw} only
 * @param efConstruction build-time beam width, {@code hnsw} only
 */
public record QuiverIndexOptions(String type, int m, int efConstruction) {

  public static final String HNSW = "hnsw";
  public static final String FLAT = "flat";

  /** The default: HNSW with Lucene's default graph parameters. */
  public static final QuiverIndexOptions DEFAULT =
      new QuiverIndexOptions(
          HNSW, Quiver10HnswVectorsFormat.DEFAULT_M, Quiver10HnswVectorsFormat.DEFAULT_BEAM_WIDTH);

  /** Parses the mapping object, naming the field and the offending option on any error. */
  public static QuiverIndexOptions parse(String field, Object node) {
    if (!(node instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "field [" + field + "]: [index_options] must be an object, got [" + node + "]");
    }
    String type = HNSW;
    int m = DEFAULT.m;
    int ef = DEFAULT.efConstruction;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object value = e.getValue();
      switch (key) {
        case "type" -> type = String.valueOf(value);
        case "m" -> m = intOption(field, key, value, 1, Quiver10HnswVectorsFormat.MAX_M);
        case "ef_construction" ->
            ef = intOption(field, key, value, 1, Quiver10HnswVectorsFormat.MAX_BEAM_WIDTH);
        default ->
            throw new IllegalArgumentException(
                "field ["
                    + field
                    + "]: unknown option [index_options."
                    + key
                    + "], expected [type, m, ef_construction]");
      }
    }
    if (HNSW.equals(type) == false && FLAT.equals(type) == false) {
      throw new IllegalArgumentException(
          "field ["
              + field
              + "]: unknown [index_options.type] ["
              + type
              + "], expected one of [hnsw, flat]");
    }
    if (FLAT.equals(type) && (map.containsKey("m") || map.containsKey("ef_construction"))) {
      throw new IllegalArgumentException(
          "field [" + field + "]: [m] and [ef_construction] apply to [hnsw], not to [flat]");
    }
    return new QuiverIndexOptions(type, m, ef);
  }

  private static int intOption(String field, String key, Object value, int min, int max) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      long v = n.longValue();
      if (v >= min && v <= max) {
        return (int) v;
      }
    }
    throw new IllegalArgumentException(
        "field ["
            + field
            + "]: [index_options."
            + key
            + "] must be an integer in ["
            + min
            + ", "
            + max
            + "], got ["
            + value
            + "]");
  }

  /** The Lucene format that writes fields with these options. */
  public KnnVectorsFormat vectorsFormat() {
    return FLAT.equals(type)
        ? new Quiver10FlatVectorsFormat()
        : new Quiver10HnswVectorsFormat(m, efConstruction);
  }

  /** Writes the options as a mapping object. */
  public void toXContent(XContentBuilder builder, String name) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", type);
    if (HNSW.equals(type)) {
      map.put("m", m);
      map.put("ef_construction", efConstruction);
    }
    builder.field(name, map);
  }

  @Override
  public String toString() {
    return HNSW.equals(type)
        ? "{type=hnsw, m=" + m + ", ef_construction=" + efConstruction + "}"
        : "{type=flat}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuiverIndexOptions other
        && type.equals(other.type)
        && (FLAT.equals(type) || (m == other.m && efConstruction == other.efConstruction));
  }

  @Override
  public int hashCode() {
    return FLAT.equals(type) ? type.hashCode() : Objects.hash(type, m, efConstruction);
  }
}
