package dev.quiver.plugin.mapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.core.action.ActionListener;
import org.opensearch.index.mapper.MappingTransformer;

/**
 * Keeps {@code quiver_multi_vector} vectors out of {@code _source}: when an index is created, a
 * mapping is put or an index/component template is stored, OpenSearch hands the mapping to the
 * plugins' {@link MappingTransformer}s first; this one adds the path of every {@code
 * quiver_multi_vector} field that does not say {@code "store_source": true} to {@code
 * _source.excludes} (merged with any excludes the mapping gives).
 *
 * <p>This is OpenSearch's own source filtering, so everything else follows: the stored {@code
 * _source} (and what search and get return) lacks the vectors, while the translog and the recovery
 * source keep the full document for replicas and recovery. Excluding does nothing when {@code
 * _source} is disabled. As for any {@code _source.excludes}, reindexing from such an index loses
 * the vectors (re-embed them in the pipeline instead).
 *
 * <p>{@code _source.excludes} cannot change once an index exists: a mapping update that adds a
 * {@code quiver_multi_vector} field to an index whose excludes do not already cover it fails with
 * OpenSearch's conflict on {@code _source.excludes}; map such fields when the index is created (or
 * give {@code "store_source": true}).
 */
public final class MultiVectorSourceExcludes implements MappingTransformer {

  @Override
  public void transform(
      Map<String, Object> mapping, TransformContext context, ActionListener<Void> listener) {
    try {
      apply(mapping);
      listener.onResponse(null);
    } catch (RuntimeException e) {
      listener.onFailure(e);
    }
  }

  /** Adds the excludes in place; public for tests. */
  public static void apply(Map<String, Object> mapping) {
    if (mapping == null) {
      return;
    }
    Map<String, Object> root = root(mapping);
    List<String> paths = new ArrayList<>();
    collect(root.get("properties"), "", paths);
    exclude(root, paths);
  }

  /** The mapping's root object: the mapping itself, or what its only {@code _doc} key holds. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> root(Map<String, Object> mapping) {
    if (mapping.size() == 1
        && mapping.get("_doc") instanceof Map<?, ?> typed
        && mapping.containsKey("properties") == false) {
      return (Map<String, Object>) typed;
    }
    return mapping;
  }

  /**
   * Adds {@code paths} to the {@code _source.excludes} of the mapping's root object (unless {@code
   * _source} is disabled or not an object).
   */
  @SuppressWarnings("unchecked")
  static void exclude(Map<String, Object> root, List<String> paths) {
    if (paths.isEmpty()) {
      return;
    }
    Object source = root.get("_source");
    Map<String, Object> sourceMap;
    if (source instanceof Map<?, ?> m) {
      sourceMap = (Map<String, Object>) m;
    } else if (source == null) {
      sourceMap = new LinkedHashMap<>();
      root.put("_source", sourceMap);
    } else {
      return; // not an object: the mapping's own error to report
    }
    if (Boolean.FALSE.equals(sourceMap.get("enabled"))
        || "false".equals(String.valueOf(sourceMap.get("enabled")))) {
      return;
    }
    List<Object> excludes = new ArrayList<>();
    Object given = sourceMap.get("excludes");
    if (given instanceof List<?> list) {
      excludes.addAll(list);
    } else if (given instanceof String s) {
      excludes.add(s);
    } else if (given != null) {
      return;
    }
    for (String path : paths) {
      if (excludes.contains(path) == false) {
        excludes.add(path);
      }
    }
    sourceMap.put("excludes", excludes);
  }

  private static void collect(Object properties, String prefix, List<String> paths) {
    if (!(properties instanceof Map<?, ?> fields)) {
      return;
    }
    for (Map.Entry<?, ?> e : fields.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> field)) {
        continue;
      }
      String path = prefix + e.getKey();
      if (prefix.isEmpty() && SemanticFields.ROOT.equals(e.getKey())) {
        continue; // the semantic fields' companions: excluded as a whole by SemanticCompanions
      }
      if (QuiverMultiVectorFieldMapper.CONTENT_TYPE.equals(field.get("type"))) {
        Object keep = field.get("store_source");
        if (Boolean.TRUE.equals(keep) || "true".equals(String.valueOf(keep))) {
          continue;
        }
        paths.add(path);
      } else {
        collect(field.get("properties"), path + ".", paths);
      }
    }
  }
}
