package dev.quiver.plugin.embed;

import java.util.List;
import org.opensearch.common.settings.Setting;

/**
 * Node settings of the embedding engine ({@code plugins.quiver.inference.*}) besides the pools'
 * sizes and queues, which {@link InferencePools} registers with the thread pool.
 */
public final class InferenceSettings {

  /** ONNX Runtime intra-op threads per inference call. */
  public static final Setting<Integer> INTRA_OP_THREADS =
      Setting.intSetting(
          "plugins.quiver.inference.intra_op_threads", 1, 1, 64, Setting.Property.NodeScope);

  private InferenceSettings() {}

  public static List<Setting<?>> all() {
    return List.of(INTRA_OP_THREADS);
  }
}
