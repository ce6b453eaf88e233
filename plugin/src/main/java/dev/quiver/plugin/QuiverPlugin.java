package dev.quiver.plugin;

import dev.quiver.plugin.codec.QuiverCodecEligibility;
import dev.quiver.plugin.codec.QuiverCodecService;
import dev.quiver.plugin.mapper.QuiverVectorFieldMapper;
import dev.quiver.plugin.query.QuiverKnnQueryBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opensearch.common.settings.Setting;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.plugins.EnginePlugin;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;

/**
 * Quiver's entry point: registers the {@code quiver_vector} field, the {@code quiver_knn} query,
 * and the codec that writes Quiver fields with Quiver's formats. Holds no state of its own.
 */
public final class QuiverPlugin extends Plugin implements MapperPlugin, SearchPlugin, EnginePlugin {

  @Override
  public Map<String, Mapper.TypeParser> getMappers() {
    return Map.of(QuiverVectorFieldMapper.CONTENT_TYPE, QuiverVectorFieldMapper.PARSER);
  }

  @Override
  public List<QuerySpec<?>> getQueries() {
    return List.of(
        new QuerySpec<>(
            QuiverKnnQueryBuilder.NAME,
            QuiverKnnQueryBuilder::new,
            QuiverKnnQueryBuilder::fromXContent));
  }

  @Override
  public Optional<CodecServiceFactory> getCustomCodecServiceFactory(IndexSettings indexSettings) {
    if (QuiverCodecEligibility.whyNot(indexSettings.getSettings()).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(QuiverCodecService::new);
  }

  @Override
  public List<Setting<?>> getSettings() {
    return List.of(QuiverCodecEligibility.ENABLED);
  }
}
