package dev.quiver.plugin;

import dev.quiver.ingest.DefaultModel;
import dev.quiver.ingest.ModelConfig;
import dev.quiver.plugin.codec.QuiverCodecEligibility;
import dev.quiver.plugin.codec.QuiverCodecService;
import dev.quiver.plugin.embed.EmbeddingEngine;
import dev.quiver.plugin.embed.InferencePools;
import dev.quiver.plugin.embed.InferenceSettings;
import dev.quiver.plugin.embed.QuiverEmbedProcessor;
import dev.quiver.plugin.embed.RestModelsAction;
import dev.quiver.plugin.embed.SemanticIngestProcessor;
import dev.quiver.plugin.embed.UpdateItemIds;
import dev.quiver.plugin.hybrid.HybridSearchFilter;
import dev.quiver.plugin.hybrid.QuiverFusedQueryBuilder;
import dev.quiver.plugin.hybrid.QuiverHybridQueryBuilder;
import dev.quiver.plugin.mapper.MultiVectorSourceExcludes;
import dev.quiver.plugin.mapper.QuiverMultiVectorFieldMapper;
import dev.quiver.plugin.mapper.QuiverSemanticFieldMapper;
import dev.quiver.plugin.mapper.QuiverVectorFieldMapper;
import dev.quiver.plugin.mapper.SemanticCheckFieldMapper;
import dev.quiver.plugin.mapper.SemanticCompanions;
import dev.quiver.plugin.query.MappedModels;
import dev.quiver.plugin.query.MatchedChunkFetchPhase;
import dev.quiver.plugin.query.QueryEmbedder;
import dev.quiver.plugin.query.QuiverKnnQueryBuilder;
import dev.quiver.plugin.query.QuiverMaxSimQueryBuilder;
import dev.quiver.plugin.query.QuiverSemanticQueryBuilder;
import dev.quiver.plugin.stats.QuiverStatsAction;
import dev.quiver.plugin.stats.RestQuiverStatsAction;
import dev.quiver.plugin.stats.TransportQuiverStatsAction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.mapper.MappingTransformer;
import org.opensearch.index.mapper.MetadataFieldMapper;
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
import org.opensearch.search.fetch.FetchSubPhase;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;

/**
 * Quiver's entry point: registers the {@code quiver_vector} and {@code quiver_multi_vector} fields
 * (and the mapping transformer that keeps the latter out of {@code _source}), the {@code
 * quiver_knn}, {@code quiver_maxsim} and {@code quiver_semantic} queries (with the fetch phase of
 * {@code return_chunk}), the codec that writes Quiver fields with Quiver's formats, the {@code
 * quiver_embed} processor and the models API. The embedding engine is created once, from the node's
 * environment, by whichever of OpenSearch's calls needs it first.
 */
