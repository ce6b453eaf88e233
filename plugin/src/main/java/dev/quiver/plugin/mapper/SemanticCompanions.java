package dev.quiver.plugin.mapper;

import dev.quiver.ingest.ModelConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.opensearch.core.action.ActionListener;
import org.opensearch.index.mapper.MappingTransformer;

/**
 * Adds the hidden companions of every {@code quiver_semantic} field to a mapping when an index is
 * created, a mapping is put or a template is stored (see {@link SemanticFields}): for the field at
 * path {@code P}, {@code _quiver_semantic.P.vectors} (a {@code quiver_multi_vector} field of the
 * model's dims, at most {@value #MAX_VECTORS} passage vectors stored as float16, FDE indexed with
 * the field's {@code index_options.type}) and {@code _quiver_semantic.P.state} (a stored {@code
 * binary} field); and {@value SemanticFields#ROOT} to {@code _source.excludes}, so the stored
 * {@code _source} is the text as sent.
 *
 * <p>As for {@code quiver_multi_vector} fields, {@code _source.excludes} cannot change once an
 * index exists: map semantic fields when the index is created.
 */
public final class SemanticCompanions implements MappingTransformer {

  /** The most passage vectors (chunks) per document: the embedder's own chunk limit. */
  public static final int MAX_VECTORS = 64;

  private final Function<String, ModelConfig> models;

  /**
   * @param models the configuration of a model this node knows, null for an unknown one
   */
  public SemanticCompanions(Function<String, ModelConfig> models) {
    this.models = models;
  }

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

  /** Adds the companions and the exclude in place. */
  @SuppressWarnings("unchecked")
  public void apply(Map<String, Object> mapping) {
    if (mapping == null) {
      return;
    }
    List<SemanticMappings.SemanticField> fields = SemanticMappings.of(mapping);
    if (fields.isEmpty()) {
      return;
    }
    Map<String, Object> root = MultiVectorSourceExcludes.root(mapping);
    Map<String, Object> properties = (Map<String, Object>) root.get("properties");
    for (SemanticMappings.SemanticField field : fields) {
      ModelConfig config =
          QuiverSemanticFieldMapper.modelConfig(field.path(), field.model(), models);
      Map<String, Object> parent = properties;
      for (String segment : (SemanticFields.ROOT + "." + field.path()).split("\\.")) {
        parent = childProperties(parent, segment);
      }
      Map<String, Object> vectors = new LinkedHashMap<>();
      vectors.put("type", QuiverMultiVectorFieldMapper.CONTENT_TYPE);
      vectors.put("dims", config.dims());
      vectors.put("max_vectors", MAX_VECTORS);
      vectors.put("stored_vectors", "float16");
      vectors.put("model", field.model());
      vectors.put("fde", new LinkedHashMap<>(Map.of("index_type", field.indexType())));
      parent.put(SemanticFields.VECTORS, vectors);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("type", "binary");
      state.put("store", true);
      state.put("doc_values", false);
      parent.put(SemanticFields.STATE, state);
    }
    MultiVectorSourceExcludes.exclude(root, List.of(SemanticFields.ROOT));
  }

  /** The {@code properties} of the object {@code name} under {@code properties}, made if absent. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> childProperties(Map<String, Object> properties, String name) {
    Object existing = properties.get(name);
    Map<String, Object> object;
    if (existing instanceof Map<?, ?> m) {
      object = (Map<String, Object>) m;
    } else {
      object = new LinkedHashMap<>();
      properties.put(name, object);
    }
    Object props = object.get("properties");
    if (props instanceof Map<?, ?> p) {
      return (Map<String, Object>) p;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    object.put("properties", created);
    return created;
  }
}
