package dev.quiver.ingest;

/**
 * What the embedder does with a text that has more tokens than the model's {@code max_tokens}
 * (special tokens and prefix included). Texts that fit are embedded the same way, bit for bit, with
 * either option.
 */
public enum LongText {

  /** Keep the first {@code max_tokens} tokens (the final special token kept) and drop the rest. */
  TRUNCATE,

  /**
   * Cut the text into consecutive chunks that each fit in {@code max_tokens} with the prefix and
   * the special tokens, and embed each chunk alone (see {@link OnnxEmbedder#embed(java.util.List,
   * TextKind, LongText)} for how chunks are cut and combined). A text needing more than {@link
   * OnnxEmbedder#MAX_CHUNKS} chunks is an error.
   */
  CHUNK
}