public final class QuiverPlugin extends Plugin
    implements MapperPlugin, SearchPlugin, EnginePlugin, IngestPlugin, ActionPlugin {

  private final Settings settings;
  private EmbeddingEngine engine;
  private final MappedModels mappedModels = new MappedModels();
  private final HybridSearchFilter hybridSearch = new HybridSearchFilter();

  public QuiverPlugin(Settings settings) {
    this.settings = settings;
  }

  private synchronized EmbeddingEngine engine(Environment environment) {
    if (engine == null) {
      engine = new EmbeddingEngine(environment, settings);
    }
    return engine;
  }

  /** Query text is embedded by the engine once it exists; before that it is refused. */
  private CompletableFuture<float[]> embedQuery(String model, String text) {
    return engineOrFailure().thenCompose(e -> e.embed(model, text));
  }

  /** The engine once it exists; before that a failure. */
  private CompletableFuture<EmbeddingEngine> engineOrFailure() {
    EmbeddingEngine e;
    synchronized (this) {
      e = engine;
    }
    return e == null
        ? CompletableFuture.failedFuture(
            new IllegalStateException("the embedding engine of this node is not started"))
        : CompletableFuture.completedFuture(e);
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
    mappedModels.bind(clusterService, indexNameExpressionResolver);
    hybridSearch.bind(
        client, threadPool::getThreadContext, () -> clusterService.localNode().getId());
    EmbeddingEngine e = engine(environment);
    e.start(threadPool);
    return List.of(e);
  }

  @Override
  public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
    return InferencePools.builders(settings);
  }

  /**
   * The configuration of a model this node knows, null for an unknown one; before the engine exists
   * only the default model is known.
   */
  private ModelConfig modelConfig(String model) {
    EmbeddingEngine e;
    synchronized (this) {
      e = engine;
    }
    if (e == null) {
      return DefaultModel.NAME.equals(model) ? DefaultModel.config() : null;
    }
    return e.models().config(model);
  }

  @Override
  public Map<String, Mapper.TypeParser> getMappers() {
    return Map.of(
        QuiverVectorFieldMapper.CONTENT_TYPE,
        QuiverVectorFieldMapper.PARSER,
        QuiverMultiVectorFieldMapper.CONTENT_TYPE,
        QuiverMultiVectorFieldMapper.PARSER,
        QuiverSemanticFieldMapper.CONTENT_TYPE,
        QuiverSemanticFieldMapper.parser(this::modelConfig));
  }

  /** Checks that a semantic field's text and its vectors agree when a document is parsed. */
  @Override
  public Map<String, MetadataFieldMapper.TypeParser> getMetadataMappers() {
    return Map.of(SemanticCheckFieldMapper.NAME, SemanticCheckFieldMapper.PARSER);
  }

  /** Keeps multi-vectors out of {@code _source}; adds the semantic fields' companions. */
  @Override
  public List<MappingTransformer> getMappingTransformers() {
    return List.of(new MultiVectorSourceExcludes(), new SemanticCompanions(this::modelConfig));
  }

  @Override
  public List<QuerySpec<?>> getQueries() {
    QueryEmbedder embedder =
        new QueryEmbedder() {
          @Override
          public CompletableFuture<float[]> embed(String model, String text) {
            return embedQuery(model, text);
          }

          @Override
          public CompletableFuture<float[][]> embedTokens(String model, String text) {
            return engineOrFailure().thenCompose(e -> e.embedTokens(model, text));
          }

          @Override
          public String mappedModel(IndicesRequest search, String field) {
            return mappedModels.modelOf(search, field);
          }

          @Override
          public String semanticModel(IndicesRequest search, String field) {
            return mappedModels.semanticModelOf(search, field);
          }
        };
    return List.of(
        new QuerySpec<>(
            QuiverKnnQueryBuilder.NAME,
            in -> new QuiverKnnQueryBuilder(in, embedder),
            parser -> QuiverKnnQueryBuilder.fromXContent(parser, embedder)),
        new QuerySpec<>(
            QuiverMaxSimQueryBuilder.NAME,
            in -> new QuiverMaxSimQueryBuilder(in, embedder),
            parser -> QuiverMaxSimQueryBuilder.fromXContent(parser, embedder)),
        new QuerySpec<>(
            QuiverSemanticQueryBuilder.NAME,
            in -> new QuiverSemanticQueryBuilder(in, embedder),
            parser -> QuiverSemanticQueryBuilder.fromXContent(parser, embedder)),
        new QuerySpec<>(
            QuiverHybridQueryBuilder.NAME,
            QuiverHybridQueryBuilder::new,
            parser -> QuiverHybridQueryBuilder.fromXContent(parser, embedder)),
        new QuerySpec<>(
            QuiverFusedQueryBuilder.NAME,
            QuiverFusedQueryBuilder::new,
            QuiverFusedQueryBuilder::fromXContent));
  }

  /** {@code return_chunk} of {@code quiver_semantic}: the chunk each hit matched with. */
  @Override
  public List<FetchSubPhase> getFetchSubPhases(FetchPhaseConstructionContext context) {
    return List.of(new MatchedChunkFetchPhase());
  }

  /**
   * Runs searches whose top-level query is {@code quiver_hybrid}; names the document of each bulk
   * update item's partial document (for {@code quiver_semantic}'s carry-over).
   */
  @Override
  public List<ActionFilter> getActionFilters() {
    return List.of(hybridSearch, new UpdateItemIds());
  }

  @Override
  public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
    return Map.of(
        QuiverEmbedProcessor.TYPE,
        new QuiverEmbedProcessor.Factory(engine(parameters.env).models()));
  }

  /** Embeds the {@code quiver_semantic} fields of every index that maps some. */
  @Override
  public Map<String, Processor.Factory> getSystemIngestProcessors(Processor.Parameters parameters) {
    return Map.of(
        SemanticIngestProcessor.TYPE,
        new SemanticIngestProcessor.Factory(engine(parameters.env).models(), parameters.client));
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
    EmbeddingEngine e;
    synchronized (this) {
      e = engine;
    }
    RestQuiverStatsAction stats = new RestQuiverStatsAction();
    return e == null ? List.of(stats) : List.of(new RestModelsAction(e.models()), stats);
  }

  /** {@code GET _plugins/_quiver/stats}: a nodes action over every node's shard copies. */
  @Override
  public List<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
    return List.of(
        new ActionHandler<>(QuiverStatsAction.INSTANCE, TransportQuiverStatsAction.class));
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
    List<Setting<?>> all = new ArrayList<>(InferenceSettings.all());
    all.add(QuiverCodecEligibility.ENABLED);
    return all;
  }

  @Override
  public void close() throws IOException {
    EmbeddingEngine e;
    synchronized (this) {
      e = engine;
      engine = null;
    }
    if (e != null) {
      e.close();
    }
  }
}
