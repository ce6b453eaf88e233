package dev.quiver.plugin.mapper;

import dev.quiver.ingest.DefaultModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the {@code quiver_semantic} fields of a mapping given as a map (as the mapping transformer
 * and the system ingest pipeline see it), with the defaults of what the mapping leaves out.
 */
public final class SemanticMappings {

  /**
   * One semantic field of a mapping.
   *
   * @param path the field's full path, for example {@code body} or {@code a.b}
   * @param model the model's name
   * @param indexType the {@code index_options.type} of its passage vectors
   * @param chunking its chunking as the mapping gives it (maybe not resolved against the model)
   */
  public record SemanticField(
      String path, String model, String indexType, SemanticChunking chunking) {}

  private SemanticMappings() {}

  /** The semantic fields of {@code mapping} (with or without its {@code _doc} wrapper). */
  public static List<SemanticField> of(Map<String, Object> mapping) {
    List<SemanticField> out = new ArrayList<>();
    if (mapping != null) {
      collect(MultiVectorSourceExcludes.root(mapping).get("properties"), "", out);
    }
    return out;
  }

  private static void collect(Object properties, String prefix, List<SemanticField> out) {
    if (!(properties instanceof Map<?, ?> fields)) {
      return;
    }
    for (Map.Entry<?, ?> e : fields.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> field)) {
        continue;
      }
      String key = String.valueOf(e.getKey());
      if (prefix.isEmpty() && SemanticFields.ROOT.equals(key)) {
        continue;
      }
      String path = prefix + key;
      if (QuiverSemanticFieldMapper.CONTENT_TYPE.equals(field.get("type"))) {
        Object model = field.get("model");
        Object options = field.get("index_options");
        Object chunking = field.get("chunking");
        out.add(
            new SemanticField(
                path,
                model == null ? DefaultModel.NAME : VectorMappings.parseModel(path, model),
                options == null
                    ? QuiverSemanticFieldMapper.DEFAULT_INDEX_TYPE
                    : QuiverSemanticFieldMapper.parseIndexType(path, options),
                chunking == null
                    ? SemanticChunking.UNRESOLVED
                    : SemanticChunking.parse(path, chunking)));
      } else {
        collect(field.get("properties"), path + ".", out);
      }
    }
  }
}
