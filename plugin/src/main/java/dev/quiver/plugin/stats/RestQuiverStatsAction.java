package dev.quiver.plugin.stats;

import dev.quiver.plugin.mapper.QuiverIndexOptions;
import dev.quiver.plugin.mapper.QuiverVectorFieldType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentReader;
import org.opensearch.common.lucene.Lucene;
import org.opensearch.common.regex.Regex;
import org.opensearch.core.common.Strings;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.mapper.MappedFieldType;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

/**
 * {@code GET _plugins/_quiver/stats[/<index>[,<index>..]]} (names or wildcards): per index and
 * {@code quiver_vector} field, the vectors and memory the shards held by the node that answers
 * hold.
 *
 * <pre>
 * {"indices": {"my-index": {"fields": {"embedding": {
 *     "type": "int1_hnsw", "bits": 1,
 *     "vectors": 4000, "ram_bytes": 406705, "disk_bytes": 6144000, "segments": 1,
 *     "primaries": {"vectors": 4000, "ram_bytes": 406705, "disk_bytes": 6144000, "segments": 1}}}}}}
 * </pre>
 *
 * <p>The top-level figures of a field sum every copy on this node (primaries and replicas), {@code
 * primaries} the primaries alone; see {@link FieldMemory} for what {@code ram_bytes} and {@code
 * disk_bytes} count. Only this node's shards are counted (a node-local view; on a cluster of
 * several nodes ask each node).
 */
public final class RestQuiverStatsAction extends BaseRestHandler {

  private final NodeShards shards;

  public RestQuiverStatsAction(NodeShards shards) {
    this.shards = shards;
  }

  @Override
  public String getName() {
    return "quiver_stats";
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route(RestRequest.Method.GET, "/_plugins/_quiver/stats"),
        new Route(RestRequest.Method.GET, "/_plugins/_quiver/stats/{index}"));
  }

  /** The figures of one field of one index. */
  private static final class FieldStats {
    final String type;
    final int bits;
    final FieldMemory total = new FieldMemory();
    final FieldMemory primaries = new FieldMemory();

    FieldStats(QuiverIndexOptions options) {
      this.type = options.type();
      this.bits = options.bits();
    }
  }

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    String[] patterns = Strings.splitStringByCommaToArray(request.param("index"));
    return channel -> {
      Map<String, Map<String, FieldStats>> indices = new TreeMap<>();
      for (IndexShard shard : shards.shards()) {
        String index = shard.shardId().getIndexName();
        if (patterns.length > 0 && Regex.simpleMatch(patterns, index) == false) {
          continue;
        }
        Map<String, FieldStats> fields = indices.computeIfAbsent(index, i -> new TreeMap<>());
        addShard(shard, fields);
      }
      for (String pattern : patterns) {
        if (Regex.isSimpleMatchPattern(pattern) == false && indices.containsKey(pattern) == false) {
          XContentBuilder error = channel.newErrorBuilder();
          error
              .startObject()
              .startObject("error")
              .field("type", "index_not_found_exception")
              .field("reason", "no such index [" + pattern + "] on this node")
              .field("index", pattern)
              .endObject()
              .field("status", RestStatus.NOT_FOUND.getStatus())
              .endObject();
          channel.sendResponse(new BytesRestResponse(RestStatus.NOT_FOUND, error));
          return;
        }
      }
      XContentBuilder b = channel.newBuilder();
      b.startObject().startObject("indices");
      for (Map.Entry<String, Map<String, FieldStats>> index : indices.entrySet()) {
        b.startObject(index.getKey()).startObject("fields");
        for (Map.Entry<String, FieldStats> field : index.getValue().entrySet()) {
          FieldStats s = field.getValue();
          b.startObject(field.getKey());
          b.field("type", s.type);
          b.field("bits", s.bits);
          s.total.toXContent(b);
          b.startObject("primaries");
          s.primaries.toXContent(b);
          b.endObject();
          b.endObject();
        }
        b.endObject().endObject();
      }
      b.endObject().endObject();
      channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
    };
  }

  /**
   * Adds a shard's segments to its index's fields (every mapped field, even before it has data).
   */
  private static void addShard(IndexShard shard, Map<String, FieldStats> fields)
      throws IOException {
    Map<String, FieldMemory> shardFields = new TreeMap<>();
    for (MappedFieldType type : shard.mapperService().fieldTypes()) {
      if (type.unwrap() instanceof QuiverVectorFieldType quiver) {
        fields.computeIfAbsent(quiver.name(), n -> new FieldStats(quiver.indexOptions()));
        shardFields.put(quiver.name(), new FieldMemory());
      }
    }
    if (shardFields.isEmpty()) {
      return;
    }
    try (Engine.Searcher searcher = shard.acquireSearcher("quiver_stats")) {
      for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
        SegmentReader segment = Lucene.segmentReader(leaf.reader());
        KnnVectorsReader vectors = segment.getVectorReader();
        for (FieldInfo info : segment.getFieldInfos()) {
          FieldMemory memory = shardFields.get(info.name);
          if (memory == null || info.hasVectorValues() == false || vectors == null) {
            continue;
          }
          FloatVectorValues values = segment.getFloatVectorValues(info.name);
          memory.add(
              values == null ? 0 : values.size(),
              vectors.getOffHeapByteSize(info),
              fields.get(info.name).bits < 32);
        }
      }
    }
    boolean primary = shard.routingEntry().primary();
    for (Map.Entry<String, FieldMemory> e : shardFields.entrySet()) {
      FieldStats s = fields.get(e.getKey());
      s.total.add(e.getValue());
      if (primary) {
        s.primaries.add(e.getValue());
      }
    }
  }
}
