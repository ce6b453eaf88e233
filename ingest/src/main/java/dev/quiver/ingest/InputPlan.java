package dev.quiver.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The model inputs a list of texts becomes, and how the outputs of those inputs combine back into
 * one result per text. Each text is one input ({@code prefix + text}, the text possibly cut short
 * before tokenization where truncation would drop the rest anyway), or, when chunking, one input
 * per chunk ({@code prefix + chunk}). A text that cannot be planned (null, or refused by the
 * splitter) gets a reason and no inputs; the other texts are planned as usual.
 *
 * @param inputs the model inputs, the chunks of text {@code t} at {@code [firstChunk[t],
 *     firstChunk[t + 1])}
 * @param firstChunk per text, the index of its first input; one more entry, the input count
 * @param skipTokens per input, how many leading content tokens to leave out of token vectors (the
 *     prefix's tokens repeated in chunks after the first)
 * @param chunks per text, its pieces (one piece when it is not chunked), null for a failed text
 * @param failures per text, why it cannot be embedded (completing "text ..."), null if it can
 */
record InputPlan(
    List<String> inputs,
    int[] firstChunk,
    int[] skipTokens,
    List<HfTokenizer.Chunks> chunks,
    String[] failures) {

  /**
   * Plans the inputs of {@code texts}.
   *
   * @param splitter cuts {@code (prefix, text)} into the pieces that become inputs; throws an
   *     {@link IllegalArgumentException} (whose message completes "text ...") for a text it refuses
   */
  static InputPlan of(
      List<String> texts, String prefix, BiFunction<String, String, HfTokenizer.Chunks> splitter) {
    List<String> inputs = new ArrayList<>(texts.size());
    int[] firstChunk = new int[texts.size() + 1];
    List<Integer> skip = new ArrayList<>(texts.size());
    List<HfTokenizer.Chunks> chunks = new ArrayList<>(texts.size());
    String[] failures = new String[texts.size()];
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      firstChunk[i] = inputs.size();
      if (text == null) {
        failures[i] = "is null";
        chunks.add(null);
        continue;
      }
      HfTokenizer.Chunks textChunks;
      try {
        textChunks = splitter.apply(prefix, text);
      } catch (IllegalArgumentException e) {
        failures[i] = e.getMessage();
        chunks.add(null);
        continue;
      }
      chunks.add(textChunks);
      for (int c = 0; c < textChunks.texts().size(); c++) {
        String chunk = textChunks.texts().get(c);
        inputs.add(prefix.isEmpty() ? chunk : prefix + chunk);
        skip.add(c == 0 ? 0 : textChunks.prefixTokens()[c]);
      }
    }
    firstChunk[texts.size()] = inputs.size();
    return new InputPlan(
        inputs, firstChunk, skip.stream().mapToInt(Integer::intValue).toArray(), chunks, failures);
  }

  /** Whether text {@code t} failed to plan. */
  boolean failed(int t) {
    return failures[t] != null;
  }

  /**
   * One vector per text: its input's vector, or the mean of its chunks' vectors weighted by their
   * content tokens, L2-normalized again if {@code normalize}; null for a failed text.
   *
   * @param vectors per input, its vector
   * @param weights per input, its content tokens
   */
  List<float[]> combineVectors(float[][] vectors, int[] weights, boolean normalize) {
    float[][] result = new float[firstChunk.length - 1][];
    for (int t = 0; t < result.length; t++) {
      if (!failed(t)) {
        result[t] = mean(vectors, weights, firstChunk[t], firstChunk[t + 1], normalize);
      }
    }
    return Arrays.asList(result);
  }

  /**
   * The vectors of each text's inputs (its chunks, in order); null for a failed text.
   *
   * @param vectors per input, its vector
   */
  List<float[][]> combineChunks(float[][] vectors) {
    float[][][] result = new float[firstChunk.length - 1][][];
    for (int t = 0; t < result.length; t++) {
      if (!failed(t)) {
        result[t] = Arrays.copyOfRange(vectors, firstChunk[t], firstChunk[t + 1]);
      }
    }
    return Arrays.asList(result);
  }

  private static float[] mean(
      float[][] vectors, int[] weights, int from, int to, boolean normalize) {
    if (to - from == 1) {
      return vectors[from];
    }
    double[] sum = new double[vectors[from].length];
    double total = 0;
    for (int c = from; c < to; c++) {
      total += weights[c];
      for (int d = 0; d < sum.length; d++) {
        sum[d] += (double) weights[c] * vectors[c][d];
      }
    }
    float[] mean = new float[sum.length];
    for (int d = 0; d < sum.length; d++) {
      mean[d] = (float) (sum[d] / total);
    }
    return normalize ? VectorMath.normalize(mean) : mean;
  }

  /**
   * One array of token vectors per text: its chunks' token vectors in order, without the prefix
   * tokens repeated in chunks after the first; null for a failed text.
   *
   * @param perInput per input, its token vectors
   */
  List<float[][]> combineTokens(float[][][] perInput) {
    float[][][] result = new float[firstChunk.length - 1][][];
    for (int t = 0; t < result.length; t++) {
      if (!failed(t)) {
        result[t] = concat(perInput, firstChunk[t], firstChunk[t + 1]);
      }
    }
    return Arrays.asList(result);
  }

  private float[][] concat(float[][][] perInput, int from, int to) {
    if (to - from == 1) {
      return perInput[from];
    }
    int count = 0;
    for (int c = from; c < to; c++) {
      count += perInput[c].length - Math.min(perInput[c].length, skipTokens[c]);
    }
    float[][] out = new float[count][];
    int n = 0;
    for (int c = from; c < to; c++) {
      int skip = Math.min(perInput[c].length, skipTokens[c]);
      System.arraycopy(perInput[c], skip, out, n, perInput[c].length - skip);
      n += perInput[c].length - skip;
    }
    return out;
  }
}
