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
 * <p>A very long text is not tokenized whole when only its start matters: {@link #truncationCut}
 * finds a start of it that truncates to the same tokens, and {@link #chunk} tells from a start of
 * it that a text has too many tokens to chunk.
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

  /** The id the tokenizer pads with (0 if it shows none). */
  private final long padId;

  /**
   * Characters per token assumed for the first try at cutting a long text before tokenization
   * ({@link #cutAfter}): English averages 4 to 5 per token with BERT's vocabulary, so 8 leaves a
   * margin; a text that needs more is cut again at twice the length, and so on.
   */
  static final int CHARS_PER_TOKEN = 8;

  private HfTokenizer(NativeTokenizer tokenizer, NativeTokenizer untruncated, int maxTokens) {
    this.tokenizer = tokenizer;
    this.untruncated = untruncated;
    this.maxTokens = maxTokens;
    this.specialTokens = countTokens("");
    this.padId = padId(tokenizer);
  }

  /** The id at a padded position when the tokenizer pads a short text to a longer one. */
  private static long padId(NativeTokenizer tokenizer) {
    Encoding[] pair = tokenizer.encode(new String[] {"", "a b c d"}, true);
    try {
      long[] mask = pair[0].attentionMask();
      long[] ids = pair[0].ids();
      for (int j = 0; j < mask.length; j++) {
        if (mask[j] == 0) {
          return ids[j];
        }
      }
      return 0;
    } finally {
      Encoding.closeAll(pair);
    }
  }

  /**
   * One text tokenized for model input (truncated, not padded), copied out of the native library.
   *
   * @param ids token ids
   * @param attentionMask 1 per token to attend to
   * @param typeIds segment (token type) ids
   * @param specialTokenMask 1 per special token
   */
  record Tokens(long[] ids, long[] attentionMask, long[] typeIds, long[] specialTokenMask) {}

  /**
   * A text cut into consecutive pieces, each of which fits in {@code max_tokens} with the prefix
   * and the special tokens.
   *
   * @param texts the pieces, in order, without the prefix; without overlap, concatenated they give
   *     back the text
   * @param prefixTokens per piece, how many of its leading content tokens come from the prefix when
   *     it is encoded as {@code prefix + piece}; not counted (0) for a text that fits as it is
   * @param starts per piece, the {@code char} index in the text where it starts
   * @param ends per piece, the {@code char} index in the text where it ends (exclusive): piece
   *     {@code c} is {@code text.substring(starts[c], ends[c])}
   */
  record Chunks(List<String> texts, int[] prefixTokens, int[] starts, int[] ends) {

    /** Pieces that follow each other without overlap from the start of the text. */
    Chunks(List<String> texts, int[] prefixTokens) {
      this(texts, prefixTokens, new int[texts.size()], new int[texts.size()]);
      int at = 0;
      for (int c = 0; c < texts.size(); c++) {
        starts[c] = at;
        at += texts.get(c).length();
        ends[c] = at;
      }
    }
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
   * Tokenizes a batch of texts: each text alone, then padded to the longest.
   *
   * @param texts the texts, none null
   * @return ids, masks and special-token flags padded to the longest text
   */
  public TokenizedBatch encode(List<String> texts) {
    List<Tokens> encodings = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("text [" + i + "] is null");
      }
      encodings.add(encodeOne(text));
    }
    return pad(encodings);
  }

  /**
   * Tokenizes one text, truncated to {@code maxTokens}, not padded.
   *
   * @param text the text
   * @return its tokens
   */
  Tokens encodeOne(String text) {
    try (Encoding encoding = tokenizer.encode(text, true)) {
      return new Tokens(
          encoding.ids(),
          encoding.attentionMask(),
          encoding.typeIds(),
          encoding.specialTokenMask());
    }
  }

  /**
   * Lays encodings out as one batch, padded (with the tokenizer's pad id, attention mask 0) to the
   * longest.
   *
   * @param encodings encodings from {@link #encodeOne}
   * @return the batch
   */
  TokenizedBatch pad(List<Tokens> encodings) {
    int length = 0;
    for (Tokens encoding : encodings) {
      length = Math.max(length, encoding.ids().length);
    }
    int size = encodings.size();
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    long[] types = new long[size * length];
    boolean[] special = new boolean[size * length];
    Arrays.fill(special, true); // positions past a shorter encoding are padding
    if (padId != 0) {
      Arrays.fill(ids, padId);
    }
    for (int i = 0; i < size; i++) {
      Tokens encoding = encodings.get(i);
      long[] encIds = encoding.ids();
      long[] encMask = encoding.attentionMask();
      long[] encTypes = encoding.typeIds();
      long[] encSpecial = encoding.specialTokenMask();
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

  /**
   * The text, or a start of it that gives exactly the same tokens once {@code prefix + text} is
   * truncated to {@code maxTokens}: so that a text of megabytes costs the tokenizer a few thousand
   * characters, not the whole text.
   *
   * @param prefix the prefix put in front of the text
   * @param text the text
   * @return the text or a start of it, same tokens after truncation
   */
  public String truncationCut(String prefix, String text) {
    return cutAfter(prefix, text, Math.max(1, maxTokens - specialTokens));
  }

  /**
   * The shortest start of {@code text}, among cuts at {@code tokens * CHARS_PER_TOKEN} characters,
   * then twice, four times that and so on, whose first {@code tokens} tokens (after {@code head},
   * special tokens left out) are certainly those of the whole text; or the text itself when no
   * shorter cut is known to be.
   *
   * <p>A token is certain when it belongs to a word (of the tokenizer's pre-tokenization, such as
   * whitespace and punctuation splits) before the last word of the cut, since only the last word
   * can change when the text goes on: the pre-tokenizers and normalizers of BERT, byte-level BPE
   * and SentencePiece models decide a word from its own characters and their neighbours. A
   * tokenizer that reports no words gets the whole text.
   */
  String cutAfter(String head, String text, long tokens) {
    long bound = tokens * CHARS_PER_TOKEN;
    while (bound < text.length()) {
      int end = (int) bound;
      if (Character.isHighSurrogate(text.charAt(end - 1))) {
        end--; // do not split a surrogate pair
      }
      String cut = text.substring(0, end);
      if (certainTokens(head + cut) >= tokens) {
        return cut;
      }
      bound *= 2;
    }
    return text;
  }

  /** Tokens (special tokens left out) of the text before the first token of its last word. */
  private int certainTokens(String text) {
    long[] words;
    try (Encoding encoding = untruncated.encode(text, false)) {
      words = encoding.wordIds();
    }
    if (words.length == 0 || words[words.length - 1] < 0) {
      return 0;
    }
    long last = words[words.length - 1];
    for (int t = 0; t < words.length; t++) {
      if (words[t] == last) {
        return t;
      }
    }
    return 0;
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
   *     <p>A text of more characters than {@code maxChunks} pieces can plausibly hold is first
   *     checked on a start of it ({@link #cutAfter}): one that already has too many tokens is
   *     refused without tokenizing the rest.
   * @throws IllegalArgumentException if the text needs more than {@code maxChunks} pieces, or the
   *     prefix leaves no room for text
   */
  Chunks chunk(String prefix, String text, int maxChunks) {
    return chunk(prefix, text, maxChunks, maxTokens, 0);
  }

  /**
   * Cuts a text as {@link #chunk(String, String, int)} does, into pieces of at most {@code limit}
   * tokens each ({@code prefix + piece} with the special tokens, as the model sees it; at most
   * {@link #maxTokens()}), each piece after the first starting about {@code overlap} content tokens
   * before the end of the previous one (moved back to the start of a word, so a piece may share a
   * few tokens more; none when {@code overlap} is 0). Chunks are cut greedily from the start; the
   * last ends at the end of the text.
   *
   * @param prefix the prefix put in front of every piece (may be empty)
   * @param text the text
   * @param maxChunks the most pieces allowed
   * @param limit tokens per piece, prefix and special tokens included
   * @param overlap content tokens a piece shares with the previous one, less than half the room a
   *     piece has for text
   * @return the pieces with their character offsets in the text
   * @throws IllegalArgumentException if {@code limit} exceeds {@link #maxTokens()}, the text needs
   *     more than {@code maxChunks} pieces, or the prefix leaves no room for text
   */
  Chunks chunk(String prefix, String text, int maxChunks, int limit, int overlap) {
    if (limit > maxTokens || limit < 2) {
      throw new IllegalArgumentException(
          "cannot be chunked at max_tokens " + limit + ": the model takes 2 to " + maxTokens);
    }
    if (overlap < 0) {
      throw new IllegalArgumentException("overlap must not be negative, got " + overlap);
    }
    int maxTokens = limit;
    int prefixTokens = prefix.isEmpty() ? 0 : tokenCount(prefix, false);
    int room = maxTokens - specialTokens - prefixTokens;
    if (room >= 1 && overlap > 0) {
      overlap = Math.min(overlap, (room - 1) / 2);
    }
    int step = Math.max(1, room - overlap);
    long allowed = (long) Math.max(room, 0) * maxChunks;
    if (room >= 1 && cutAfter("", text, allowed + 1) != text) {
      throw tooManyChunks("more than " + allowed, room, maxChunks, maxTokens);
    }
    if (countTokens(prefix + text) <= maxTokens) {
      return new Chunks(List.of(text), new int[1]);
    }
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
        throw tooManyChunks(Integer.toString(n), room, maxChunks, maxTokens);
      }
      words = whole.wordIds();
      starts = charStarts(text, whole.charSpans());
    }
    int prefixCodePoints = prefix.codePointCount(0, prefix.length());
    List<String> texts = new ArrayList<>();
    List<Integer> prefixCounts = new ArrayList<>();
    List<Integer> pieceStarts = new ArrayList<>();
    List<Integer> pieceEnds = new ArrayList<>();
    int start = 0;
    int from = 0;
    while (start < n) {
      if (texts.size() == maxChunks) {
        throw tooManyChunks(Integer.toString(n), step, maxChunks, maxTokens);
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
          pieceStarts.add(from);
          pieceEnds.add(to);
          int next = end;
          if (overlap > 0 && end < n && end - overlap > start) {
            next = cutBefore(words, starts, start, end - overlap);
          }
          if (next != end && (starts[next] < from || starts[next] >= to)) {
            next = end; // no usable character position to overlap from
          }
          start = next;
          from = next == end ? to : starts[next];
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
        List.copyOf(texts),
        prefixCounts.stream().mapToInt(Integer::intValue).toArray(),
        pieceStarts.stream().mapToInt(Integer::intValue).toArray(),
        pieceEnds.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * The first piece {@link #chunk(String, String, int, int, int)} would cut at {@code limit}
   * tokens: the start of the text that fits in {@code limit} tokens with the prefix and the special
   * tokens, cut before a word (the text itself if it fits), at offsets {@code [0, end)}. Only a
   * start of a long text is tokenized ({@link #cutAfter}).
   *
   * @param prefix the prefix put in front of the piece
   * @param text the text
   * @param limit tokens of the piece, prefix and special tokens included
   * @return one piece
   */
  Chunks firstChunk(String prefix, String text, int limit) {
    int prefixTokens = prefix.isEmpty() ? 0 : tokenCount(prefix, false);
    int room = limit - specialTokens - prefixTokens;
    String cut = room < 1 ? text : cutAfter("", text, room + 1L);
    Chunks all = chunk(prefix, cut, Integer.MAX_VALUE, limit, 0);
    return new Chunks(
        List.of(all.texts().get(0)),
        new int[] {all.prefixTokens()[0]},
        new int[] {0},
        new int[] {all.ends()[0]});
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

  private static IllegalArgumentException tooManyChunks(
      String tokens, int room, int maxChunks, int maxTokens) {
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
