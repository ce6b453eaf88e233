package dev.quiver.plugin.stats;

import java.util.List;
import org.opensearch.common.regex.Regex;
import org.opensearch.core.common.Strings;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.rest.BaseRestHandler;
import org.opensearch.rest.BytesRestResponse;
import org.opensearch.rest.RestRequest;
import org.opensearch.rest.RestResponse;
import org.opensearch.rest.action.RestBuilderListener;
import org.opensearch.transport.client.node.NodeClient;

/**
 * {@code GET _plugins/_quiver/stats[/<index>[,<index>..]]} (names or wildcards): per index and
 * {@code quiver_vector} field, the vectors and memory of its shard copies, summed over the nodes of
 * the cluster ({@link QuiverStatsAction}).
 *
 * <pre>
 * {"_nodes": {"total": 1, "successful": 1, "failed": 0},
 *  "indices": {"my-index": {"fields": {"embedding": {
 *     "type": "int1_hnsw", "bits": 1,
 *     "vectors": 4000, "ram_bytes": 406705, "disk_bytes": 6144000, "segments": 1,
 *     "primaries": {"vectors": 4000, "ram_bytes": 406705, "disk_bytes": 6144000, "segments": 1}}}}}}
 * </pre>
 *
 * <p>The top-level figures of a field sum every copy (primaries and replicas), {@code primaries}
 * the primaries alone; see {@link FieldMemory} for what {@code ram_bytes} and {@code disk_bytes}
 * count. A name (not a wildcard) that no node holds a shard of is a 404.
 */
public final class RestQuiverStatsAction extends BaseRestHandler {

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

  @Override
  protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
    String[] patterns = Strings.splitStringByCommaToArray(request.param("index"));
    return channel ->
        client.execute(
            QuiverStatsAction.INSTANCE,
            new QuiverStatsRequest(patterns),
            new RestBuilderListener<QuiverStatsResponse>(channel) {
              @Override
              public RestResponse buildResponse(QuiverStatsResponse response, XContentBuilder b)
                  throws Exception {
                var indices = response.indices();
                for (String pattern : patterns) {
                  if (Regex.isSimpleMatchPattern(pattern) == false
                      && indices.containsKey(pattern) == false) {
                    b.startObject()
                        .startObject("error")
                        .field("type", "index_not_found_exception")
                        .field("reason", "no shard of index [" + pattern + "] on any node")
                        .field("index", pattern)
                        .endObject()
                        .field("status", RestStatus.NOT_FOUND.getStatus())
                        .endObject();
                    return new BytesRestResponse(RestStatus.NOT_FOUND, b);
                  }
                }
                response.toXContent(b, ToXContent.EMPTY_PARAMS);
                return new BytesRestResponse(RestStatus.OK, b);
              }
            });
  }
}
