package dev.quiver.plugin.query;

import dev.quiver.plugin.mapper.QuiverMultiVectorFieldMapper;
import dev.quiver.plugin.mapper.QuiverVectorFieldMapper;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.support.IndicesOptions;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.metadata.MappingMetadata;
import org.opensearch.cluster.service.ClusterService;

/**
 * The {@code model} each {@code quiver_vector}, {@code quiver_multi_vector} or {@code
 * quiver_semantic} field is mapped with, read on the coordinating node from the cluster state:
 * {@code query_text} is embedded there, before any shard (and its mapping) is involved, so this is
 * where a query that names no model learns the field's.
 *
 * <p>The search's local index expressions are resolved (leniently: a missing index is the search's
 * own error to report) to concrete indices; each index's mapping is walked once per mapping version
 * (cached by index UUID), so a search costs a map lookup per targeted index. Usable once {@link
 * #bind} has given it the cluster service (from {@code createComponents}); before that it knows no
 * models.
 */
public final class MappedModels {

  private volatile ClusterService clusterService;
  private volatile IndexNameExpressionResolver resolver;

  /** Per index UUID: the mapping version read and its fields' models. */
  private final Map<String, Models> cache = new ConcurrentHashMap<>();

  private record Models(long mappingVersion, Map<String, Mapped> byField) {}

  /** A field's type and its {@code model} (null when the mapping names none). */
  private record Mapped(String type, String model) {}

  public void bind(ClusterService clusterService, IndexNameExpressionResolver resolver) {
    this.resolver = resolver;
    this.clusterService = clusterService;
  }

  /**
   * The model {@code field} is mapped with in the indices {@code search} targets; null if none of
   * them names one.
   *
   * @throws IllegalArgumentException if they name different models
   */
  public String modelOf(IndicesRequest search, String field) {
    return modelOf(
        search,
        field,
        QuiverKnnQueryBuilder.NAME,
        type ->
            QuiverVectorFieldMapper.CONTENT_TYPE.equals(type)
                || QuiverMultiVectorFieldMapper.CONTENT_TYPE.equals(type),
        null);
  }

  /**
   * The model {@code field} is mapped with as a {@code quiver_semantic} field in the indices {@code
   * search} targets ({@link QuiverKnnQueryBuilder#DEFAULT_MODEL} where its mapping names none);
   * null if none of them maps it as {@code quiver_semantic}.
   *
   * @throws IllegalArgumentException if they map it with different models
   */
  public String semanticModelOf(IndicesRequest search, String field) {
    return modelOf(
        search,
        field,
        QuiverSemanticQueryBuilder.NAME,
        QuiverSemanticQueryBuilder.FIELD_TYPE::equals,
        QuiverKnnQueryBuilder.DEFAULT_MODEL);
  }

  private String modelOf(
      IndicesRequest search,
      String field,
      String query,
      Predicate<String> types,
      String unnamedModel) {
    ClusterService cs = clusterService;
    if (cs == null || search == null) {
      return null;
    }
    // Remote clusters' indices (cluster:index) are not in this cluster state: their fields'
    // models are not known here.
    String[] local =
        Arrays.stream(search.indices() == null ? new String[0] : search.indices())
            .filter(e -> e.indexOf(':') < 0)
            .toArray(String[]::new);
    if (search.indices() != null && search.indices().length > 0 && local.length == 0) {
      return null;
    }
    ClusterState state = cs.state();
    Map<String, String> models = new TreeMap<>();
    for (String index :
        resolver.concreteIndexNames(state, IndicesOptions.lenientExpandOpen(), local)) {
      IndexMetadata metadata = state.metadata().index(index);
      if (metadata == null) {
        continue;
      }
      Mapped mapped = modelsOf(metadata).get(field);
      if (mapped != null && types.test(mapped.type())) {
        String model = mapped.model() != null ? mapped.model() : unnamedModel;
        if (model != null) {
          models.put(index, model);
        }
      }
    }
    if (models.values().stream().distinct().count() > 1) {
      throw new IllegalArgumentException(
          "["
              + query
              + "] field ["
              + field
              + "] is mapped with different models in the targeted indices "
              + models
              + "; name one with [model]");
    }
    return models.isEmpty() ? null : models.values().iterator().next();
  }

  private Map<String, Mapped> modelsOf(IndexMetadata metadata) {
    Models cached = cache.get(metadata.getIndexUUID());
    if (cached != null && cached.mappingVersion == metadata.getMappingVersion()) {
      return cached.byField;
    }
    Map<String, Mapped> byField = new HashMap<>();
    MappingMetadata mapping = metadata.mapping();
    if (mapping != null) {
      collect("", mapping.sourceAsMap(), byField);
    }
    cache.put(metadata.getIndexUUID(), new Models(metadata.getMappingVersion(), byField));
    if (cache.size() > 10_000) {
      cache.clear(); // deleted indices: cheap to rebuild
    }
    return byField;
  }

  /**
   * Walks {@code properties} of an object mapping, recording the type and model of quiver_vector,
   * quiver_multi_vector and quiver_semantic fields.
   */
  private static void collect(String prefix, Map<String, Object> object, Map<String, Mapped> out) {
    if (!(object.get("properties") instanceof Map<?, ?> properties)) {
      return;
    }
    for (Map.Entry<?, ?> e : properties.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> child)) {
        continue;
      }
      String path = prefix + e.getKey();
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) child;
      Object type = typed.get("type");
      if (QuiverVectorFieldMapper.CONTENT_TYPE.equals(type)
          || QuiverMultiVectorFieldMapper.CONTENT_TYPE.equals(type)
          || QuiverSemanticQueryBuilder.FIELD_TYPE.equals(type)) {
        out.put(
            path,
            new Mapped((String) type, typed.get("model") instanceof String model ? model : null));
      } else {
        collect(path + ".", typed, out);
      }
    }
  }
}
