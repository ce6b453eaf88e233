package dev.quiver.plugin.embed;

import java.util.List;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;

/** Node settings of the embedding engine ({@code plugins.quiver.inference.*}). */
public final class InferenceSettings {

  /** Threads that run inference; never transport or write threads. */
  public static final Setting<Integer> THREADS =
      new Setting<>(
          "plugins.quiver.inference.threads",
          s -> Integer.toString(Math.max(1, OpenSearchExecutors.allocatedProcessors(s) / 2)),
          s -> Setting.parseInt(s, 1, 256, "plugins.quiver.inference.threads"),
          Setting.Property.NodeScope);

  /** Embedding jobs that may wait for a thread before new ones are refused. */
  public static final Setting<Integer> QUEUE_SIZE =
      Setting.intSetting(
          "plugins.quiver.inference.queue_size", 1000, 1, Setting.Property.NodeScope);

  /** ONNX Runtime intra-op threads per inference call. */
  public static final Setting<Integer> INTRA_OP_THREADS =
      Setting.intSetting(
          "plugins.quiver.inference.intra_op_threads", 1, 1, 64, Setting.Property.NodeScope);

  private InferenceSettings() {}

  public static List<Setting<?>> all() {
    return List.of(THREADS, QUEUE_SIZE, INTRA_OP_THREADS);
  }
}
