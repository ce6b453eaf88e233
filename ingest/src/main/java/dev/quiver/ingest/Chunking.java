package dev.quiver.ingest;

/**
 * How {@link OnnxEmbedder#chunkVectorsEach(java.util.List, TextKind, Chunking)} cuts a text into
 * chunks.
 *
 * <p>{@code maxTokens} counts every token the model sees for one chunk: the special tokens (such as
 * {@code [CLS]} and {@code [SEP]}), the model's prefix and the chunk's own text; it is at most the
 * model's {@code max_tokens}. {@code overlapTokens} counts the chunk's own (content) tokens it
 * shares with the previous chunk; a chunk may start a little earlier, at the start of a word, so it
 * can share a few more, and the overlap is capped below half of a chunk's room for text.
 *
 * @param enabled false: the text is one chunk, its start that fits in {@code maxTokens}
 * @param maxTokens tokens per chunk, special tokens and prefix included
 * @param overlapTokens content tokens a chunk shares with the previous one (0 for none)
 */
public record Chunking(boolean enabled, int maxTokens, int overlapTokens) {

  /**
   * @throws IllegalArgumentException if {@code maxTokens} is below 2 or {@code overlapTokens}
   *     negative
   */
  public Chunking {
    if (maxTokens < 2) {
      throw new IllegalArgumentException("max_tokens must be at least 2, got " + maxTokens);
    }
    if (overlapTokens < 0) {
      throw new IllegalArgumentException(
          "overlap_tokens must not be negative, got " + overlapTokens);
    }
  }
}
