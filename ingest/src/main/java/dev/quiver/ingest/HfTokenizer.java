package dev.quiver.ingest;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A HuggingFace tokenizer read from a model's {@code tokenizer.json} (through DJL's JNI binding),
 * truncating each text to {@code maxTokens} tokens (special tokens included) and padding each batch
 * to its longest text.
 *
 * <p>Thread-safe for {@link #encode}; {@link #close} must not run concurrently with it.
 */
public final class HfTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;

  private HfTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens) {
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
  }

  /**
   * Loads a tokenizer, first loading the native library (see {@link TokenizerNativeLibrary}).
   *
   * @param tokenizerJson the {@code tokenizer.json} file
   * @param maxTokens the maximum number of tokens per text, special tokens included
   * @param nativeCacheDir a writable directory for the native library
   * @return the tokenizer
   * @throws IOException if a file cannot be read or the library cannot be extracted
   * @throws IllegalArgumentException if the tokenizer file is missing or invalid
   */
  public static HfTokenizer open(Path tokenizerJson, int maxTokens, Path nativeCacheDir)
      throws IOException {
    if (maxTokens < 2) {
      throw new IllegalArgumentException("maxTokens must be at least 2, got " + maxTokens);
    }
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException("tokenizer file [" + tokenizerJson + "] not found");
    }
    TokenizerNativeLibrary.load(nativeCacheDir);
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", "true",
            "truncation", "true",
            "padding", "true",
            "maxLength", Integer.toString(maxTokens),
            "modelMaxLength", Integer.toString(maxTokens));
    HuggingFaceTokenizer tokenizer =
        TokenizerNativeLibrary.withContextClassLoader(
            HuggingFaceTokenizer.class.getClassLoader(),
            () -> {
              try {
                return HuggingFaceTokenizer.newInstance(tokenizerJson, options);
              } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                    "cannot load tokenizer [" + tokenizerJson + "]: " + e.getMessage(), e);
              }
            });
    return new HfTokenizer(tokenizer, maxTokens);
  }

  /**
   * The maximum number of tokens per text.
   *
   * @return max tokens, special tokens included
   */
  public int maxTokens() {
    return maxTokens;
  }

  /**
   * Tokenizes a batch of texts.
   *
   * @param texts the texts, none null
   * @return ids, masks and special-token flags padded to the longest text
   */
  public TokenizedBatch encode(List<String> texts) {
    String[] inputs = new String[texts.size()];
    for (int i = 0; i < inputs.length; i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("text [" + i + "] is null");
      }
      inputs[i] = text;
    }
    Encoding[] encodings = inputs.length == 0 ? new Encoding[0] : tokenizer.batchEncode(inputs);
    int length = 0;
    for (Encoding encoding : encodings) {
      length = Math.max(length, encoding.getIds().length);
    }
    int size = encodings.length;
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    long[] types = new long[size * length];
    boolean[] special = new boolean[size * length];
    Arrays.fill(special, true); // positions past a shorter encoding are padding
    for (int i = 0; i < size; i++) {
      Encoding encoding = encodings[i];
      long[] encIds = encoding.getIds();
      long[] encMask = encoding.getAttentionMask();
      long[] encTypes = encoding.getTypeIds();
      long[] encSpecial = encoding.getSpecialTokenMask();
      int offset = i * length;
      System.arraycopy(encIds, 0, ids, offset, encIds.length);
      System.arraycopy(encMask, 0, mask, offset, encMask.length);
      System.arraycopy(encTypes, 0, types, offset, encTypes.length);
      for (int j = 0; j < encSpecial.length; j++) {
        special[offset + j] = encSpecial[j] != 0;
      }
    }
    return new TokenizedBatch(size, length, ids, mask, types, special);
  }

  /** Releases the native tokenizer. */
  @Override
  public void close() {
    tokenizer.close();
  }
}
