package dev.quiver.ingest;

import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A HuggingFace tokenizer ({@code tokenizer.json}) held in the native library, driven through DJL's
 * JNI class {@link TokenizersLibrary} directly.
 *
 * <p>It does what DJL's {@code HuggingFaceTokenizer} does for the options Quiver uses (truncation
 * {@code LONGEST_FIRST} and padding {@code LONGEST} to a maximum length, or neither), but without
 * its factory methods: those first run {@code LibUtils}' own library lookup and DJL's telemetry
 * call, both configured JVM-wide (see {@link TokenizerNativeLibrary}). The native library must be
 * loaded first, by {@link TokenizerNativeLibrary#load}.
 *
 * <p>Thread-safe for {@link #encode}; {@link #close} must not run concurrently with it.
 */
final class NativeTokenizer implements AutoCloseable {

  private static final TokenizersLibrary LIB = TokenizersLibrary.LIB;

  /** The native handle, 0 once closed. */
  private final AtomicLong handle;

  private NativeTokenizer(long handle) {
    this.handle = new AtomicLong(handle);
  }

  /**
   * Parses a tokenizer.
   *
   * @param json the content of a {@code tokenizer.json}
   * @return the tokenizer, with the truncation and padding its JSON declares
   * @throws RuntimeException (from the native library) if the JSON is not a valid tokenizer
   */
  static NativeTokenizer fromJson(String json) {
    return new NativeTokenizer(LIB.createTokenizerFromString(json));
  }

  /**
   * Truncates every text to {@code maxLength} tokens (longest sequence first, keeping the special
   * tokens) and pads a batch to its longest text, keeping the stride and the pad-to-multiple that
   * the tokenizer's JSON declares.
   *
   * @param maxLength the maximum number of tokens, special tokens included
   * @return this tokenizer
   */
  NativeTokenizer truncateAndPad(int maxLength) {
    long h = handle();
    LIB.setTruncation(h, maxLength, "LONGEST_FIRST", LIB.getStride(h));
    LIB.setPadding(h, maxLength, "LONGEST", LIB.getPadToMultipleOf(h));
    return this;
  }

  /**
   * Turns truncation and padding off.
   *
   * @return this tokenizer
   */
  NativeTokenizer untruncatedUnpadded() {
    long h = handle();
    LIB.disableTruncation(h);
    LIB.disablePadding(h);
    return this;
  }

  /**
   * Tokenizes one text.
   *
   * @param text the text
   * @param addSpecialTokens whether to add the model's special tokens ({@code [CLS]}, {@code
   *     [SEP]})
   * @return the encoding, to close after use
   */
  Encoding encode(String text, boolean addSpecialTokens) {
    return new Encoding(LIB.encode(handle(), text, addSpecialTokens));
  }

  /**
   * Tokenizes texts together (in parallel in the native library; padded together when padding is
   * on).
   *
   * @param texts the texts, none null
   * @param addSpecialTokens whether to add the model's special tokens
   * @return one encoding per text, in order, each to close after use
   */
  Encoding[] encode(String[] texts, boolean addSpecialTokens) {
    long[] handles = LIB.batchEncode(handle(), texts, addSpecialTokens);
    Encoding[] encodings = new Encoding[handles.length];
    for (int i = 0; i < handles.length; i++) {
      encodings[i] = new Encoding(handles[i]);
    }
    return encodings;
  }

  private long handle() {
    long h = handle.get();
    if (h == 0) {
      throw new IllegalStateException("tokenizer is closed");
    }
    return h;
  }

  /** Releases the native tokenizer; later calls fail. */
  @Override
  public void close() {
    long h = handle.getAndSet(0);
    if (h != 0) {
      LIB.deleteTokenizer(h);
    }
  }

  /**
   * One tokenized text, held in the native library until closed; each accessor copies one of its
   * arrays out (one value per token).
   */
  static final class Encoding implements AutoCloseable {

    private long handle;

    private Encoding(long handle) {
      this.handle = handle;
    }

    /** Token ids. */
    long[] ids() {
      return LIB.getTokenIds(handle());
    }

    /** 1 for a token to attend to, 0 for padding. */
    long[] attentionMask() {
      return LIB.getAttentionMask(handle());
    }

    /** Segment (token type) ids. */
    long[] typeIds() {
      return LIB.getTypeIds(handle());
    }

    /** 1 for a special token (including padding), 0 for a token of the text. */
    long[] specialTokenMask() {
      return LIB.getSpecialTokenMask(handle());
    }

    /** The word of the pre-tokenization each token belongs to, -1 for special tokens. */
    long[] wordIds() {
      return LIB.getWordIds(handle());
    }

    /** Each token's span in the text, in Unicode code points; null entries for special tokens. */
    CharSpan[] charSpans() {
      return LIB.getTokenCharSpans(handle());
    }

    private long handle() {
      if (handle == 0) {
        throw new IllegalStateException("encoding is closed");
      }
      return handle;
    }

    @Override
    public void close() {
      if (handle != 0) {
        LIB.deleteEncoding(handle);
        handle = 0;
      }
    }

    /** Closes every encoding of a batch, also after a failure. */
    static void closeAll(Encoding[] encodings) {
      for (Encoding encoding : encodings) {
        encoding.close();
      }
    }
  }
}
