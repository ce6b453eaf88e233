package dev.quiver.plugin.embed;

import java.util.Set;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.node.DiscoveryNodeRole;
import org.opensearch.common.settings.Settings;

/**
 * Which nodes load Quiver's models: those where inference runs. {@code quiver_embed} runs on ingest
 * nodes; {@code query_text} is embedded by the node that coordinates the search, which clients
 * reach through data nodes or coordinating-only nodes. So a node loads its models when it has the
 * {@code ingest} role or a role that holds data ({@code data}, {@code search}, {@code warm}), or no
 * role at all (a coordinating-only node). A node with none of these (a dedicated cluster-manager
 * node, say) lists its models as {@code not_loaded} and refuses to embed, with this reason.
 */
public final class InferenceNodes {

  /** Why a node does not load models. */
  static final String NOT_LOADED_REASON =
      "this node does not load models: Quiver loads them only on nodes with the ingest, data,"
          + " search or warm role, or on coordinating-only nodes (node.roles: []); send the"
          + " request to such a node or send a [vector] instead of [query_text]";

  private InferenceNodes() {}

  /** Whether a node with these settings loads models. */
  public static boolean loadsModels(Settings settings) {
    Set<DiscoveryNodeRole> roles = DiscoveryNode.getRolesFromSettings(settings);
    return roles.isEmpty()
        || roles.stream()
            .anyMatch(r -> r.canContainData() || r.equals(DiscoveryNodeRole.INGEST_ROLE));
  }
}
