package dev.quiver.qa.peer;

import java.util.List;
import java.util.Map;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

/**
 * {@code GET _quiver_qa/context/{opaque_id}}: what the shard-level search and indexing saw of the
 * request context of the requests sent with that {@code X-Opaque-Id} ({@link ContextObservations}).
 */
final class RestContextObservationsAction extends BaseRestHandler {

  private final ContextObservations observations;

  RestContextObservationsAction(ContextObservations observations) {
    this.observations = observations;
  }

  @Override
  public String getName() {
    return "quiver_qa_context_observations";
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(RestRequest.Method.GET, "/_quiver_qa/context/{opaque_id}"));
  }

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    String opaqueId = request.param("opaque_id");
    return channel -> {
      XContentBuilder b = channel.newBuilder();
      b.startObject().startArray("observed");
      for (Map<String, Object> record : observations.of(opaqueId)) {
        b.map(record);
      }
      b.endArray().endObject();
      channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
    };
  }
}
