package dev.quiver.plugin.stats;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.opensearch.action.support.nodes.BaseNodeResponse;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

/** One node's answer: per index name and field, the {@link FieldStats} of its shard copies. */
public final class NodeVectorStats extends BaseNodeResponse {

  final Map<String, Map<String, FieldStats>> indices;

  NodeVectorStats(DiscoveryNode node, Map<String, Map<String, FieldStats>> indices) {
    super(node);
    this.indices = indices;
  }

  NodeVectorStats(StreamInput in) throws IOException {
    super(in);
    this.indices =
        new TreeMap<>(
            in.readMap(
                StreamInput::readString,
                i -> new TreeMap<>(i.readMap(StreamInput::readString, FieldStats::new))));
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    super.writeTo(out);
    out.writeMap(
        indices,
        StreamOutput::writeString,
        (o, fields) -> o.writeMap(fields, StreamOutput::writeString, (oo, f) -> f.writeTo(oo)));
  }
}
