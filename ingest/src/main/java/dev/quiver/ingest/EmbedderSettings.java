package dev.quiver.ingest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link OnnxEmbedder} runs.
 *
 * @param intraOpThreads threads ONNX Runtime may use inside one model run (at least 1)
 * @param batchSize texts per model run (at least 1); bigger lists are split. Keep 1 (the default)
 *     for int8 dynamically-quantized models such as the default one: they quantize activations with
 *     one scale per batch, so a text's vector would depend on the other texts of its batch
 *     (measured on bge-small int8: cosine down to 0.996 against the same text embedded alone);
 *     float models can use larger batches for throughput
 * @param nativeCacheDir writable directory where the tokenizers native library is extracted
 */
public record EmbedderSettings(int intraOpThreads, int batchSize, Path nativeCacheDir) {

  /**
   * Default number of texts per model run: 1, so that a text always gets the same vector whatever
   * else is embedded with it.
   */
  public static final int DEFAULT_BATCH_SIZE = 1;

  /** Checks the values. */
  public EmbedderSettings {
    Objects.requireNonNull(nativeCacheDir, "nativeCacheDir");
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
  }

  /**
   * Settings with the default batch size.
   *
   * @param intraOpThreads threads ONNX Runtime may use inside one model run
   * @param nativeCacheDir writable directory for the tokenizers native library
   * @return the settings
   */
  public static EmbedderSettings of(int intraOpThreads, Path nativeCacheDir) {
    return new EmbedderSettings(intraOpThreads, DEFAULT_BATCH_SIZE, nativeCacheDir);
  }
}
