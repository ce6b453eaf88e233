package dev.quiver.plugin.stats;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.nodes.BaseNodesResponse;
import org.opensearch.cluster.ClusterName;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * The nodes' {@link NodeVectorStats} summed per index and field:
 *
 * <pre>
 * {"_nodes": {"total": 1, "successful": 1, "failed": 0},
 *  "indices": {"&lt;index&gt;": {"fields": {"&lt;field&gt;": {"field_type": .., "type": .., "bits": ..,
 *      "stored_vectors": .. (multi-vector), "vectors": .., "ram_bytes": .., "disk_bytes": ..,
 *      "stored_vectors_bytes": .. (multi-vector), "segments": .., "primaries": {..}}}}}}
 * </pre>
 */
public final class QuiverStatsResponse extends BaseNodesResponse<NodeVectorStats>
    implements ToXContentObject {

  QuiverStatsResponse(
      ClusterName cluster, List<NodeVectorStats> nodes, List<FailedNodeException> failures) {
    super(cluster, nodes, failures);
  }

  QuiverStatsResponse(StreamInput in) throws IOException {
    super(in);
  }

  @Override
  protected List<NodeVectorStats> readNodesFrom(StreamInput in) throws IOException {
    return in.readList(NodeVectorStats::new);
  }

  @Override
  protected void writeNodesTo(StreamOutput out, List<NodeVectorStats> nodes) throws IOException {
    out.writeList(nodes);
  }

  /** Every node's figures, summed per index and field. */
  Map<String, Map<String, FieldStats>> indices() {
    Map<String, Map<String, FieldStats>> sum = new TreeMap<>();
    for (NodeVectorStats node : getNodes()) {
      for (Map.Entry<String, Map<String, FieldStats>> index : node.indices.entrySet()) {
        Map<String, FieldStats> fields = sum.computeIfAbsent(index.getKey(), k -> new TreeMap<>());
        for (Map.Entry<String, FieldStats> field : index.getValue().entrySet()) {
          FieldStats s = field.getValue();
          fields.computeIfAbsent(field.getKey(), k -> s.emptyCopy()).add(s);
        }
      }
    }
    return sum;
  }

  @Override
  public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
    b.startObject();
    b.startObject("_nodes");
    b.field("total", getNodes().size() + failures().size());
    b.field("successful", getNodes().size());
    b.field("failed", failures().size());
    b.endObject();
    b.startObject("indices");
    for (Map.Entry<String, Map<String, FieldStats>> index : indices().entrySet()) {
      b.startObject(index.getKey()).startObject("fields");
      for (Map.Entry<String, FieldStats> field : index.getValue().entrySet()) {
        b.startObject(field.getKey());
        field.getValue().toXContent(b);
        b.endObject();
      }
      b.endObject().endObject();
    }
    b.endObject();
    return b.endObject();
  }
}
