package dev.quiver.plugin.stats;

import org.opensearch.action.ActionType;

/** {@code GET _plugins/_quiver/stats}: every node's {@link NodeVectorStats}, summed. */
public final class QuiverStatsAction extends ActionType<QuiverStatsResponse> {

  public static final String NAME = "cluster:monitor/quiver/stats";
  public static final QuiverStatsAction INSTANCE = new QuiverStatsAction();

  private QuiverStatsAction() {
    super(NAME, QuiverStatsResponse::new);
  }
}
