package dev.quiver.ingest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link OnnxEmbedder} runs. How many texts share a model run is the model's own setting
 * ({@link ModelConfig#maxBatch()}), since only the model's kind tells whether batching changes its
 * vectors.
 *
 * @param intraOpThreads threads ONNX Runtime may use inside one model run (at least 1)
 * @param nativeCacheDir writable directory where the tokenizers native library is extracted
 */
public record EmbedderSettings(int intraOpThreads, Path nativeCacheDir) {

  /** Checks the values. */
  public EmbedderSettings {
    Objects.requireNonNull(nativeCacheDir, "nativeCacheDir");
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }

  /**
   * The settings.
   *
   * @param intraOpThreads threads ONNX Runtime may use inside one model run
   * @param nativeCacheDir writable directory for the tokenizers native library
   * @return the settings
   */
  public static EmbedderSettings of(int intraOpThreads, Path nativeCacheDir) {
    return new EmbedderSettings(intraOpThreads, nativeCacheDir);
  }
}
