package dev.quiver.plugin.stats;

import java.io.IOException;
import org.opensearch.action.support.nodes.BaseNodesRequest;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.transport.TransportRequest;

/** The stats of the indices matching {@link #indices} (names or wildcards; all when empty). */
public final class QuiverStatsRequest extends BaseNodesRequest<QuiverStatsRequest> {

  private final String[] indices;

  /** Asks every node. */
  public QuiverStatsRequest(String[] indices) {
    super((String[]) null);
    this.indices = indices;
  }

  public QuiverStatsRequest(StreamInput in) throws IOException {
    super(in);
    this.indices = in.readStringArray();
  }

  public String[] indices() {
    return indices;
  }

  @Override
  public void writeTo(StreamOutput out) throws IOException {
    super.writeTo(out);
    out.writeStringArray(indices);
  }

  /** What each node is asked. */
  static final class NodeRequest extends TransportRequest {

    final String[] indices;

    NodeRequest(String[] indices) {
      this.indices = indices;
    }

    NodeRequest(StreamInput in) throws IOException {
      super(in);
      this.indices = in.readStringArray();
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
      super.writeTo(out);
      out.writeStringArray(indices);
    }
  }
}
