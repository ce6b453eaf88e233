package dev.quiver.ingest;

/**
 * Token ids of a batch of texts, padded to one length, laid out row-major ({@code [size, length]})
 * so they can be handed to ONNX Runtime as they are.
 *
 * <p>{@code special[i * length + j]} is true for the special tokens the tokenizer added (such as
 * {@code [CLS]} and {@code [SEP]}) and for padding.
 */
public final class TokenizedBatch {

  private final int size;
  private final int length;
  private final long[] inputIds;
  private final long[] attentionMask;
  private final long[] typeIds;
  private final boolean[] special;

  TokenizedBatch(
      int size,
      int length,
      long[] inputIds,
      long[] attentionMask,
      long[] typeIds,
      boolean[] special) {
    int cells = Math.multiplyExact(size, length);
    if (inputIds.length != cells
        || attentionMask.length != cells
        || typeIds.length != cells
        || special.length != cells) {
      throw new IllegalArgumentException("arrays must have size * length entries");
    }
    this.size = size;
    this.length = length;
    this.inputIds = inputIds;
    this.attentionMask = attentionMask;
    this.typeIds = typeIds;
    this.special = special;
  }

  /**
   * Number of texts.
   *
   * @return the batch size
   */
  public int size() {
    return size;
  }

  /**
   * Number of token positions per text, padding included.
   *
   * @return the padded sequence length
   */
  public int length() {
    return length;
  }

  /**
   * Token ids, row-major {@code [size, length]}. Not copied: do not modify.
   *
   * @return the ids
   */
  public long[] inputIds() {
    return inputIds;
  }

  /**
   * Attention mask (1 for real tokens, 0 for padding), row-major. Not copied: do not modify.
   *
   * @return the mask
   */
  public long[] attentionMask() {
    return attentionMask;
  }

  /**
   * Token type (segment) ids, row-major. Not copied: do not modify.
   *
   * @return the type ids
   */
  public long[] typeIds() {
    return typeIds;
  }

  /**
   * Whether the token at a position is an added special token or padding.
   *
   * @param text the text index
   * @param position the token position
   * @return true for special tokens and padding
   */
  public boolean isSpecial(int text, int position) {
    return special[text * length + position];
  }

  /**
   * Whether the token at a position is a real token of the text: attended, not special.
   *
   * @param text the text index
   * @param position the token position
   * @return true for content tokens
   */
  public boolean isContent(int text, int position) {
    int i = text * length + position;
    return attentionMask[i] != 0 && !special[i];
  }

  /**
   * Number of attended positions (special tokens included, padding excluded) of a text.
   *
   * @param text the text index
   * @return the count
   */
  public int attendedTokens(int text) {
    int count = 0;
    for (int j = 0; j < length; j++) {
      if (attentionMask[text * length + j] != 0) {
        count++;
      }
    }
    return count;
  }

  /**
   * Number of content tokens (attended, not special) of a text.
   *
   * @param text the text index
   * @return the count
   */
  public int contentTokens(int text) {
    int count = 0;
    for (int j = 0; j < length; j++) {
      if (isContent(text, j)) {
        count++;
      }
    }
    return count;
  }
}
