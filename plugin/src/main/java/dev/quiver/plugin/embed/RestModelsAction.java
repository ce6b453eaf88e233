package dev.quiver.plugin.embed;

import java.util.List;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.transport.client.node.NodeClient;

/**
 * {@code GET _plugins/_quiver/models}: the models of the node that answers, with dimensions,
 * configuration and load state ({@code loading}, {@code loaded}, {@code failed} with the reason).
 */
public final class RestModelsAction extends BaseRestHandler {

  private final ModelRegistry models;

  public RestModelsAction(ModelRegistry models) {
    this.models = models;
  }

  @Override
  public String getName() {
    return "quiver_models";
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route(RestRequest.Method.GET, "/_plugins/_quiver/models"));
  }

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    return channel -> {
      XContentBuilder b = channel.newBuilder();
      b.startObject().startArray("models");
      for (ModelRegistry.ModelInfo info : models.describe()) {
        b.startObject();
        b.field("name", info.name());
        b.field("source", info.source());
        b.field("path", info.path().toString());
        b.field("state", info.state());
        b.field("texts_embedded", info.textsEmbedded());
        if (info.files() != null) {
          var c = info.files().config();
          b.field("dims", c.dims());
          if (c.pooling() != null) {
            b.field("pooling", c.pooling().configValue());
          }
          b.field("late_interaction", c.isLateInteraction());
          b.field("normalize", c.normalize());
          b.field("max_tokens", c.maxTokens());
          b.field("max_batch", c.maxBatch());
          b.field("query_prefix", c.queryPrefix());
          b.field("document_prefix", c.documentPrefix());
        }
        if (info.error() != null) {
          b.field("error", info.error());
        }
        b.endObject();
      }
      b.endArray().endObject();
      channel.sendResponse(new BytesRestResponse(RestStatus.OK, b));
    };
  }
}
