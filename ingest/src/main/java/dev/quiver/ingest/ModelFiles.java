package dev.quiver.ingest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The checked files of one model: its directory (a real path inside the models root), the ONNX
 * graph, the tokenizer and the parsed configuration. Made by {@link ModelDirectory#resolve}.
 *
 * @param name the model name
 * @param directory the model directory (real path)
 * @param config the parsed {@code quiver-model.json}
 */
public record ModelFiles(String name, Path directory, ModelConfig config) {

  /** The ONNX graph file name inside a model directory. */
  public static final String ONNX_FILE = "model.onnx";

  /** The HuggingFace tokenizer file name inside a model directory. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** Checks for nulls. */
  public ModelFiles {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(config, "config");
  }

  /**
   * The ONNX graph.
   *
   * @return {@code <directory>/model.onnx}
   */
  public Path onnx() {
    return directory.resolve(ONNX_FILE);
  }

  /**
   * The tokenizer.
   *
   * @return {@code <directory>/tokenizer.json}
   */
  public Path tokenizer() {
    return directory.resolve(TOKENIZER_FILE);
  }

  /**
   * The projection head of a late-interaction model, if its configuration names one.
   *
   * @return {@code <directory>/<late_interaction.projection>}, or null if there is none
   */
  public Path projection() {
    LateInteraction late = config.lateInteraction();
    return late == null || late.projection().isEmpty()
        ? null
        : directory.resolve(late.projection());
  }
}
