package dev.quiver.ingest;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A test-only, deliberately plain implementation of bge-small-en-v1.5 written straight against ONNX
 * Runtime and DJL's {@link HuggingFaceTokenizer}, to check the engine against. It shares no code
 * with {@link OnnxEmbedder}, {@link HfTokenizer}, {@link TokenizedBatch} or {@link VectorMath}: one
 * text per run, default session options, its own truncation, pooling and normalization.
 *
 * <p>What it implements (the published recipe of bge-small-en-v1.5, written out here rather than
 * read from {@code quiver-model.json}):
 *
 * <ol>
 *   <li>tokenize with special tokens ({@code [CLS] ... [SEP]}), no truncation and no padding by the
 *       tokenizer; if longer than {@value #MAX_TOKENS} tokens, keep the first {@code MAX_TOKENS -
 *       1} and the final {@code [SEP]} (what HuggingFace truncation does to one BERT sequence);
 *   <li>feed {@code input_ids}, {@code attention_mask} (all ones) and {@code token_type_ids} as
 *       int64 tensors of shape {@code [1, n]};
 *   <li>read {@code last_hidden_state} {@code [1, n, 384]}; the dense embedding is row 0 (the
 *       {@code [CLS]} token), L2-normalized; token vectors are the rows of the non-special tokens,
 *       each L2-normalized.
 * </ol>
 *
 * The only project code it touches is {@link TokenizerNativeLibrary#load} (through {@link
 * DjlTokenizers}), to load DJL's native library offline from the test cache instead of letting DJL
 * download it.
 */
final class ReferenceOrtEmbedder implements AutoCloseable {

  /** bge-small-en-v1.5's maximum sequence length, special tokens included. */
  static final int MAX_TOKENS = 512;

  private static final String OUTPUT = "last_hidden_state";

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;

  /**
   * The model run on one text.
   *
   * @param ids the fed token ids (after truncation)
   * @param special per token, whether it is a special token ({@code [CLS]}, {@code [SEP]})
   * @param hidden {@code last_hidden_state} row per token, as the model returned it
   * @param untruncatedTokens the number of tokens before truncation
   */
  record Run(long[] ids, boolean[] special, float[][] hidden, int untruncatedTokens) {

    /**
     * The dense embedding: the {@code [CLS]} row, L2-normalized.
     *
     * @return the vector
     */
    float[] cls() {
      return normalized(hidden[0]);
    }

    /**
     * The rows of the non-special tokens, each L2-normalized.
     *
     * @return the token vectors, in order
     */
    float[][] contentTokens() {
      return IntStream.range(0, ids.length)
          .filter(i -> !special[i])
          .mapToObj(i -> normalized(hidden[i]))
          .toArray(float[][]::new);
    }
  }

  private ReferenceOrtEmbedder(
      OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer) {
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
  }

  static ReferenceOrtEmbedder open(Path onnx, Path tokenizerJson, Path nativeCache)
      throws IOException, OrtException {
    HuggingFaceTokenizer tokenizer =
        DjlTokenizers.newInstance(
            tokenizerJson,
            Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"),
            nativeCache);
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      session = environment.createSession(onnx.toString(), options);
    } catch (OrtException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    return new ReferenceOrtEmbedder(environment, session, tokenizer);
  }

  /**
   * The number of tokens of a text before truncation, special tokens included.
   *
   * @param text the text
   * @return the token count
   */
  int tokenCount(String text) {
    return tokenizer.encode(text).getIds().length;
  }

  /**
   * Tokenizes one text, truncates it and runs the model on it alone.
   *
   * @param text the text, prefix included
   * @return the run
   */
  Run run(String text) throws OrtException {
    Encoding encoding = tokenizer.encode(text);
    long[] ids = encoding.getIds();
    long[] types = encoding.getTypeIds();
    long[] specialMask = encoding.getSpecialTokenMask();
    int untruncated = ids.length;
    if (untruncated > MAX_TOKENS) {
      ids = truncate(ids);
      types = truncate(types);
      specialMask = truncate(specialMask);
    }
    int n = ids.length;
    long[] mask = new long[n];
    Arrays.fill(mask, 1L);
    long[][] shaped = {ids};
    try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, shaped);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, new long[][] {mask});
        OnnxTensor typesTensor = OnnxTensor.createTensor(environment, new long[][] {types});
        OrtSession.Result result =
            session.run(
                Map.of(
                    "input_ids", idsTensor,
                    "attention_mask", maskTensor,
                    "token_type_ids", typesTensor))) {
      float[][][] hidden =
          (float[][][])
              result
                  .get(OUTPUT)
                  .orElseThrow(() -> new IllegalStateException("no output " + OUTPUT))
                  .getValue();
      if (hidden.length != 1 || hidden[0].length != n) {
        throw new IllegalStateException(
            "unexpected " + OUTPUT + " shape [" + hidden.length + ", " + hidden[0].length + "]");
      }
      boolean[] special = new boolean[n];
      for (int i = 0; i < n; i++) {
        special[i] = specialMask[i] != 0;
      }
      return new Run(ids, special, hidden[0], untruncated);
    }
  }

  /** Keeps the first {@code MAX_TOKENS - 1} entries and the last one (the final {@code [SEP]}). */
  private static long[] truncate(long[] values) {
    long[] out = Arrays.copyOf(values, MAX_TOKENS);
    out[MAX_TOKENS - 1] = values[values.length - 1];
    return out;
  }

  static float[] normalized(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    double norm = Math.sqrt(sum);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Override
  public void close() throws OrtException {
    try {
      session.close();
    } finally {
      tokenizer.close();
    }
  }
}
