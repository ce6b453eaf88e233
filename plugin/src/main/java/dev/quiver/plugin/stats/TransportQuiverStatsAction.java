package dev.quiver.plugin.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.regex.Regex;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.index.IndexService;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.index.shard.IndexShardState;
import org.opensearch.indices.IndicesService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Asks every node for the {@code quiver_vector} figures of the shard copies it holds (started or
 * relocating), on the management pool, and sums them ({@link QuiverStatsResponse}).
 */
public final class TransportQuiverStatsAction
    extends TransportNodesAction<
        QuiverStatsRequest, QuiverStatsResponse, QuiverStatsRequest.NodeRequest, NodeVectorStats> {

  private final IndicesService indices;

  @Inject
  public TransportQuiverStatsAction(
      ThreadPool threadPool,
      ClusterService clusterService,
      TransportService transportService,
      ActionFilters actionFilters,
      IndicesService indices) {
    super(
        QuiverStatsAction.NAME,
        threadPool,
        clusterService,
        transportService,
        actionFilters,
        QuiverStatsRequest::new,
        QuiverStatsRequest.NodeRequest::new,
        ThreadPool.Names.MANAGEMENT,
        NodeVectorStats.class);
    this.indices = indices;
  }

  @Override
  protected QuiverStatsResponse newResponse(
      QuiverStatsRequest request, List<NodeVectorStats> nodes, List<FailedNodeException> failed) {
    return new QuiverStatsResponse(clusterService.getClusterName(), nodes, failed);
  }

  @Override
  protected QuiverStatsRequest.NodeRequest newNodeRequest(QuiverStatsRequest request) {
    return new QuiverStatsRequest.NodeRequest(request.indices());
  }

  @Override
  protected NodeVectorStats newNodeResponse(StreamInput in) throws IOException {
    return new NodeVectorStats(in);
  }

  @Override
  protected NodeVectorStats nodeOperation(QuiverStatsRequest.NodeRequest request) {
    Map<String, Map<String, FieldStats>> result = new TreeMap<>();
    for (IndexService index : indices) {
      String name = index.index().getName();
      if (request.indices.length > 0 && Regex.simpleMatch(request.indices, name) == false) {
        continue;
      }
      Map<String, FieldStats> fields = result.computeIfAbsent(name, n -> new TreeMap<>());
      for (IndexShard shard : index) {
        IndexShardState state = shard.state();
        if (state != IndexShardState.STARTED && state != IndexShardState.POST_RECOVERY) {
          continue;
        }
        try {
          ShardVectorStats.add(shard, fields);
        } catch (IOException e) {
          throw new UncheckedIOException("stats of " + shard.shardId(), e);
        }
      }
    }
    return new NodeVectorStats(clusterService.localNode(), result);
  }
}
