package dev.quiver.plugin.stats;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.index.shard.IndexEventListener;
import org.opensearch.index.shard.IndexShard;

/**
 * The shards this node holds, started and not yet closed, as the index modules' event listener sees
 * them: what {@link RestQuiverStatsAction} reads its figures from.
 */
public final class NodeShards implements IndexEventListener {

  private final ConcurrentMap<ShardId, IndexShard> shards = new ConcurrentHashMap<>();

  @Override
  public void afterIndexShardStarted(IndexShard indexShard) {
    shards.put(indexShard.shardId(), indexShard);
  }

  @Override
  public void beforeIndexShardClosed(ShardId shardId, IndexShard indexShard, Settings settings) {
    shards.remove(shardId);
  }

  /** The shards now held, in no particular order. */
  public List<IndexShard> shards() {
    return List.copyOf(shards.values());
  }
}
