package dev.quiver.qa.peer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.index.IndexModule;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.index.mapper.BinaryFieldMapper;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.query.MatchAllQueryBuilder;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.EnginePlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.MapperPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.search.query.QueryPhase;
import org.opensearch.search.query.QueryPhaseSearcher;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;

/**
 * Claims what the k-NN and neural-search plugins claim in a stock distribution: the names {@code
 * knn_vector}, {@code knn}, {@code neural}, {@code hybrid}, {@code text_embedding}; the settings
 * {@code index.knn} and {@code index.sparse} with a codec service factory for indices that set
 * them; and the node's single {@link QueryPhaseSearcher}. If Quiver took any of these, the node
 * would refuse to start or to create indices, and Quiver's QA would fail. It also carries the
 * {@link RequestContextProbe} (a security-plugin-like request context and what the shards see of
 * it) and, like ml-commons, loads DJL's HuggingFace tokenizers in its own class loader ({@link
 * PeerTokenizer}, served by {@link RestPeerTokenizeAction}).
 */
public final class PeerPlugin extends Plugin
    implements MapperPlugin, SearchPlugin, EnginePlugin, IngestPlugin, ActionPlugin {

  private final RequestContextProbe contextProbe = new RequestContextProbe();
  private final PeerTokenizer tokenizer;

  public PeerPlugin(Settings settings) {
    this.tokenizer = new PeerTokenizer(settings);
  }

  @Override
  public Collection<Object> createComponents(
      Client client,
      ClusterService clusterService,
      ThreadPool threadPool,
      ResourceWatcherService resourceWatcherService,
      ScriptService scriptService,
      NamedXContentRegistry xContentRegistry,
      Environment environment,
      NodeEnvironment nodeEnvironment,
      NamedWriteableRegistry namedWriteableRegistry,
      IndexNameExpressionResolver indexNameExpressionResolver,
      Supplier<RepositoriesService> repositoriesServiceSupplier) {
    contextProbe.start(threadPool);
    return List.of();
  }

  @Override
  public List<ActionFilter> getActionFilters() {
    return List.of(contextProbe.filter());
  }

  @Override
  public List<RestHandler> getRestHandlers(
      Settings settings,
      RestController restController,
      ClusterSettings clusterSettings,
      IndexScopedSettings indexScopedSettings,
      SettingsFilter settingsFilter,
      IndexNameExpressionResolver indexNameExpressionResolver,
      Supplier<DiscoveryNodes> nodesInCluster) {
    return List.of(contextProbe.restHandler(), new RestPeerTokenizeAction(tokenizer));
  }

  @Override
  public void onIndexModule(IndexModule indexModule) {
    contextProbe.onIndexModule(indexModule);
  }

  static final Setting<Boolean> KNN =
      Setting.boolSetting("index.knn", false, Setting.Property.IndexScope, Setting.Property.Final);
  static final Setting<Boolean> SPARSE =
      Setting.boolSetting(
          "index.sparse", false, Setting.Property.IndexScope, Setting.Property.Final);

  @Override
  public List<Setting<?>> getSettings() {
    return List.of(KNN, SPARSE, PeerTokenizer.LOAD_AT_START);
  }

  @Override
  public Map<String, Mapper.TypeParser> getMappers() {
    return Map.of("knn_vector", BinaryFieldMapper.PARSER);
  }

  @Override
  public List<QuerySpec<?>> getQueries() {
    return List.of("knn", "neural", "hybrid").stream()
        .<QuerySpec<?>>map(
            name ->
                new QuerySpec<>(
                    name, MatchAllQueryBuilder::new, MatchAllQueryBuilder::fromXContent))
        .toList();
  }

  @Override
  public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
    return Map.of(
        "text_embedding",
        (factories, tag, description, config) -> {
          throw new IllegalArgumentException("stand-in processor");
        });
  }

  @Override
  public Optional<CodecServiceFactory> getCustomCodecServiceFactory(IndexSettings indexSettings) {
    if (KNN.get(indexSettings.getSettings()) || SPARSE.get(indexSettings.getSettings())) {
      return Optional.of(
          config ->
              new CodecService(
                  config.getMapperService(),
                  config.getIndexSettings(),
                  config.getLogger(),
                  config.getAdditionalCodecs()));
    }
    return Optional.empty();
  }

  @Override
  public Optional<QueryPhaseSearcher> getQueryPhaseSearcher() {
    return Optional.of(new PeerQueryPhaseSearcher());
  }

  /** The default searcher under another class: the node can have only one. */
  static final class PeerQueryPhaseSearcher extends QueryPhase.DefaultQueryPhaseSearcher {}
}
