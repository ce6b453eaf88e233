package dev.quiver.ingest;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.quiver.ingest.NativeTokenizer.Encoding;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A HuggingFace tokenizer read from a model's {@code tokenizer.json} (through DJL's JNI binding,
 * see {@link NativeTokenizer}), truncating each text to {@code maxTokens} tokens (special tokens
 * included) and padding each batch to its longest text; it can also cut a long text into pieces
 * that each fit ({@link #chunk}).
 *
 * <p>Thread-safe for {@link #encode} and {@link #chunk}; {@link #close} must not run concurrently
 * with them.
 */
public final class HfTokenizer implements AutoCloseable {

  /** The tokenizer that truncates and pads, for model input. */
  private final NativeTokenizer tokenizer;

  /** The same tokenizer without truncation or padding, to count and locate tokens. */
  private final NativeTokenizer untruncated;

  private final int maxTokens;

  /** Number of special tokens added to one sequence (2 for BERT: [CLS] and [SEP]). */
  private final int specialTokens;

  private HfTokenizer(NativeTokenizer tokenizer, NativeTokenizer untruncated, int maxTokens) {
    this.tokenizer = tokenizer;
    this.untruncated = untruncated;
    this.maxTokens = maxTokens;
    this.specialTokens = countTokens("");
  }

  /**
   * A text cut into consecutive pieces, each of which fits in {@code max_tokens} with the prefix
   * and the special tokens.
   *
   * @param texts the pieces, in order, without the prefix; concatenated they give back the text
   * @param prefixTokens per piece, how many of its leading content tokens come from the prefix when
   *     it is encoded as {@code prefix + piece}; not counted (0) for a text that fits as it is
   */
  record Chunks(List<String> texts, int[] prefixTokens) {}

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
    String json;
    try {
      json = Files.readString(tokenizerJson);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "cannot load tokenizer [" + tokenizerJson + "]: not UTF-8 (" + e + ")", e);
    }
    NativeTokenizer tokenizer = parse(tokenizerJson, json);
    try {
      tokenizer.truncateAndPad(maxTokens);
      NativeTokenizer untruncated = parse(tokenizerJson, json);
      try {
        return new HfTokenizer(tokenizer, untruncated.untruncatedUnpadded(), maxTokens);
      } catch (RuntimeException e) {
        untruncated.close();
        throw e;
      }
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  private static NativeTokenizer parse(Path tokenizerJson, String json) {
    try {
      return NativeTokenizer.fromJson(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot load tokenizer [" + tokenizerJson + "]: " + e.getMessage(), e);
    }
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
    if (inputs.length == 0) {
      return new TokenizedBatch(0, 0, new long[0], new long[0], new long[0], new boolean[0]);
    }
    Encoding[] encodings = tokenizer.encode(inputs, true);
    try {
      long[][] encIds = new long[encodings.length][];
      int length = 0;
      for (int i = 0; i < encodings.length; i++) {
        encIds[i] = encodings[i].ids();
        length = Math.max(length, encIds[i].length);
      }
      int size = encodings.length;
      long[] ids = new long[size * length];
      long[] mask = new long[size * length];
      long[] types = new long[size * length];
      boolean[] special = new boolean[size * length];
      Arrays.fill(special, true); // positions past a shorter encoding are padding
      for (int i = 0; i < size; i++) {
        Encoding encoding = encodings[i];
        long[] encMask = encoding.attentionMask();
        long[] encTypes = encoding.typeIds();
        long[] encSpecial = encoding.specialTokenMask();
        int offset = i * length;
        System.arraycopy(encIds[i], 0, ids, offset, encIds[i].length);
        System.arraycopy(encMask, 0, mask, offset, encMask.length);
        System.arraycopy(encTypes, 0, types, offset, encTypes.length);
        for (int j = 0; j < encSpecial.length; j++) {
          special[offset + j] = encSpecial[j] != 0;
        }
      }
      return new TokenizedBatch(size, length, ids, mask, types, special);
    } finally {
      Encoding.closeAll(encodings);
    }
  }

  /**
   * Cuts a text into consecutive pieces that each fit in {@code max_tokens} once the prefix and the
   * special tokens are added, so that none of its tokens is lost to truncation.
   *
   * <p>A text that fits as it is ({@code prefix + text}) is one piece, the text itself. Otherwise
   * the text is tokenized once without truncation, and pieces are cut greedily: each takes as many
   * tokens as fit, and is cut in the text at the start (from the tokenizer's character spans) of
   * the first token of the next piece, preferably where a new word of the tokenizer's
   * pre-tokenization begins (so that, for WordPiece, a piece re-tokenizes to exactly its tokens of
   * the whole text); only a word longer than a whole piece is cut inside. Each piece is then
   * tokenized as {@code prefix + piece} to check that it fits, and shortened if not (for tokenizers
   * whose tokens depend on where the text starts).
   *
   * @param prefix the prefix put in front of every piece (may be empty)
   * @param text the text
   * @param maxChunks the most pieces allowed
   * @return the pieces
   * @throws IllegalArgumentException if the text needs more than {@code maxChunks} pieces, or the
   *     prefix leaves no room for text
   */
  Chunks chunk(String prefix, String text, int maxChunks) {
    if (countTokens(prefix + text) <= maxTokens) {
      return new Chunks(List.of(text), new int[1]);
    }
    int prefixTokens = prefix.isEmpty() ? 0 : tokenCount(prefix, false);
    int room = maxTokens - specialTokens - prefixTokens;
    if (room < 1) {
      throw new IllegalArgumentException(
          "cannot be chunked: the prefix ("
              + prefixTokens
              + " tokens) and "
              + specialTokens
              + " special tokens leave no room for text in max_tokens "
              + maxTokens);
    }
    int n;
    long[] words;
    int[] starts;
    try (Encoding whole = untruncated.encode(text, false)) {
      n = whole.ids().length;
      if (n > (long) room * maxChunks) {
        throw tooManyChunks(n, room, maxChunks);
      }
      words = whole.wordIds();
      starts = charStarts(text, whole.charSpans());
    }
    int prefixCodePoints = prefix.codePointCount(0, prefix.length());
    List<String> texts = new ArrayList<>();
    List<Integer> prefixCounts = new ArrayList<>();
    int start = 0;
    int from = 0;
    while (start < n) {
      if (texts.size() == maxChunks) {
        throw tooManyChunks(n, room, maxChunks);
      }
      int end = Math.min(n, start + room);
      while (true) {
        if (end < n) {
          end = cutBefore(words, starts, start, end);
        }
        int to = end == n ? text.length() : starts[end];
        if (to < from) {
          throw new IllegalArgumentException(
              "cannot be chunked: the tokenizer gives no usable character position for token ["
                  + end
                  + "]");
        }
        String piece = text.substring(from, to);
        int excess;
        try (Encoding encoding = untruncated.encode(prefix + piece, true)) {
          excess = encoding.ids().length - maxTokens;
          if (excess <= 0) {
            prefixCounts.add(prefixContentTokens(encoding, prefixCodePoints));
          }
        }
        if (excess <= 0) {
          texts.add(piece);
          start = end;
          from = to;
          break;
        }
        if (end - start <= 1) {
          throw new IllegalArgumentException(
              "cannot be chunked: token ["
                  + start
                  + "] alone does not fit in max_tokens "
                  + maxTokens
                  + " with the prefix");
        }
        end = Math.max(start + 1, end - excess);
      }
    }
    return new Chunks(
        List.copyOf(texts), prefixCounts.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The number of tokens of a text, special tokens included, without truncation. */
  int countTokens(String text) {
    return tokenCount(text, true);
  }

  private int tokenCount(String text, boolean addSpecialTokens) {
    try (Encoding encoding = untruncated.encode(text, addSpecialTokens)) {
      return encoding.ids().length;
    }
  }

  private IllegalArgumentException tooManyChunks(int tokens, int room, int maxChunks) {
    return new IllegalArgumentException(
        "has "
            + tokens
            + " tokens, more than chunking allows: at most "
            + maxChunks
            + " chunks of at most "
            + room
            + " tokens each (max_tokens "
            + maxTokens
            + "); shorten or split the text, or truncate it");
  }

  /**
   * Where to cut before token {@code end} at the latest, after token {@code start}: the last token
   * in {@code (start, end]} that starts a new word and has a character span, else the last one with
   * a span, else {@code end}.
   */
  private static int cutBefore(long[] words, int[] starts, int start, int end) {
    int fallback = -1;
    for (int b = end; b > start; b--) {
      if (starts[b] < 0) {
        continue;
      }
      if (words[b] < 0 || words[b] != words[b - 1]) {
        return b;
      }
      if (fallback < 0) {
        fallback = b;
      }
    }
    return fallback < 0 ? end : fallback;
  }

  /**
   * The start of each token as a Java {@code char} index in the text, or -1 for tokens without a
   * span. DJL reports spans in Unicode code points, which differ from {@code char} indexes after a
   * supplementary character (such as an emoji).
   */
  private static int[] charStarts(String text, CharSpan[] spans) {
    int codePoints = text.codePointCount(0, text.length());
    int[] utf16 = null;
    if (codePoints != text.length()) {
      utf16 = new int[codePoints + 1];
      for (int cp = 0, i = 0; cp <= codePoints; cp++) {
        utf16[cp] = i;
        if (i < text.length()) {
          i += Character.charCount(text.codePointAt(i));
        }
      }
    }
    int[] starts = new int[spans.length];
    for (int t = 0; t < spans.length; t++) {
      CharSpan span = spans[t];
      if (span == null || span.getStart() < 0 || span.getStart() > codePoints) {
        starts[t] = -1;
      } else {
        starts[t] = utf16 == null ? span.getStart() : utf16[span.getStart()];
      }
    }
    return starts;
  }

  /** Content (non-special) tokens of an encoding that start inside the prefix. */
  private static int prefixContentTokens(Encoding encoding, int prefixCodePoints) {
    if (prefixCodePoints == 0) {
      return 0;
    }
    long[] special = encoding.specialTokenMask();
    CharSpan[] spans = encoding.charSpans();
    int count = 0;
    for (int t = 0; t < special.length; t++) {
      if (special[t] == 0 && spans[t] != null && spans[t].getStart() < prefixCodePoints) {
        count++;
      }
    }
    return count;
  }

  /** Releases the native tokenizers. */
  @Override
  public void close() {
    try {
      tokenizer.close();
    } finally {
      untruncated.close();
    }
  }
}
